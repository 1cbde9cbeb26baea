//! The async transport: reqwest's async client, under the same rules as the blocking one.

use std::time::Duration;

use goto_auth_core::{
    AsyncTransport, HttpRequest, HttpResponse, MAX_BODY_BYTES, Reach, Sending, TransportError,
};

use crate::failure::{Proxies, connection_failure, innermost};
use crate::{USER_AGENT, install_provider};

/// Builds the async transport: as [`connect`](crate::connect), with reqwest's async client,
/// whose timeout covers the whole attempt, body included.
///
/// # Errors
///
/// The TLS stack or the platform's certificate store cannot be set up.
pub fn connect_async(
    timeout: Duration,
    reach: Reach,
) -> Result<Box<dyn AsyncTransport>, TransportError> {
    install_provider();
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(USER_AGENT);
    if reach == Reach::LoopbackHttp {
        builder = builder.tls_certs_only(std::iter::empty());
    }
    let inner = builder
        .build()
        .map_err(|error| TransportError::Setup(innermost(&error)))?;
    Ok(Box::new(AsyncReqwest {
        inner,
        timeout,
        proxies: Proxies::from_environment(),
    }))
}

struct AsyncReqwest {
    inner: reqwest::Client,
    timeout: Duration,
    /// Which proxy a request goes through, to name it when it fails.
    proxies: Proxies,
}

impl std::fmt::Debug for AsyncReqwest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncReqwest")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl AsyncTransport for AsyncReqwest {
    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a> {
        Box::pin(async move {
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
            let failed = |error: reqwest::Error| self.failure(&request.url, &error);
            let mut response = builder.send().await.map_err(failed)?;
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
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(failed)? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_BODY_BYTES {
                    return Err(TransportError::TooLarge {
                        url: request.url.clone(),
                        limit: MAX_BODY_BYTES,
                    });
                }
            }
            Ok(HttpResponse {
                status,
                content_type,
                retry_after,
                body,
            })
        })
    }
}

impl AsyncReqwest {
    fn failure(&self, url: &str, error: &reqwest::Error) -> TransportError {
        if error.is_timeout() {
            TransportError::Timeout {
                url: url.to_owned(),
                timeout: self.timeout,
            }
        } else {
            connection_failure(url, error, &self.proxies)
        }
    }
}
