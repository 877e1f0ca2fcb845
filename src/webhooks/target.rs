//! Where a webhook may be delivered: the defences against server-side request forgery.
//!
//! A webhook makes this server send requests to an address a user chose. Left unchecked,
//! that user could reach what only the server can reach: the cloud's metadata service
//! (`169.254.169.254`), the database, an admin port on `127.0.0.1`, the office network.
//! So a URL must be `https`, carry no credentials, and every address its host resolves to
//! must be a global unicast address. The check runs when the URL is registered (answering
//! 422 `webhook_url_not_allowed`) and again before every delivery attempt, whose connection
//! then goes to the addresses just vetted and no other ([`Target::addrs`], pinned in the
//! client), so a name that resolves elsewhere a second later (DNS rebinding) changes
//! nothing. Redirects are not followed.
//!
//! `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE=true` lets an operator deliver to `http` URLs and to
//! loopback and private addresses (local receivers, tests, a receiver on the same network).
//! Link-local, unspecified, multicast and reserved addresses stay refused even then.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::error::ApiError;

/// How long name resolution may take.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a URL is refused; [`Refusal::reason`] is its stable spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not `https` (nor `http` when the operator allows it).
    Scheme,
    /// `user:password@` in the URL: secrets belong in the signing secret.
    Credentials,
    /// No host name, or one that does not resolve.
    Unresolvable,
    /// The host is or resolves to an address of this kind.
    Address { kind: AddressKind, addr: IpAddr },
}

/// The kinds of addresses that are not global unicast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressKind {
    Loopback,
    Private,
    LinkLocal,
    Unspecified,
    Multicast,
    /// Documentation, benchmarking, broadcast, reserved and transition ranges.
    Reserved,
}

impl AddressKind {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link_local",
            Self::Unspecified => "unspecified",
            Self::Multicast => "multicast",
            Self::Reserved => "reserved",
        }
    }

    /// Whether `BAYANIHAN_WEBHOOK_ALLOW_PRIVATE` lets deliveries go there.
    fn allowed_privately(self) -> bool {
        matches!(self, Self::Loopback | Self::Private)
    }
}

impl Refusal {
    /// The reason, a stable snake_case word: `scheme`, `credentials`, `unresolvable` or an
    /// address kind (`loopback`, `private`, `link_local`, `unspecified`, `multicast`,
    /// `reserved`).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Scheme => "scheme",
            Self::Credentials => "credentials",
            Self::Unresolvable => "unresolvable",
            Self::Address { kind, .. } => kind.as_str(),
        }
    }

    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            Self::Scheme => "a webhook URL must use https".to_owned(),
            Self::Credentials => "a webhook URL must not carry a user name or password".to_owned(),
            Self::Unresolvable => "the webhook URL's host name does not resolve".to_owned(),
            Self::Address { kind, addr } => format!(
                "the webhook URL's host is or resolves to a {} address ({addr}); only public addresses are allowed",
                kind.as_str().replace('_', "-")
            ),
        }
    }

    /// The 422 answer: `webhook_url_not_allowed`, naming the reason.
    pub fn into_error(self) -> ApiError {
        ApiError::Status {
            status: 422,
            code: "webhook_url_not_allowed",
            detail: format!("{} (reason: {})", self.message(), self.reason()),
        }
    }
}

/// The kind of `ip` when it is not a global unicast address; `None` when it is.
pub fn classify(ip: IpAddr) -> Option<AddressKind> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressKind> {
    let [a, b, c, _] = ip.octets();
    let kind = if ip.is_unspecified() || a == 0 {
        // 0.0.0.0/8, "this network": 0.0.0.0 reaches the local host on Linux.
        AddressKind::Unspecified
    } else if ip.is_loopback() {
        AddressKind::Loopback
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        // RFC 1918 and the carrier-grade NAT space 100.64.0.0/10.
        AddressKind::Private
    } else if ip.is_link_local() {
        AddressKind::LinkLocal
    } else if ip.is_multicast() {
        AddressKind::Multicast
    } else if ip.is_broadcast()
        || ip.is_documentation()
        || a >= 240
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
    {
        AddressKind::Reserved
    } else {
        return None;
    };
    Some(kind)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressKind> {
    // An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) reaches that IPv4 address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let seg = ip.segments();
    let kind = if ip.is_unspecified() {
        AddressKind::Unspecified
    } else if ip.is_loopback() {
        AddressKind::Loopback
    } else if (seg[0] & 0xfe00) == 0xfc00 {
        // Unique local addresses fc00::/7: IPv6's private ranges.
        AddressKind::Private
    } else if (seg[0] & 0xffc0) == 0xfe80 || (seg[0] & 0xffc0) == 0xfec0 {
        // Link-local fe80::/10 and the deprecated site-local fec0::/10.
        AddressKind::LinkLocal
    } else if ip.is_multicast() {
        AddressKind::Multicast
    } else if (seg[0] & 0xe000) != 0x2000
        || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        || (seg[0] == 0x2001 && seg[1] < 0x0200)
        || seg[0] == 0x2002
        || (seg[0] == 0x0064 && seg[1] == 0xff9b)
    {
        // Outside global unicast 2000::/3 (this includes IPv4-compatible `::a.b.c.d`,
        // NAT64 64:ff9b::/96 and the discard prefix), documentation 2001:db8::/32, the
        // IETF and Teredo block 2001::/23, and 6to4 2002::/16, whose embedded IPv4
        // address could be anything.
        AddressKind::Reserved
    } else {
        return None;
    };
    Some(kind)
}

/// Whether deliveries may go to `ip`.
fn vet(ip: IpAddr, allow_private: bool) -> Result<(), Refusal> {
    match classify(ip) {
        None => Ok(()),
        Some(kind) if allow_private && kind.allowed_privately() => Ok(()),
        Some(kind) => Err(Refusal::Address { kind, addr: ip }),
    }
}

/// A URL that passed the checks that need no network: scheme, credentials, a host, and
/// an IP-literal host's address.
pub fn check_syntax(raw: &str, allow_private: bool) -> Result<url::Url, Refusal> {
    let url = url::Url::parse(raw).map_err(|_| Refusal::Unresolvable)?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(Refusal::Scheme),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::Credentials);
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => vet(IpAddr::V4(ip), allow_private)?,
        Some(url::Host::Ipv6(ip)) => vet(IpAddr::V6(ip), allow_private)?,
        Some(url::Host::Domain(name)) if !name.is_empty() => {}
        _ => return Err(Refusal::Unresolvable),
    }
    Ok(url)
}

/// A URL whose every address was vetted just now.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: url::Url,
    /// The host name to pin, when the host is a name rather than an address.
    pub host: Option<String>,
    /// The vetted addresses; connections go to these only.
    pub addrs: Vec<SocketAddr>,
}

/// Checks `url` fully: its syntax, then every address its host resolves to.
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<Target, Refusal> {
    let url = check_syntax(url.as_str(), allow_private)?;
    let port = url.port_or_known_default().ok_or(Refusal::Unresolvable)?;
    let (host, addrs) = match url.host() {
        Some(url::Host::Ipv4(ip)) => (None, vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => (None, vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_owned();
            let found = tokio::time::timeout(
                RESOLVE_TIMEOUT,
                tokio::net::lookup_host((name.as_str(), port)),
            )
            .await
            .map_err(|_| Refusal::Unresolvable)?
            .map_err(|_| Refusal::Unresolvable)?;
            let addrs: Vec<SocketAddr> = found.collect();
            (Some(name), addrs)
        }
        None => return Err(Refusal::Unresolvable),
    };
    if addrs.is_empty() {
        return Err(Refusal::Unresolvable);
    }
    // Every address, not the first: a name with one public and one internal address would
    // otherwise reach the internal one on the client's next try.
    for addr in &addrs {
        vet(addr.ip().to_canonical(), allow_private)?;
    }
    Ok(Target { url, host, addrs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> Option<&'static str> {
        classify(raw.parse().unwrap()).map(AddressKind::as_str)
    }

    #[test]
    fn only_global_unicast_addresses_pass() {
        assert_eq!(kind("93.184.216.34"), None);
        assert_eq!(kind("2606:2800:220:1:248:1893:25c8:1946"), None);
        assert_eq!(kind("127.0.0.1"), Some("loopback"));
        assert_eq!(kind("10.0.0.1"), Some("private"));
        assert_eq!(kind("172.16.3.4"), Some("private"));
        assert_eq!(kind("192.168.1.1"), Some("private"));
        assert_eq!(kind("100.64.0.1"), Some("private"));
        assert_eq!(kind("169.254.169.254"), Some("link_local"));
        assert_eq!(kind("0.0.0.0"), Some("unspecified"));
        assert_eq!(kind("0.1.2.3"), Some("unspecified"));
        assert_eq!(kind("224.0.0.1"), Some("multicast"));
        assert_eq!(kind("255.255.255.255"), Some("reserved"));
        assert_eq!(kind("192.0.2.1"), Some("reserved"));
        assert_eq!(kind("198.18.0.1"), Some("reserved"));
        assert_eq!(kind("::1"), Some("loopback"));
        assert_eq!(kind("::"), Some("unspecified"));
        assert_eq!(kind("fd00::1"), Some("private"));
        assert_eq!(kind("fe80::1"), Some("link_local"));
        assert_eq!(kind("ff02::1"), Some("multicast"));
        assert_eq!(kind("2001:db8::1"), Some("reserved"));
        assert_eq!(kind("64:ff9b::7f00:1"), Some("reserved"));
        assert_eq!(kind("2002:7f00:1::1"), Some("reserved"));
        assert_eq!(kind("::127.0.0.1"), Some("reserved"));
        // IPv4-mapped IPv6 is judged as the IPv4 address it reaches.
        assert_eq!(kind("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(kind("::ffff:169.254.169.254"), Some("link_local"));
        assert_eq!(kind("::ffff:93.184.216.34"), None);
    }

    #[test]
    fn the_url_must_be_https_without_credentials() {
        assert!(check_syntax("https://example.org/hook", false).is_ok());
        assert_eq!(
            check_syntax("http://example.org/hook", false).unwrap_err(),
            Refusal::Scheme
        );
        assert!(check_syntax("http://example.org/hook", true).is_ok());
        assert_eq!(
            check_syntax("ftp://example.org/hook", true).unwrap_err(),
            Refusal::Scheme
        );
        assert_eq!(
            check_syntax("https://a:b@example.org/", false).unwrap_err(),
            Refusal::Credentials
        );
        assert_eq!(
            check_syntax("https://0x7f.1/", false).unwrap_err().reason(),
            "loopback"
        );
        assert_eq!(
            check_syntax("https://[::ffff:7f00:1]/", false)
                .unwrap_err()
                .reason(),
            "loopback"
        );
        // The operator's flag opens loopback and private ranges, never link-local.
        assert!(check_syntax("https://127.0.0.1:8443/", true).is_ok());
        assert!(check_syntax("https://10.1.2.3/", true).is_ok());
        assert_eq!(
            check_syntax("https://169.254.169.254/", true)
                .unwrap_err()
                .reason(),
            "link_local"
        );
    }
}
