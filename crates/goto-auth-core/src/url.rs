//! Validated base URLs for the token host and the API hosts.

use std::fmt;
use std::net::IpAddr;

use url::Url;

use crate::error::UrlError;

/// The token host GoTo's guide uses today.
pub const DEFAULT_AUTH_URL: &str = "https://authentication.logmeininc.com";
/// Where the GoTo Connect APIs live (users, voice-admin, call reports, notification channels).
pub const GOTO_CONNECT_API_URL: &str = "https://api.goto.com";
/// Where the Admin, SCIM identity, GoToWebinar and GoToMeeting APIs live.
pub const GETGO_API_URL: &str = "https://api.getgo.com";

/// A base URL that credentials may be sent to: `https://`, or `http://` to a loopback address
/// only (the sandbox, a local proxy). It has no trailing slash, no query and no fragment, so
/// joining a path onto it is plain concatenation.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Validates `text` as the base URL for the key `key` (used only in error messages).
    ///
    /// # Errors
    ///
    /// Returns [`UrlError`] when the text is not an absolute URL, uses a scheme other than
    /// https (or http to loopback), or carries a query, fragment or user info.
    pub fn parse(key: &'static str, text: &str) -> Result<BaseUrl, UrlError> {
        let invalid = |reason: &str| UrlError::Invalid {
            key,
            reason: reason.to_owned(),
        };
        let url = Url::parse(text.trim()).map_err(|error| invalid(&error.to_string()))?;
        let loopback = is_loopback(&url);
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(UrlError::PlainHttp {
                    key,
                    host: url.host_str().unwrap_or_default().to_owned(),
                });
            }
            other => return Err(invalid(&format!("the scheme `{other}` is not http(s)"))),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("it must not carry a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("it must not have a query or fragment"));
        }
        let mut url = url;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(BaseUrl(url))
    }

    /// The URL as text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// The path, without a trailing slash: empty for a bare host.
    pub fn path(&self) -> &str {
        self.0.path().trim_end_matches('/')
    }

    /// The same scheme, host and port, without the path.
    pub fn without_path(&self) -> BaseUrl {
        let mut url = self.0.clone();
        url.set_path("");
        BaseUrl(url)
    }

    /// The host name, for status lines and messages.
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// Whether requests go to this machine (the sandbox), which `smoke` uses to keep sandbox
    /// snapshots apart from live ones.
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// Whether the scheme is plain `http` (which validation allows for loopback only).
    pub fn is_plain_http(&self) -> bool {
        self.0.scheme() == "http"
    }

    /// `self` joined with an absolute path (which may carry a query).
    pub fn join(&self, path_and_query: &str) -> String {
        debug_assert!(path_and_query.starts_with('/'));
        format!("{}{}", self.as_str(), path_and_query)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({:?})", self.as_str())
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
