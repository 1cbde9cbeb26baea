//! goto-auth's HTTP transport: reqwest's blocking client on rustls with the ring provider.
//!
//! goto-auth builds every request and reads every answer as plain values, and sends them
//! through its `Transport` trait; this crate is the only one that knows reqwest. It is a crate of
//! its own for the cold build: goto-auth compiles while reqwest does, and only this adapter (a
//! few hundred lines) waits for reqwest before the xtask.

#[cfg(feature = "async")]
mod asynchronous;
mod runtime;

#[cfg(feature = "async")]
pub use asynchronous::connect_async;

use runtime::off_runtime;
pub use runtime::on_runtime_thread;
mod failure;

use std::fmt;
use std::io::Read;
use std::sync::Once;
use std::time::{Duration, Instant};

use goto_auth_core::{
    HttpClient, HttpRequest, HttpResponse, MAX_BODY_BYTES, Reach, Transport, TransportError,
};

use crate::failure::{Proxies, connection_failure, innermost};

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("goto-xtask/", env!("CARGO_PKG_VERSION"));

/// Builds a client whose every attempt is bounded by `timeout`, for hosts of `reach`: with
/// [`Reach::LoopbackHttp`] no CA certificate is loaded (nothing will be verified), otherwise the
/// platform's verifier checks every certificate, against the CA certificates of `SSL_CERT_FILE`
/// or `SSL_CERT_DIR` when either is set (rustls-native-certs reads them), else the system's.
/// Proxies come from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as curl reads them.
///
/// # Errors
///
/// The TLS stack or the platform's certificate store cannot be set up.
pub fn connect(timeout: Duration, reach: Reach) -> Result<HttpClient, TransportError> {
    install_provider();
    let mut builder = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(USER_AGENT);
    if reach == Reach::LoopbackHttp {
        builder = builder.tls_certs_only(std::iter::empty());
    }
    let inner = off_runtime(|| builder.build()).map_err(|error| {
        // Building fails with reach https when no CA certificate could be loaded, most often
        // because one of these variables names a missing or empty file.
        let hint = if reach == Reach::Https {
            "; if SSL_CERT_FILE or SSL_CERT_DIR is set, it must name a PEM file (or a directory) \
             of CA certificates"
        } else {
            ""
        };
        TransportError::Setup(format!("{}{hint}", innermost(&error)))
    })?;
    Ok(HttpClient::new(ReqwestTransport {
        inner: Some(inner),
        timeout,
        proxies: Proxies::from_environment(),
    }))
}

/// Makes ring rustls's crypto provider, once per process.
fn install_provider() {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Another part of the process may have installed one already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A blocking reqwest client: no redirects, a timeout per attempt.
struct ReqwestTransport {
    /// Always `Some` until dropped (see the `Drop` impl).
    inner: Option<reqwest::blocking::Client>,
    timeout: Duration,
    /// The proxies reqwest uses, to name the one a failed connection went through.
    proxies: Proxies,
}

impl Drop for ReqwestTransport {
    /// Dropping the client ends its runtime thread; inside a tokio program that happens off the
    /// runtime's threads.
    fn drop(&mut self) {
        if let Some(inner) = self.inner.take() {
            off_runtime(move || drop(inner));
        }
    }
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        off_runtime(|| self.send_here(request))
    }
}

impl ReqwestTransport {
    fn client(&self) -> &reqwest::blocking::Client {
        self.inner
            .as_ref()
            .expect("the client lives until the transport is dropped")
    }

    fn send_here(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| {
            TransportError::Setup(format!("`{}` is not an HTTP method", request.method))
        })?;
        let mut builder = self.client().request(method, &request.url);
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
            connection_failure(url, error, &self.proxies)
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
