//! What a failed attempt was, in the core's terms: reqwest reports a refused certificate or an
//! unreachable proxy as a connection error like any other, and only the error's chain of causes
//! tells them apart.

use goto_auth_core::TransportError;
use hyper_util::client::proxy::matcher::Matcher;

/// The proxies reqwest uses: it reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
/// (and their lower-case forms) through this same matcher when a client is built, so asking
/// it which proxy a URL went through gives reqwest's own answer.
pub(crate) struct Proxies(Matcher);

impl Proxies {
    /// The environment's proxy settings, read now, as reqwest reads them when a client is built.
    pub(crate) fn from_environment() -> Proxies {
        Proxies(Matcher::from_system())
    }

    /// The proxy a request to `url` goes through, as `scheme://host:port` (never its
    /// credentials), with the variables it can come from; `None` for a direct connection.
    fn for_url(&self, url: &str) -> Option<(String, &'static str)> {
        let uri: http::Uri = url.parse().ok()?;
        let proxy = self.0.intercept(&uri)?;
        let proxy = proxy.uri();
        let shown = format!(
            "{}://{}{}",
            proxy.scheme_str().unwrap_or("http"),
            proxy.host()?,
            proxy
                .port_u16()
                .map(|port| format!(":{port}"))
                .unwrap_or_default()
        );
        let variables = if uri.scheme_str() == Some("https") {
            "HTTPS_PROXY or ALL_PROXY"
        } else {
            "HTTP_PROXY or ALL_PROXY"
        };
        Some((shown, variables))
    }
}

/// A connection to `url` failed with `error` (not a timeout): a certificate that did not
/// verify, a proxy that failed, or any other connection failure.
pub(crate) fn connection_failure(
    url: &str,
    error: &reqwest::Error,
    proxies: &Proxies,
) -> TransportError {
    if let Some(problem) = certificate_problem(error) {
        return TransportError::Certificate {
            url: url.to_owned(),
            host: host_of(url),
            reason: certificate_reason(problem),
        };
    }
    let detail = innermost(error);
    match proxies.for_url(url) {
        Some((proxy, variables)) if error.is_connect() => TransportError::Proxy {
            url: url.to_owned(),
            proxy,
            variables: variables.to_owned(),
            detail: proxy_failure(&detail),
        },
        _ => TransportError::Connection {
            url: url.to_owned(),
            detail,
        },
    }
}

/// What a proxy did wrong, from the innermost cause: hyper-util reports a proxy that answered
/// the CONNECT with anything but 200 (or not at all) as a "tunnel error", and a proxy it could
/// not connect to by the socket's own error.
fn proxy_failure(detail: &str) -> String {
    if detail.starts_with("tunnel error") {
        format!("did not open a tunnel ({detail})")
    } else {
        format!("could not be reached ({detail})")
    }
}

/// The certificate error somewhere in `error`'s causes. rustls' error travels inside an
/// `io::Error` (inside another one on the direct path), and `io::Error::source()` skips the
/// error it wraps, so each `io::Error` is also opened.
fn certificate_problem(error: &reqwest::Error) -> Option<&rustls::CertificateError> {
    let mut pending: Vec<&(dyn std::error::Error + 'static)> = vec![error];
    while let Some(current) = pending.pop() {
        if let Some(rustls::Error::InvalidCertificate(problem)) =
            current.downcast_ref::<rustls::Error>()
        {
            return Some(problem);
        }
        if let Some(wrapped) = current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            pending.push(wrapped);
        }
        if let Some(source) = current.source() {
            pending.push(source);
        }
    }
    None
}

/// Why a certificate was refused, in words that follow "is not trusted: ".
fn certificate_reason(problem: &rustls::CertificateError) -> String {
    use rustls::CertificateError as Problem;
    match problem {
        Problem::UnknownIssuer => {
            "it is signed by a certificate authority this machine does not trust".to_owned()
        }
        Problem::Expired | Problem::ExpiredContext { .. } => {
            "it has expired (or this machine's clock is wrong)".to_owned()
        }
        Problem::NotValidYet | Problem::NotValidYetContext { .. } => {
            "it is not valid yet (or this machine's clock is wrong)".to_owned()
        }
        Problem::NotValidForName | Problem::NotValidForNameContext { .. } => {
            "it was issued for another host name".to_owned()
        }
        Problem::Revoked => "it has been revoked".to_owned(),
        Problem::BadSignature => "its signature does not verify".to_owned(),
        other => other.to_string(),
    }
}

/// The host of `url` as written there (`127.0.0.1`, `authentication.logmeininc.com`).
fn host_of(url: &str) -> String {
    url.parse::<http::Uri>()
        .ok()
        .and_then(|uri| uri.host().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

/// The innermost cause of a reqwest error: reqwest's own top line ("error sending request
/// for url (…)") says less than the cause ("Connection refused"). URLs never carry secrets here.
pub(crate) fn innermost(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
