//! The thin adapter between pure request/answer values and reqwest.
//!
//! Requests are built and answers parsed elsewhere, in pure functions; this module only moves
//! bytes, applies the timeout and the retry policy, and caps how much of an answer it reads.

use std::fmt;
use std::io::Read;
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime};

use crate::error::TransportError;
use crate::retry::{self, Attempt, Next};
use crate::url::BaseUrl;

/// The most of an answer we hold in memory. GoTo's largest pages are far below it; a server
/// streaming more is broken or hostile.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("goto-xtask/", env!("CARGO_PKG_VERSION"));

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
        Err(error) => format!("failed: {error}"),
    }
}

/// A blocking HTTP client: rustls with the ring provider, no redirects (a redirect could carry
/// credentials to another host), a timeout per attempt.
#[derive(Clone)]
pub struct HttpClient {
    inner: reqwest::blocking::Client,
    timeout: Duration,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
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
    /// Builds a client whose every attempt is bounded by `timeout`, for hosts of `reach`.
    ///
    /// # Errors
    ///
    /// The TLS stack or the platform's certificate store cannot be set up.
    pub fn new(timeout: Duration, reach: Reach) -> Result<HttpClient, TransportError> {
        static PROVIDER: Once = Once::new();
        PROVIDER.call_once(|| {
            // Another part of the process may have installed one already; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let mut builder = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(USER_AGENT);
        if reach == Reach::LoopbackHttp {
            builder = builder.tls_certs_only(std::iter::empty());
        }
        let inner = builder
            .build()
            .map_err(|error| TransportError::Setup(describe(&error)))?;
        Ok(HttpClient { inner, timeout })
    }

    /// Sends one request, once.
    ///
    /// # Errors
    ///
    /// No complete answer arrived within the timeout, or the answer is too large.
    pub fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            TransportError::Setup(format!("`{}` is not an HTTP method", request.method))
        })?;
        let mut builder = self.inner.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let failed = |error: reqwest::Error| self.transport_error(&request.url, &error);
        let started = Instant::now();
        let response = builder.send().map_err(failed)?;
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER);
        let body = self.read_body(response, &request.url, started)?;
        Ok(HttpResponse {
            status,
            content_type,
            retry_after,
            body,
        })
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
            let outcome = match &result {
                Ok(answer) => Attempt::Answer {
                    status: answer.status,
                    retry_after: answer.retry_after.as_deref(),
                },
                Err(TransportError::TooLarge { .. }) => {
                    return Attempts {
                        result,
                        made: attempt,
                    };
                }
                Err(_) => Attempt::NoAnswer,
            };
            match retry::next(attempt, outcome, SystemTime::now(), retry::jitter()) {
                Next::Stop => {
                    return Attempts {
                        result,
                        made: attempt,
                    };
                }
                Next::RetryAfter(wait) => {
                    on_retry(&RetryNotice {
                        attempt,
                        status: result.as_ref().ok().map(|answer| answer.status),
                        cause: cause_of(&result),
                        wait,
                    });
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// Reads the body under two bounds reqwest does not give on its own: the timeout covers the
    /// whole attempt (reqwest's blocking reads bound each read, so a server dripping bytes could
    /// go on for ever), and at most [`MAX_BODY_BYTES`] are held.
    fn read_body(
        &self,
        mut response: reqwest::blocking::Response,
        url: &str,
        started: Instant,
    ) -> Result<Vec<u8>, TransportError> {
        let mut body = Vec::new();
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let read = response
                .read(&mut chunk)
                .map_err(|error| self.read_error(url, &error))?;
            if read == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..read]);
            if body.len() > MAX_BODY_BYTES {
                return Err(TransportError::TooLarge {
                    url: url.to_owned(),
                    limit: MAX_BODY_BYTES,
                });
            }
            if started.elapsed() > self.timeout {
                return Err(self.timeout_error(url));
            }
        }
    }

    fn timeout_error(&self, url: &str) -> TransportError {
        TransportError::Timeout {
            url: url.to_owned(),
            timeout: self.timeout,
        }
    }

    fn transport_error(&self, url: &str, error: &reqwest::Error) -> TransportError {
        if error.is_timeout() {
            self.timeout_error(url)
        } else {
            TransportError::Connection {
                url: url.to_owned(),
                detail: describe(error),
            }
        }
    }

    fn read_error(&self, url: &str, error: &std::io::Error) -> TransportError {
        let timed_out = error.kind() == std::io::ErrorKind::TimedOut
            || std::error::Error::source(error)
                .and_then(|source| source.downcast_ref::<reqwest::Error>())
                .is_some_and(reqwest::Error::is_timeout)
            || error.to_string().contains("timed out");
        if timed_out {
            self.timeout_error(url)
        } else {
            TransportError::Connection {
                url: url.to_owned(),
                detail: format!("the answer broke off: {error}"),
            }
        }
    }
}

/// The innermost cause of a reqwest error: reqwest's own top line ("error sending request
/// for url (…)") says less than the cause ("Connection refused"). URLs never carry secrets here.
fn describe(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
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
