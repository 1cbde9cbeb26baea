//! HTTP as plain values: the request and answer types, the [`Transport`] that moves them, and
//! the retry loop around it.
//!
//! Requests are built and answers parsed elsewhere, in pure functions. The HTTP stack itself
//! (reqwest and rustls) lives in the `goto-http` crate, which implements [`Transport`]: this
//! crate does not depend on reqwest, so on a cold build it compiles while reqwest is still
//! compiling instead of after it (see ARCHITECTURE.md, "Build time").

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::error::TransportError;
use crate::retry::{self, Attempt, Next};
use crate::url::BaseUrl;

/// The most of an answer we hold in memory. GoTo's largest pages are far below it; a server
/// streaming more is broken or hostile.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// An HTTP request as a plain value. Its `Debug` hides the `Authorization` header and the body,
/// which carry the client secret, the PAT or a token.
#[derive(Clone)]
pub struct HttpRequest {
    /// The method, upper case.
    pub method: String,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl HttpRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name.eq_ignore_ascii_case("authorization") {
                    "[redacted]"
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field(
                "body",
                &self
                    .body
                    .as_ref()
                    .map(|b| format!("[{} bytes redacted]", b.len())),
            )
            .finish()
    }
}

/// An HTTP answer as a plain value. Its `Debug` hides the body, which may hold a token.
#[derive(Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Retry-After` header.
    pub retry_after: Option<String>,
    /// The body, at most [`MAX_BODY_BYTES`].
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("retry_after", &self.retry_after)
            .field("body", &format!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// One retry about to happen, for the caller to show.
#[derive(Debug, Clone)]
pub struct RetryNotice {
    /// The attempt that just failed (1-based).
    pub attempt: u32,
    /// The status of its answer, when one came.
    pub status: Option<u16>,
    /// What went wrong, as a phrase that follows the target's name: `answered 503`, `did not
    /// answer within 30 s`, `could not be reached (Connection refused)`.
    pub cause: String,
    /// How long we wait before the next attempt.
    pub wait: Duration,
}

/// What [`HttpClient::send_counting`] came to: the last attempt's result, and how many
/// attempts were made, so a final message can say that retries ran out.
#[derive(Debug)]
pub struct Attempts {
    /// The last attempt's answer, or why it got none.
    pub result: Result<HttpResponse, TransportError>,
    /// How many attempts were made, the first included.
    pub made: u32,
}

/// The phrase for an attempt that got `result`, as [`RetryNotice::cause`] reads.
fn cause_of(result: &Result<HttpResponse, TransportError>) -> String {
    match result {
        Ok(answer) => format!("answered {}", answer.status),
        Err(TransportError::Timeout { timeout, .. }) => {
            format!("did not answer within {} s", timeout.as_secs())
        }
        Err(TransportError::Connection { detail, .. }) => {
            format!("could not be reached ({detail})")
        }
        Err(TransportError::Proxy { proxy, detail, .. }) => {
            format!("could not be reached: the proxy {proxy} {detail}")
        }
        Err(error) => format!("failed: {error}"),
    }
}

/// Sends one request, once: what an HTTP stack gives this crate.
///
/// An implementation bounds the whole attempt (connecting, sending and reading the answer) by
/// its timeout, holds at most [`MAX_BODY_BYTES`] of an answer, follows no redirect (a redirect
/// could carry credentials to another host), and describes failures without secrets: URLs here
/// never carry any, and request bodies and headers must not be quoted.
pub trait Transport: fmt::Debug + Send + Sync {
    /// Sends `request` once.
    ///
    /// # Errors
    ///
    /// No complete answer arrived within the timeout, the answer is too large, or the request
    /// cannot be expressed (an invalid method).
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// Builds the client a [`Session`](crate::Session) uses, once it knows the timeout and which
/// hosts it will reach: `goto_http::connect` in the xtask.
pub type Connect = fn(Duration, Reach) -> Result<HttpClient, TransportError>;

/// A [`Transport`] with the retry policy of [`crate::retry`] around it.
#[derive(Debug)]
pub struct HttpClient {
    transport: Box<dyn Transport>,
}

/// Which hosts a client will reach, which decides whether it needs the platform's CA store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Some host is https: certificates are verified against the platform's CA store.
    Https,
    /// Every URL is plain `http://` to loopback (the sandbox), so no certificate will ever be
    /// checked. Loading the CA store anyway reads every file under `/etc/ssl/certs` and takes
    /// most of an unoptimised build's exchange.
    LoopbackHttp,
}

impl Reach {
    /// The reach of a client that will only talk to `urls`.
    pub fn of<'a>(urls: impl IntoIterator<Item = &'a BaseUrl>) -> Reach {
        let mut urls = urls.into_iter().peekable();
        if urls.peek().is_some() && urls.all(BaseUrl::is_plain_http) {
            Reach::LoopbackHttp
        } else {
            Reach::Https
        }
    }
}

impl HttpClient {
    /// A client sending through `transport`.
    pub fn new(transport: impl Transport + 'static) -> HttpClient {
        HttpClient {
            transport: Box::new(transport),
        }
    }

    /// Sends one request, once.
    ///
    /// # Errors
    ///
    /// See [`Transport::send`].
    pub fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        self.transport.send(request)
    }

    /// Sends a request under the retry policy of [`crate::retry`], calling `on_retry` before
    /// each wait. Returns the last answer, whatever its status.
    ///
    /// # Errors
    ///
    /// The last attempt got no complete answer.
    pub fn send_with_retries(
        &self,
        request: &HttpRequest,
        on_retry: impl FnMut(&RetryNotice),
    ) -> Result<HttpResponse, TransportError> {
        self.send_counting(request, on_retry).result
    }

    /// [`HttpClient::send_with_retries`], also saying how many attempts were made.
    pub fn send_counting(
        &self,
        request: &HttpRequest,
        mut on_retry: impl FnMut(&RetryNotice),
    ) -> Attempts {
        let mut attempt = 1;
        loop {
            let result = self.send(request);
            match after_attempt(attempt, &result) {
                None => {
                    return Attempts {
                        result,
                        made: attempt,
                    };
                }
                Some(notice) => {
                    on_retry(&notice);
                    std::thread::sleep(notice.wait);
                    attempt += 1;
                }
            }
        }
    }
}

/// What follows attempt `attempt` (1-based), which came to `result`, under the retry policy of
/// [`crate::retry`]: `None` to stop there, else the retry to announce and wait for. The blocking
/// and the async client both loop over this.
pub(crate) fn after_attempt(
    attempt: u32,
    result: &Result<HttpResponse, TransportError>,
) -> Option<RetryNotice> {
    let outcome = match result {
        Ok(answer) => Attempt::Answer {
            status: answer.status,
            retry_after: answer.retry_after.as_deref(),
        },
        // Neither gets better by asking again: an answer too large to hold is no passing fault,
        // and a certificate that did not verify will not verify on the next attempt either.
        Err(TransportError::TooLarge { .. } | TransportError::Certificate { .. }) => return None,
        Err(_) => Attempt::NoAnswer,
    };
    match retry::next(attempt, outcome, SystemTime::now(), retry::jitter()) {
        Next::Stop => None,
        Next::RetryAfter(wait) => Some(RetryNotice {
            attempt,
            status: result.as_ref().ok().map(|answer| answer.status),
            cause: cause_of(result),
            wait,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> BaseUrl {
        BaseUrl::parse("GOTO_API_URL", text).unwrap()
    }

    #[test]
    fn certificates_are_skipped_only_when_every_host_is_loopback_http() {
        let sandbox = url("http://127.0.0.1:8787");
        let goto = url("https://api.goto.com");
        let local_https = url("https://localhost:8443");
        assert_eq!(Reach::of([&sandbox, &sandbox]), Reach::LoopbackHttp);
        assert_eq!(Reach::of([&sandbox, &goto]), Reach::Https);
        assert_eq!(Reach::of([&local_https]), Reach::Https);
        assert_eq!(Reach::of([]), Reach::Https);
    }
}
