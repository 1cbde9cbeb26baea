//! Typed errors. Each message says what went wrong and what to do, in the terms of GoTo's guide,
//! and none of them can hold a secret: they carry key names, hosts, statuses and excerpts built
//! through a [`crate::Redactor`], never values read from the env file.

use std::path::PathBuf;
use std::time::Duration;

use crate::dotenv::EnvFileError;
use crate::keys;

/// The error code GoTo answers with (HTTP 403) when the token lacks the call's scope.
pub const INSUFFICIENT_SCOPE: &str = "AUTHZ_INSUFFICIENT_SCOPE";

/// A URL in the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Not an absolute http(s) URL with a host.
    #[error(
        "{key} is not a usable URL ({reason}); write it like https://authentication.logmeininc.com"
    )]
    Invalid {
        /// The env key that held the URL.
        key: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Plain `http://` to a host that is not this machine.
    #[error(
        "{key} uses plain http:// to {host}: https is required, because credentials would travel \
         unencrypted (http:// is only allowed to loopback addresses such as the sandbox); use https://{host}"
    )]
    PlainHttp {
        /// The env key that held the URL.
        key: &'static str,
        /// The host it names.
        host: String,
    },
    /// The token host GoTo decommissioned.
    #[error(
        "{key} points at api.getgo.com/oauth/v2, GoTo's old token host, which no longer issues tokens \
         (see \"Migrating to New Token Retrieval with authentication.logmeininc.com\" on developer.goto.com); \
         remove {key} from the env file to use https://authentication.logmeininc.com"
    )]
    DeprecatedAuthHost {
        /// The env key that held the URL.
        key: &'static str,
    },
    /// The token host's URL has a path other than the token endpoint's own.
    #[error(
        "{key} is the token host, so its URL has no path (`{path}` is not one the tool can use); \
         write it like https://authentication.logmeininc.com, or with the endpoint's path as \
         GoTo's guide shows it, https://authentication.logmeininc.com/oauth/token"
    )]
    TokenHostPath {
        /// The env key that held the URL.
        key: &'static str,
        /// The path that was given.
        path: String,
    },
}

/// The env file and the environment do not give a usable configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A key the user must supply is missing or empty.
    #[error(
        "{key} is not set {}: {}",
        if env_file.as_os_str().is_empty() {
            "in the environment".to_owned()
        } else {
            format!("in {} nor in the environment", env_file.display())
        },
        keys::where_to_find(key)
    )]
    MissingKey {
        /// The missing key.
        key: &'static str,
        /// The env file that was read; empty when there was none (values from the environment
        /// or the caller alone).
        env_file: PathBuf,
    },
    /// A credential the caller builds the configuration from was not given to it.
    #[error(
        "no {what} was given (`{setter}` on the builder): {}",
        keys::where_to_find(key)
    )]
    NotGiven {
        /// The key it stands for.
        key: &'static str,
        /// What it is, in words.
        what: &'static str,
        /// The builder's method that gives it.
        setter: &'static str,
    },
    /// A URL key is unusable.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The env file cannot be read.
    #[error(transparent)]
    EnvFile(#[from] EnvFileError),
}

/// The HTTP exchange itself failed: no answer, or an answer we refuse to read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// An attempt took longer than the timeout.
    #[error("no answer from {url} within {}; check your network, or allow a longer timeout", seconds_or_millis(*timeout))]
    Timeout {
        /// Where the request went.
        url: String,
        /// The per-attempt timeout.
        timeout: Duration,
    },
    /// No connection could be made, or it broke before a whole answer arrived.
    #[error("the connection to {url} failed ({detail}); check the host and your network")]
    Connection {
        /// Where the request went.
        url: String,
        /// The underlying cause, without secrets.
        detail: String,
    },
    /// The server's certificate did not verify. Asking again cannot help, so this is never
    /// retried; most often a TLS-inspecting proxy re-signs the connection with its own CA.
    #[error(
        "the certificate of {host} is not trusted: {reason}; behind a TLS-inspecting proxy, set \
         SSL_CERT_FILE to a PEM file with the proxy's CA certificate (or SSL_CERT_DIR to a \
         directory of them; either replaces the system's CA store); otherwise check that {host} \
         is the host you mean"
    )]
    Certificate {
        /// Where the request went.
        url: String,
        /// The host whose certificate was refused, as the URL names it.
        host: String,
        /// Why it was refused, in words (`it is signed by a certificate authority this machine
        /// does not trust`, `it has expired`).
        reason: String,
    },
    /// The request went through a proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY` or
    /// `ALL_PROXY`), and the proxy could not be reached or did not connect us.
    #[error(
        "the proxy {proxy} (from {variables}) {detail}, on the way to {url}; check that the \
         proxy runs and that {variables} names it, or add the host to NO_PROXY to connect directly"
    )]
    Proxy {
        /// Where the request went.
        url: String,
        /// The proxy, as scheme, host and port only (never its credentials).
        proxy: String,
        /// The variables it may come from, such as `HTTPS_PROXY or ALL_PROXY`.
        variables: String,
        /// What went wrong, as a phrase that follows the proxy's name: `could not be reached
        /// (Connection refused)`, `did not open a tunnel (…)`. No secrets.
        detail: String,
    },
    /// The answer was larger than we are willing to hold in memory.
    #[error(
        "the answer from {url} is larger than {limit} bytes, which no GoTo answer is; refusing to read it"
    )]
    TooLarge {
        /// Where the request went.
        url: String,
        /// The cap in bytes.
        limit: usize,
    },
    /// The HTTP client could not be set up.
    #[error("could not set up the HTTP client: {0}")]
    Setup(String),
}

/// A timeout as a person reads it: whole seconds as `30 s`, anything else in milliseconds.
fn seconds_or_millis(timeout: Duration) -> String {
    if timeout.subsec_nanos() == 0 {
        format!("{} s", timeout.as_secs())
    } else {
        format!("{} ms", timeout.as_millis())
    }
}

/// The OAuth `error` codes of RFC 6749 §5.2 that GoTo's token endpoint answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// Unknown client id or wrong secret.
    InvalidClient,
    /// The PAT is wrong, expired or revoked.
    InvalidGrant,
    /// The OAuth client does not have the Personal Access Token grant enabled.
    UnauthorizedClient,
    /// The PAT's scopes do not match the client's.
    InvalidScope,
    /// The request was malformed.
    InvalidRequest,
    /// The grant type is not supported.
    UnsupportedGrantType,
    /// Any other code, kept verbatim.
    Other(String),
}

impl OAuthErrorCode {
    pub(crate) fn parse(code: &str) -> OAuthErrorCode {
        match code {
            "invalid_client" => OAuthErrorCode::InvalidClient,
            "invalid_grant" => OAuthErrorCode::InvalidGrant,
            "unauthorized_client" => OAuthErrorCode::UnauthorizedClient,
            "invalid_scope" => OAuthErrorCode::InvalidScope,
            "invalid_request" => OAuthErrorCode::InvalidRequest,
            "unsupported_grant_type" => OAuthErrorCode::UnsupportedGrantType,
            other => OAuthErrorCode::Other(other.to_owned()),
        }
    }

    /// The code as GoTo sent it.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::Other(code) => code,
        }
    }

    /// What the user should do, in the terms of GoTo's PAT guide.
    pub fn remedy(&self) -> &'static str {
        match self {
            OAuthErrorCode::InvalidClient => {
                "check GOTO_CLIENT_ID and GOTO_CLIENT_SECRET against your OAuth client at \
                 https://developer.logmeininc.com/clients"
            }
            OAuthErrorCode::InvalidGrant => {
                "the personal access token (GOTO_PAT) is wrong, expired or revoked: create one at \
                 https://myaccount.goto.com → Developer Tools → Create token, and put it in GOTO_PAT"
            }
            OAuthErrorCode::UnauthorizedClient => {
                "enable the Personal Access Token grant type on the OAuth client: \
                 https://developer.logmeininc.com/clients → pencil icon → Grant types → \
                 Personal Access Token → Save"
            }
            OAuthErrorCode::InvalidScope => {
                "the personal access token's scopes must match the scopes enabled on your OAuth \
                 client: compare them at https://myaccount.goto.com → Developer Tools and \
                 https://developer.logmeininc.com/clients, then create a new token"
            }
            OAuthErrorCode::InvalidRequest | OAuthErrorCode::UnsupportedGrantType => {
                "the request did not have the form GoTo's guide shows; check that GOTO_AUTH_URL \
                 is GoTo's token host (https://authentication.logmeininc.com)"
            }
            OAuthErrorCode::Other(_) => {
                "see the description above; GoTo's token endpoint is described at \
                 https://developer.goto.com/guides/Authentication/03.1_HOW_accessTokenPAT/"
            }
        }
    }
}

/// The token exchange did not produce a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// GoTo refused the exchange with an OAuth error.
    #[error(
        "GoTo refused the token exchange ({status} {}{}): {}",
        code.as_str(),
        description.as_deref().map(|d| format!(": {d}")).unwrap_or_default(),
        code.remedy()
    )]
    OAuth {
        /// HTTP status.
        status: u16,
        /// The OAuth error code.
        code: OAuthErrorCode,
        /// `error_description`, with every known secret redacted.
        description: Option<String>,
    },
    /// The URL is GoTo's decommissioned token path, which only answers "no longer valid".
    #[error(
        "{url} answered ({status}) that this endpoint is no longer valid: GoTo moved token retrieval \
         from api.getgo.com/oauth/v2 to https://authentication.logmeininc.com/oauth/token; \
         set GOTO_AUTH_URL to https://authentication.logmeininc.com or remove it"
    )]
    DecommissionedEndpoint {
        /// HTTP status.
        status: u16,
        /// The URL that answered.
        url: String,
    },
    /// The answer was not the JSON an OAuth token endpoint sends.
    #[error(
        "{url} answered {status} with {}: \"{excerpt}\"; check that GOTO_AUTH_URL is \
         GoTo's token host (https://authentication.logmeininc.com){}",
        not_json(content_type.as_deref()),
        if *status >= 500 || *status == 429 { ", or try again later" } else { "" }
    )]
    NotJson {
        /// HTTP status.
        status: u16,
        /// Where the request went.
        url: String,
        /// The Content-Type header, if any.
        content_type: Option<String>,
        /// A short, secret-free excerpt of the body.
        excerpt: String,
    },
    /// A JSON answer without the fields a token answer needs, or with wrong ones.
    #[error("{url} answered {status} with JSON that is not a usable token answer: {problem}")]
    Malformed {
        /// HTTP status.
        status: u16,
        /// Where the request went.
        url: String,
        /// What is missing or wrong (field names and types, never values).
        problem: String,
    },
    /// A JSON error answer that is not an OAuth error (for example a 429 or 5xx that retries
    /// could not get past).
    #[error("{url} answered {status}{}; try again later", excerpt.as_deref().map(|e| format!(": \"{e}\"")).unwrap_or_default())]
    Status {
        /// HTTP status.
        status: u16,
        /// Where the request went.
        url: String,
        /// A short, secret-free excerpt of the body.
        excerpt: Option<String>,
    },
    /// 429 Too Many Requests, after the retries the policy allows, or with a `Retry-After`
    /// longer than it waits.
    #[error(
        "{url} answered 429 Too Many Requests{}: GoTo allows about 10 requests per second per API; try again later",
        rate_limit_wait(retry_after.as_deref(), *too_long)
    )]
    RateLimited {
        /// Where the request went.
        url: String,
        /// The `Retry-After` header of the last answer, verbatim.
        retry_after: Option<String>,
        /// Whether `Retry-After` asked for longer than the retry policy waits
        /// ([`crate::retry::RETRY_AFTER_CAP`]), which is why no retry followed.
        too_long: bool,
    },
    /// No usable answer at all.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// Retries ran out: `last` is what the last of `attempts` attempts came to.
    #[error("after {attempts} attempts, {last}")]
    Retried {
        /// How many attempts were made, the first included.
        attempts: u32,
        /// The last attempt's failure.
        last: Box<ExchangeError>,
    },
}

/// What a 429's `Retry-After` said, for its message: a wait the tool honoured is reported as
/// GoTo's request, not as the reason the tool gave up.
fn rate_limit_wait(retry_after: Option<&str>, too_long: bool) -> String {
    match retry_after {
        Some(wait) if too_long => format!(
            " and asks to wait {} (Retry-After), longer than the {} s this tool waits",
            describe_wait(wait),
            crate::retry::RETRY_AFTER_CAP.as_secs()
        ),
        Some(wait) => format!(" (Retry-After: {})", wait.trim()),
        None => String::new(),
    }
}

/// What an API's 429 answer gets after GoTo's own words, as the token endpoint's 429 does: the
/// wait its `Retry-After` asks for (and whether that is longer than the retry policy waits, which
/// is why no retry followed), and GoTo's rate limit.
pub(crate) fn rate_limit_advice(retry_after: Option<&str>, now: std::time::SystemTime) -> String {
    let wait = match retry_after {
        Some(value) => {
            let too_long = crate::retry::parse_retry_after(value, now)
                .is_some_and(|wait| wait > crate::retry::RETRY_AFTER_CAP);
            format!(
                "; it asks to wait {} (Retry-After){}",
                describe_wait(value),
                if too_long {
                    format!(
                        ", longer than the {} s this tool waits",
                        crate::retry::RETRY_AFTER_CAP.as_secs()
                    )
                } else {
                    String::new()
                }
            )
        }
        None => String::new(),
    };
    format!("{wait}; GoTo allows about 10 requests per second per API; try again later")
}

/// A `Retry-After` value as a person reads it: seconds get their unit, a date stays a date.
fn describe_wait(retry_after: &str) -> String {
    match retry_after.trim().parse::<u64>() {
        Ok(seconds) => format!("{seconds} s"),
        Err(_) => format!("until {}", retry_after.trim()),
    }
}

/// How an answer's body is described when it is not JSON: a JSON content type with a body that
/// does not parse is "malformed JSON", anything else is named by its type.
pub fn not_json(content_type: Option<&str>) -> String {
    match content_type {
        Some(ct)
            if ct
                .split(';')
                .next()
                .is_some_and(|e| e.trim().ends_with("json")) =>
        {
            "malformed JSON".to_owned()
        }
        Some(ct) => format!("{ct} instead of JSON"),
        None => "a body without a content type instead of JSON".to_owned(),
    }
}

/// No usable token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The configuration is incomplete.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A URL in the configuration is unusable.
    #[error(transparent)]
    Url(#[from] UrlError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The exchange failed.
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    /// The env file cannot take a token: not a regular file, not writable, an owner that
    /// cannot be kept, or unreadable under the lock. Found before any request.
    #[error(transparent)]
    EnvFile(EnvFileError),
    /// The token in use expired (or was rejected) and cannot be renewed: the client was given
    /// a token without the credentials that mint one (as `cargo xtask exec` passes it).
    #[error(
        "the access token {} and cannot be renewed without the client's credentials: {missing} \
         is not set ({})",
        if *expired { "has expired" } else { "was rejected" },
        keys::where_to_find(missing)
    )]
    CannotRenew {
        /// The first credential that is missing.
        missing: &'static str,
        /// Whether it expired (else an API rejected it).
        expired: bool,
    },
    /// The exchange worked but the env file could not be updated.
    #[error("got a new token but could not store it in {}", path.display())]
    Store {
        /// The env file.
        path: PathBuf,
        /// Why the write failed.
        #[source]
        source: EnvFileError,
    },
}

impl SessionError {
    /// Whether the configuration, not GoTo or the network, is at fault (exit code 2).
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            SessionError::Config(_)
                | SessionError::Url(_)
                | SessionError::EnvFile(_)
                | SessionError::CannotRenew { .. }
        )
    }
}

/// An API call that did not give a usable answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// There was no token to call with.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// An API rejected the token, and the exchange for a new one failed.
    #[error("{method} {path} rejected the access token ({status}) and a new exchange failed")]
    Renewal {
        /// The method.
        method: String,
        /// The path and query.
        path: String,
        /// The rejection's status.
        status: u16,
        /// Why the exchange failed.
        #[source]
        source: Box<SessionError>,
    },
    /// No usable answer at all.
    #[error(transparent)]
    Transport(TransportError),
    /// A status outside 2xx.
    #[error("{method} {path} answered {status}: {summary}{}", hint.map(|h| format!("; {h}")).unwrap_or_default())]
    Refused {
        /// The method.
        method: String,
        /// The path and query.
        path: String,
        /// The status.
        status: u16,
        /// GoTo's error code and message, or an excerpt of the body, secret-free.
        summary: String,
        /// What to do, for a refused token or scope.
        hint: Option<&'static str>,
    },
    /// GoTo's own insufficient-scope answer (403 `AUTHZ_INSUFFICIENT_SCOPE`): the token works,
    /// but lacks the scope this call needs. No exchange is tried: a new token from the same PAT
    /// has the same scopes.
    #[error(
        "{method} {path} answered {status}: {summary}; the token lacks {}: enable it on the OAuth \
         client (https://developer.logmeininc.com/clients) and on a new PAT \
         (https://myaccount.goto.com → Developer Tools), then exchange the new PAT",
        scope.as_deref().map_or_else(|| "a scope this call needs".to_owned(), |s| format!("the scope {s}"))
    )]
    InsufficientScope {
        /// The method.
        method: String,
        /// The path and query.
        path: String,
        /// The status (403).
        status: u16,
        /// The scope GoTo's message names, when it names one.
        scope: Option<String>,
        /// GoTo's error code and message, secret-free.
        summary: String,
    },
    /// Retries ran out: `last` is what the last of `attempts` attempts came to.
    #[error("after {attempts} attempts, {last}")]
    Retried {
        /// How many attempts were made, the first included.
        attempts: u32,
        /// The last attempt's failure.
        last: Box<CallError>,
    },
    /// A path that could take the token somewhere other than GoTo's API hosts or
    /// `GOTO_API_URL`; nothing was sent.
    #[error(
        "{path:?} is not a path on GoTo's APIs ({reason}); give the path and query alone, \
         starting with one `/`, such as /identity/v1/Users/me; nothing was sent"
    )]
    Path {
        /// The path as given (it holds no secret: it was never sent).
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A 2xx answer whose body is not JSON (a captive portal's page, a cut-off answer).
    #[error("{method} {path} answered {status} with {}: \"{excerpt}\"", not_json(content_type.as_deref()))]
    NotJson {
        /// The method.
        method: String,
        /// The path and query.
        path: String,
        /// The status.
        status: u16,
        /// The `Content-Type` header.
        content_type: Option<String>,
        /// A short, secret-free excerpt of the body.
        excerpt: String,
    },
}

impl CallError {
    /// The status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            CallError::Renewal { status, .. }
            | CallError::Refused { status, .. }
            | CallError::InsufficientScope { status, .. }
            | CallError::NotJson { status, .. } => Some(*status),
            CallError::Retried { last, .. } => last.status(),
            CallError::Session(_) | CallError::Transport(_) | CallError::Path { .. } => None,
        }
    }

    /// What went wrong without the method and path, for a table that names the call already.
    pub fn detail(&self) -> String {
        match self {
            CallError::Refused { summary, hint, .. } => match hint {
                Some(hint) => format!("{summary}; {hint}"),
                None => summary.clone(),
            },
            CallError::NotJson {
                content_type,
                excerpt,
                ..
            } => format!(
                "the answer is {}: \"{excerpt}\"",
                not_json(content_type.as_deref())
            ),
            CallError::Renewal { source, .. } => {
                format!("the token was rejected and a new exchange failed: {source}")
            }
            CallError::InsufficientScope { scope, .. } => scope_words(scope.as_deref()),
            CallError::Retried { attempts, last } => {
                format!("after {attempts} attempts, {}", last.detail())
            }
            CallError::Session(error) => error.to_string(),
            CallError::Path { .. } => self.to_string(),
            CallError::Transport(error) => error.to_string(),
        }
    }
}

/// `error`, as the last of `made` attempts: wrapped in [`CallError::Retried`] when retries ran
/// out, so the message says how many attempts were made.
pub(crate) fn retried(made: u32, error: CallError) -> CallError {
    if made > 1 {
        CallError::Retried {
            attempts: made,
            last: Box::new(error),
        }
    } else {
        error
    }
}

/// What GoTo's insufficient-scope answer says, in words.
fn scope_words(scope: Option<&str>) -> String {
    match scope {
        Some(scope) => format!("GoTo answered that the token lacks the scope {scope}"),
        None => format!(
            "GoTo answered that the token lacks a scope this call needs ({})",
            INSUFFICIENT_SCOPE
        ),
    }
}

/// Everything that can keep a program from reaching GoTo through this crate: the one error type
/// of `GoTo` and `AsyncGoTo`. Its `Display` says what happened and what to fix, in GoTo's terms;
/// it never holds a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No usable token: the configuration, the exchange, or the env file.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// An API call that did not give a usable answer.
    #[error(transparent)]
    Call(#[from] CallError),
    /// An answer whose JSON is not of the type the caller asked for.
    #[error("{method} {path} answered JSON that is not of the type asked for: {detail}")]
    Decode {
        /// The method.
        method: String,
        /// The path and query.
        path: String,
        /// Where the JSON and the type part (serde's category, line and column; no value).
        detail: String,
    },
    /// A list that cannot be followed page by page.
    #[error("cannot page through {path}: {reason}")]
    Paging {
        /// The path and query of the page where it stopped.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The blocking client was called on a thread that drives async tasks.
    #[error(
        "the blocking GoTo client was called on a tokio runtime's own thread, where waiting for \
         GoTo would stall every task of that thread; use AsyncGoTo (the crate's \"async\" \
         feature), or call the blocking client inside tokio::task::spawn_blocking"
    )]
    RuntimeThread,
}

impl Error {
    /// The status of the API's answer, when the error is about one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Call(call) => call.status(),
            _ => None,
        }
    }

    /// Whether the configuration, not GoTo or the network, is at fault: a missing or malformed
    /// key, an env file that cannot hold a token, a path that is not GoTo's.
    pub fn is_configuration(&self) -> bool {
        match self {
            Error::Session(session) => session.is_configuration(),
            Error::Call(CallError::Session(session)) => session.is_configuration(),
            Error::Call(CallError::Path { .. }) => true,
            _ => false,
        }
    }
}

/// A serde_json error about a value's type, told without the value (which may be personal):
/// serde's "missing field `name`" names a field of the caller's type and stays; "invalid type:
/// string \"…\"" would quote the answer, so it is said in general words.
pub(crate) fn decode_detail(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if text.starts_with("missing field `") {
        let field = text.split('`').nth(1).unwrap_or_default();
        return format!("the field `{field}` is missing");
    }
    "a value has another type than the one asked for".to_owned()
}

/// An answer's JSON (`None`: an empty body, read as `null`) as a `T`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    json: Option<serde_json::Value>,
) -> Result<T, Error> {
    serde_json::from_value(json.unwrap_or(serde_json::Value::Null)).map_err(|error| Error::Decode {
        method: method.to_owned(),
        path: path.to_owned(),
        detail: decode_detail(&error),
    })
}

/// Every record of a list as a `T`.
pub(crate) fn decode_each<T: serde::de::DeserializeOwned>(
    path: &str,
    records: Vec<serde_json::Value>,
) -> Result<Vec<T>, Error> {
    records
        .into_iter()
        .map(|record| decode("GET", path, Some(record)))
        .collect()
}
