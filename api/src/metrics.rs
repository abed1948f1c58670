//! Prometheus metrics: requests by operation and status, a latency histogram, and how
//! often the open data archive was built.
//! Each [`AppState`](crate::state::AppState) has its own registry, so tests never share counters.
//!
//! Every label value comes from a closed set, so that no request can add a series: the
//! operation is one the server defines (or `other`), the method one of [`METHODS`] (or
//! `other`), the status the code the server answered.

use poem::http::Method;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder};

/// The methods counted by name; any other is counted as `other`.
pub const METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// The label of `method`: its name when it is one of [`METHODS`], else `other`.
pub fn method_label(method: &Method) -> &'static str {
    METHODS
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

/// The metrics of one server.
#[derive(Debug, Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    open_data_builds: IntCounter,
    retention: IntCounterVec,
    job_runs: IntCounterVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Fresh counters in a fresh registry.
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "sluss_http_requests_total",
                "HTTP requests by operation, method and status",
            ),
            &["operation", "method", "status"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "sluss_http_request_duration_seconds",
                "HTTP request latency by operation",
            )
            .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
            &["operation"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        let open_data_builds = IntCounter::new(
            "sluss_open_data_builds_total",
            "How often the open data archive was built",
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        let retention = IntCounterVec::new(
            Opts::new(
                "sluss_retention_accounts_total",
                "Unused accounts warned of their erasure, and erased, by the retention job",
            ),
            &["outcome"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        let job_runs = IntCounterVec::new(
            Opts::new("sluss_job_runs_total", "Runs of the scheduled jobs by job and outcome"),
            &["job", "outcome"],
        )
        .unwrap_or_else(|e| unreachable!("static metric definition: {e}"));
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(open_data_builds.clone()),
            Box::new(retention.clone()),
            Box::new(job_runs.clone()),
        ] {
            registry
                .register(collector)
                .unwrap_or_else(|e| unreachable!("fresh registry: {e}"));
        }
        Self {
            registry,
            requests,
            latency,
            open_data_builds,
            retention,
            job_runs,
        }
    }

    /// Counts one request of the operation `operation` (a name the server defines, never
    /// one the request chose).
    pub fn observe(&self, operation: &'static str, method: &Method, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[operation, method_label(method), &status.to_string()])
            .inc();
        self.latency.with_label_values(&[operation]).observe(seconds);
    }

    /// The registry, for the collectors of other parts of the server.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one build of the open data archive.
    pub fn open_data_built(&self) {
        self.open_data_builds.inc();
    }

    /// Counts the accounts one retention run warned and erased.
    pub fn retention_done(&self, warned: u64, erased: u64) {
        self.retention.with_label_values(&["warned"]).inc_by(warned);
        self.retention.with_label_values(&["erased"]).inc_by(erased);
    }

    /// Counts one run of the scheduled job `job` (`ok` or `failed`).
    pub fn job_ran(&self, job: &'static str, outcome: &'static str) {
        self.job_runs.with_label_values(&[job, outcome]).inc();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "metrics encoding failed");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use poem::http::Method;

    use super::{METHODS, method_label};

    #[test]
    fn the_seven_methods_are_named_and_any_other_is_other() {
        for method in METHODS {
            assert_eq!(method_label(&method), method.as_str());
        }
        for name in ["TRACE", "CONNECT", "PROPFIND", "get", "MADEUP1"] {
            let method = Method::from_bytes(name.as_bytes()).unwrap();
            assert_eq!(method_label(&method), "other", "{name}");
        }
    }
}
