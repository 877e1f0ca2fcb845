//! Prometheus metrics of the HTTP server.
//!
//! Every label takes a bounded set of values, so that no client can grow the metrics
//! without limit: `route` is a route template or `unmatched`, `method` a standard method or
//! `other`, `status` a status code.

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{
    HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

/// The `method` label of a request: its method when standard, else `other`.
pub fn method_label(method: &str) -> &str {
    match method {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => method,
        _ => "other",
    }
}

/// Request counters and latency histograms, labelled by route template, method and status,
/// and the count of log lines dropped.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
}

impl Metrics {
    /// Registers the server's metrics in a registry of their own.
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new();
        let labels = ["route", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests served, by route template, method and status",
            ),
            &labels,
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency in seconds",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(DroppedLogLines::new()?))?;
        Ok(Self {
            registry,
            requests,
            latency,
        })
    }

    /// Records one answered request; an unknown `method` is counted as `other`.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        let labels = [route, method_label(method), status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(seconds);
    }

    /// The metrics in Prometheus text format.
    pub fn render(&self) -> prometheus::Result<String> {
        TextEncoder::new().encode_to_string(&self.registry.gather())
    }
}

/// `log_lines_dropped_total`, read from the log writer when the metrics are gathered.
struct DroppedLogLines {
    desc: Desc,
}

const DROPPED_NAME: &str = "log_lines_dropped_total";
const DROPPED_HELP: &str = "Log lines dropped because standard error could not take them (full disk, closed or stuck pipe)";

impl DroppedLogLines {
    fn new() -> prometheus::Result<Self> {
        Ok(Self {
            desc: Desc::new(
                DROPPED_NAME.to_owned(),
                DROPPED_HELP.to_owned(),
                Vec::new(),
                Default::default(),
            )?,
        })
    }
}

impl Collector for DroppedLogLines {
    fn desc(&self) -> Vec<&Desc> {
        vec![&self.desc]
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let Ok(counter) = IntCounter::new(DROPPED_NAME, DROPPED_HELP) else {
            return Vec::new();
        };
        counter.inc_by(crate::telemetry::dropped_lines());
        counter.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        let metrics = Metrics::new().unwrap();
        metrics.observe("/health/live", "GET", 200, 0.001);
        let before = metrics.render().unwrap();
        for i in 0..50 {
            metrics.observe("/health/live", &format!("INVENTED{i}"), 405, 0.001);
        }
        let after = metrics.render().unwrap();
        assert!(after.contains(r#"method="other""#), "{after}");
        assert!(!after.contains("INVENTED"), "{after}");
        // One new series (and its histogram), not fifty.
        assert!(
            after.len() < before.len() * 3,
            "{} -> {}",
            before.len(),
            after.len()
        );
        assert_eq!(method_label("PATCH"), "PATCH");
        assert_eq!(method_label("get"), "other");
    }

    #[test]
    fn dropped_log_lines_are_exported() {
        assert!(
            Metrics::new()
                .unwrap()
                .render()
                .unwrap()
                .contains("log_lines_dropped_total ")
        );
    }
}
