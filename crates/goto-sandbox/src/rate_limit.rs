//! GoTo's published rate limit: each API allows N requests per second (default 10), then 429.
//!
//! Modelled as one token bucket per API holding at most N tokens and refilling N per second, so a
//! burst of N passes and a steady N per second passes, while anything faster gets 429.

use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_second: Option<u32>,
    buckets: HashMap<String, Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    pub(crate) fn new(per_second: Option<u32>) -> RateLimiter {
        RateLimiter {
            per_second,
            buckets: HashMap::new(),
        }
    }

    /// Changes the rate and starts every bucket full again.
    pub(crate) fn set_rate(&mut self, per_second: Option<u32>) {
        self.per_second = per_second;
        self.buckets.clear();
    }

    /// Whether a request to `api` may pass now; a passing request spends one token.
    pub(crate) fn admit(&mut self, api: &str, now: Instant) -> bool {
        let Some(per_second) = self.per_second else {
            return true;
        };
        let capacity = f64::from(per_second);
        let bucket = self.buckets.entry(api.to_owned()).or_insert(Bucket {
            tokens: capacity,
            refilled_at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled_at);
        bucket.tokens = (bucket.tokens + elapsed.as_secs_f64() * capacity).min(capacity);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
