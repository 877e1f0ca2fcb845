//! Requests the server makes to services of others (webhook receivers, a machine-translation
//! service): one client configuration and one safe description of a failure.

use std::time::Duration;

/// A client builder that follows no redirect, uses no proxy, gives up after `timeout`
/// (connecting after at most five seconds of it) and names itself `agent`.
pub fn client_builder(agent: &'static str, timeout: Duration) -> reqwest13::ClientBuilder {
    // rustls needs one process-wide crypto provider; ring is the one in the tree.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest13::Client::builder()
        .redirect(reqwest13::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .no_proxy()
        .user_agent(agent)
}

/// A short, safe description of a failed request to `party` ("the receiver"): never the
/// URL (it may carry tokens in its query), a key, nor the peer's answer.
pub fn describe(err: &reqwest13::Error, party: &str) -> String {
    if err.is_timeout() {
        format!("{party} did not answer in time")
    } else if err.is_connect() {
        format!("could not connect to {party}")
    } else if err.is_redirect() {
        format!("{party} answered with a redirect, which is not followed")
    } else {
        format!("the request to {party} failed")
    }
}
