//! When to try an HTTP request again, and how long to wait first.
//!
//! The contract: 429, 5xx and connection failures are retried, at most 4 attempts in all,
//! honouring `Retry-After` (seconds or an HTTP date, capped), else exponential backoff with full
//! jitter. Other answers are final: an `invalid_grant` does not get better by asking again. So
//! are a certificate that did not verify and an answer too large to read, which
//! [`HttpClient::send_counting`](crate::HttpClient::send_counting) never hands to [`next`].

use std::time::{Duration, SystemTime};

/// How many attempts a request gets, the first included.
pub const MAX_ATTEMPTS: u32 = 4;
/// The first backoff step; each retry doubles it.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// The largest backoff step.
const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// The longest `Retry-After` we wait for. A server that asks for more is reported, not waited on.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(30);

/// What one attempt produced, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    /// An HTTP answer with this status and `Retry-After` header.
    Answer {
        /// The status code.
        status: u16,
        /// The `Retry-After` header, verbatim.
        retry_after: Option<&'a str>,
    },
    /// No answer: the connection failed or timed out.
    NoAnswer,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The attempt's result is final.
    Stop,
    /// Wait this long, then try again.
    RetryAfter(Duration),
}

/// Whether an answer with this status is worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// Decides what follows attempt number `attempt` (1-based). `jitter` is a number in `[0, 1)`
/// that spreads clients apart; `now` turns an HTTP-date `Retry-After` into a wait.
pub fn next(attempt: u32, outcome: Attempt<'_>, now: SystemTime, jitter: f64) -> Next {
    if attempt >= MAX_ATTEMPTS {
        return Next::Stop;
    }
    let retry_after = match outcome {
        Attempt::NoAnswer => None,
        Attempt::Answer { status, .. } if !is_retryable_status(status) => return Next::Stop,
        Attempt::Answer { retry_after, .. } => retry_after.and_then(|v| parse_retry_after(v, now)),
    };
    match retry_after {
        Some(wait) if wait > RETRY_AFTER_CAP => Next::Stop,
        Some(wait) => Next::RetryAfter(wait),
        None => {
            let doublings = attempt.saturating_sub(1).min(16);
            let step = BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_CAP);
            let jitter = if jitter.is_nan() {
                0.0
            } else {
                jitter.clamp(0.0, 1.0)
            };
            Next::RetryAfter(step.mul_f64(jitter))
        }
    }
}

/// Parses `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date in the past
/// means "now"; anything unparseable is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A jitter value in `[0, 1)`, from the operating system's random source
/// ([`crate::random_u64`]), so that clients retrying at the same moment spread apart.
pub fn jitter() -> f64 {
    // The top 53 bits: every value a double holds exactly in [0, 1).
    (crate::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    fn answer(status: u16, retry_after: Option<&str>) -> Attempt<'_> {
        Attempt::Answer {
            status,
            retry_after,
        }
    }

    #[test]
    fn retries_only_429_5xx_and_no_answer() {
        for status in [400, 401, 403, 404] {
            assert_eq!(next(1, answer(status, None), NOW, 0.5), Next::Stop);
        }
        for status in [429, 500, 502, 503, 504] {
            assert!(matches!(
                next(1, answer(status, None), NOW, 0.5),
                Next::RetryAfter(_)
            ));
        }
        assert!(matches!(
            next(1, Attempt::NoAnswer, NOW, 0.5),
            Next::RetryAfter(_)
        ));
    }

    #[test]
    fn at_most_four_attempts() {
        assert!(matches!(
            next(3, answer(503, None), NOW, 0.0),
            Next::RetryAfter(_)
        ));
        assert_eq!(next(4, answer(503, None), NOW, 0.0), Next::Stop);
    }

    #[test]
    fn retry_after_seconds_and_dates_are_honoured_and_capped() {
        assert_eq!(
            next(1, answer(429, Some("2")), NOW, 0.9),
            Next::RetryAfter(Duration::from_secs(2))
        );
        let date = httpdate::fmt_http_date(NOW + Duration::from_secs(3));
        assert_eq!(
            next(1, answer(503, Some(&date)), NOW, 0.9),
            Next::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(next(1, answer(429, Some("3600")), NOW, 0.9), Next::Stop);
        assert_eq!(
            parse_retry_after(
                "Thu, 01 Jan 1970 00:00:00 GMT",
                NOW + Duration::from_secs(9)
            ),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_below_the_cap() {
        let wait = |attempt| match next(attempt, Attempt::NoAnswer, NOW, 0.999_999) {
            Next::RetryAfter(wait) => wait,
            Next::Stop => panic!("stopped"),
        };
        assert!(wait(1) < Duration::from_millis(501) && wait(1) > Duration::from_millis(499));
        assert!(wait(2) > Duration::from_millis(999) && wait(2) < Duration::from_millis(1001));
        assert!(wait(3) < Duration::from_secs(2) + Duration::from_millis(1));
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }
}
