//! Everything a sandbox knows and every knob a test can turn, behind one lock.
//!
//! A single mutex keeps the model simple: handlers run synchronously under it and never await,
//! so it is held for microseconds, and a test's `set_*` call is ordered with respect to every
//! request.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use crate::credentials::{self, Client, Pat};
use crate::entropy::Entropy;
use crate::faults::FaultQueue;
use crate::organisation::Organisation;
use crate::rate_limit::RateLimiter;
use crate::recording::RecordedRequest;
use crate::{Options, UserId};

/// An access token this sandbox issued, and what it grants.
#[derive(Debug)]
pub(crate) struct IssuedToken {
    pub(crate) user: UserId,
    pub(crate) scopes: Vec<String>,
    pub(crate) expires_at: SystemTime,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) clients: Vec<Client>,
    pub(crate) pats: Vec<Pat>,
    pub(crate) tokens: HashMap<String, IssuedToken>,
    pub(crate) organisation: Organisation,
    pub(crate) token_lifetime_seconds: i64,
    pub(crate) latency: Duration,
    pub(crate) route_latencies: Vec<(String, Duration)>,
    pub(crate) rate_limiter: RateLimiter,
    pub(crate) retry_after: bool,
    pub(crate) faults: FaultQueue,
    pub(crate) drifting_prefixes: Vec<String>,
    /// Path prefixes answered 403 insufficient-scope whatever the token holds, with the scope the
    /// refusal names (see `Sandbox::refuse_scope`).
    pub(crate) refused_scopes: Vec<(String, String)>,
    /// Path prefixes answered as paths the sandbox does not serve (see `Sandbox::stop_serving`).
    pub(crate) unserved_prefixes: Vec<String>,
    pub(crate) log: Vec<RecordedRequest>,
    pub(crate) entropy: Entropy,
}

impl State {
    pub(crate) fn seeded(options: &Options, started_at: SystemTime) -> State {
        State {
            clients: credentials::seeded_clients(),
            pats: credentials::seeded_pats(),
            tokens: HashMap::new(),
            organisation: Organisation::new(crate::timestamps::unix_millis(started_at) / 1000),
            token_lifetime_seconds: options.token_lifetime_seconds,
            latency: options.latency,
            route_latencies: Vec::new(),
            rate_limiter: RateLimiter::new(options.rate_limit_per_second),
            retry_after: options.retry_after,
            faults: FaultQueue::default(),
            drifting_prefixes: Vec::new(),
            refused_scopes: Vec::new(),
            unserved_prefixes: Vec::new(),
            log: Vec::new(),
            entropy: Entropy::new(),
        }
    }

    /// The delay before answering a request to `path`: the global latency plus the latency of
    /// the longest matching route prefix.
    pub(crate) fn latency_for(&self, path: &str) -> Duration {
        let route_latency = self
            .route_latencies
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(Duration::ZERO, |(_, latency)| *latency);
        self.latency + route_latency
    }

    pub(crate) fn find_pat(&self, value: &str) -> Option<&Pat> {
        self.pats.iter().find(|pat| pat.value == value)
    }
}
