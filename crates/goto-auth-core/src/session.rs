//! A usable token and an authenticated call, in one place.
//!
//! A [`Session`] holds what the env file and the environment say and an HTTP client made only
//! when needed (the cached path builds none and sends nothing). [`Session::token`] reuses the
//! stored token while it is good, else exchanges the PAT and writes the new token back.
//! [`Session::call`] sends one API request with that token: reads are retried under the retry
//! policy, a rejected token is dropped and the PAT exchanged once more (one renewal per session,
//! shared by every concurrent caller that saw the rejection), and a failure comes back as a
//! typed [`CallError`] with the status, a secret-free summary and a hint.
//!
//! This crate never prints: what a person should hear about (an exchange, a retry, a renewal)
//! goes to the caller's [`Notices`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use crate::api::{
    api_request, base_for, error_summary, insufficient_scope, is_token_rejection, rejection_hint,
};
use crate::cache::{self, Decision, ExchangeReason, Fingerprint};
use crate::config::{Config, Sources};
use crate::dotenv::{self, EnvFileError, LockedEnvFile, UnportableValue, Written};
use crate::error::{ConfigError, ExchangeError, TransportError, UrlError, not_json};
use crate::exchange;
use crate::http::{Connect, HttpClient, HttpResponse, Reach, RetryNotice};
use crate::redact::Redactor;
use crate::secret::AccessToken;
use crate::token::Token;

/// What a session tells the person running it. The xtask prints these; a library user may
/// log them or ignore them.
pub trait Notices: Sync {
    /// The PAT is about to be exchanged at `token_url`, for `reason`.
    fn exchanging(&self, token_url: &str, reason: ExchangeReason);
    /// A request is retried: `target` is `the token endpoint` or the API path.
    fn retrying(&self, target: &str, notice: &RetryNotice);
    /// An API refused the token; the PAT is exchanged once more.
    fn renewing(&self);
    /// The server sent a value for the informational token key `key` that no quoting carries
    /// into every env file reader; the key is stored empty and the token stored all the same.
    fn left_empty(&self, env_file: &Path, key: &str, reason: &UnportableValue) {
        let _ = (env_file, key, reason);
    }
    /// The env file could not be replaced atomically (a bind-mounted file, a read-only
    /// directory) and was written in place instead, flushed but not atomic.
    fn written_in_place(&self, env_file: &Path) {
        let _ = env_file;
    }
}

/// Spacing for calls that run side by side (smoke's scheduler): the session asks before each
/// request and says when it is answered, so the time waited for a place is not counted as time
/// on the wire.
pub trait Pace: Sync {
    /// Waits until a request for `path` may go to `host`.
    fn enter(&self, host: &str, path: &str);
    /// The request to `host` is answered (or failed); its place is free.
    fn leave(&self, host: &str);
}

/// No spacing: every request goes at once.
struct Unpaced;

impl Pace for Unpaced {
    fn enter(&self, _host: &str, _path: &str) {}
    fn leave(&self, _host: &str) {}
}

/// Whether a call may exchange the PAT once more when an API refuses the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// A refused token is dropped, the PAT exchanged once more (once per session), and the call
    /// sent again.
    Allowed,
    /// The caller knows the token is good (another call was just answered with it), so a
    /// refusal is about this call, not the token: it comes back as [`CallError::Refused`] at
    /// once. smoke's calls that need an administrator are sent this way after `users_me`.
    Never,
}

/// How [`Session::token`] came by its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The env file's token was reused; nothing was sent.
    Stored,
    /// The PAT was exchanged, for this reason, and the new token written to the env file.
    Exchanged(ExchangeReason),
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The 2xx status.
    pub status: u16,
    /// The JSON body; `None` when the body is empty.
    pub json: Option<serde_json::Value>,
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
            SessionError::Config(_) | SessionError::Url(_) | SessionError::EnvFile(_)
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
         (https://myaccount.goto.com → Developer Tools), then run `cargo xtask token --force`",
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
            CallError::Session(_) | CallError::Transport(_) => None,
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
            CallError::Transport(error) => error.to_string(),
        }
    }
}

/// `error`, as the last of `made` attempts: wrapped in [`CallError::Retried`] when retries ran
/// out, so the message says how many attempts were made.
fn retried(made: u32, error: CallError) -> CallError {
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
            crate::api::INSUFFICIENT_SCOPE
        ),
    }
}

/// The env file's configuration, a lazily built HTTP client, and the token in use.
pub struct Session<'a> {
    sources: Sources,
    timeout: Duration,
    notices: &'a dyn Notices,
    connect: Connect,
    client: OnceLock<HttpClient>,
    current: Mutex<Current>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The sources' own `Debug` shows keys, never values; the token is not shown at all.
        f.debug_struct("Session")
            .field("sources", &self.sources)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The token calls use, and whether the one renewal was spent.
#[derive(Default)]
struct Current {
    token: Option<Token>,
    renewed: bool,
}

impl<'a> Session<'a> {
    /// A session over `sources`, with `timeout` per HTTP attempt, telling `notices` what happens.
    /// `connect` builds its HTTP client on first use (`goto_http::connect`).
    pub fn new(
        sources: Sources,
        timeout: Duration,
        notices: &'a dyn Notices,
        connect: Connect,
    ) -> Session<'a> {
        Session {
            sources,
            timeout,
            notices,
            connect,
            client: OnceLock::new(),
            current: Mutex::new(Current::default()),
        }
    }

    /// What the env file and the environment say.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// A token: the stored one while it stays valid for 5 more minutes and was minted for
    /// these credentials, else a fresh exchange written back to the env file. `force`
    /// exchanges anyway. Later calls use this token.
    ///
    /// # Errors
    ///
    /// The configuration is incomplete, the exchange failed, or the env file could not be
    /// written.
    pub fn token(&self, force: bool) -> Result<(Token, Provenance), SessionError> {
        let mut current = self.lock();
        let (token, provenance) = self.obtain(force)?;
        current.token = Some(token.clone());
        Ok((token, provenance))
    }

    /// One API call with the session's token (obtained first if [`Session::token`] was not
    /// called). `GET` and `HEAD` are retried under the retry policy; other methods are sent
    /// once, since a repeated POST could do its work twice.
    ///
    /// # Errors
    ///
    /// See [`CallError`].
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, CallError> {
        self.call_paced(method, path, body, &Unpaced, Renewal::Allowed)
            .0
    }

    /// [`Session::call`] within `pace`, renewing a refused token only as `renewal` allows, with
    /// the time spent on the wire (waiting for a place not counted).
    pub fn call_paced(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        pace: &dyn Pace,
        renewal: Renewal,
    ) -> (Result<Answer, CallError>, Duration) {
        let method = method.to_ascii_uppercase();
        let mut elapsed = Duration::ZERO;
        let result = self.call_timed(&method, path, body, pace, renewal, &mut elapsed);
        (result, elapsed)
    }

    fn call_timed(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        pace: &dyn Pace,
        renewal: Renewal,
        elapsed: &mut Duration,
    ) -> Result<Answer, CallError> {
        let token = self.current_token()?;
        let send = |token: &AccessToken, elapsed: &mut Duration| {
            self.send(method, path, body.clone(), token, pace, elapsed)
        };
        // `made`: how many attempts the last request took; a failure after retries says so.
        let (mut answer, mut made) = send(&token.access_token, elapsed)?;
        let mut used = token.access_token;
        if is_token_rejection(&answer) && renewal == Renewal::Allowed {
            used = self.renewed(method, path, &used, &answer)?;
            (answer, made) = send(&used, elapsed)?;
        }
        self.read(method, path, answer, &used)
            .map_err(|error| retried(made, error))
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        token: &AccessToken,
        pace: &dyn Pace,
        elapsed: &mut Duration,
    ) -> Result<(HttpResponse, u32), CallError> {
        let mut made = 1;
        let base = base_for(
            path,
            self.sources.api_url().map_err(SessionError::from)?.as_ref(),
        );
        let request = api_request(&base, method, path, token, body);
        let client = self.http()?;
        pace.enter(base.host(), path);
        let started = Instant::now();
        let result = if method == "GET" || method == "HEAD" {
            let attempts =
                client.send_counting(&request, |notice| self.notices.retrying(path, notice));
            made = attempts.made;
            attempts.result
        } else {
            client.send(&request)
        };
        *elapsed += started.elapsed();
        pace.leave(base.host());
        match result {
            Ok(answer) => Ok((answer, made)),
            Err(error) => Err(retried(made, CallError::Transport(error))),
        }
    }

    /// A 2xx answer's JSON, or the typed failure, its texts built free of every secret this
    /// session holds.
    fn read(
        &self,
        method: &str,
        path: &str,
        answer: HttpResponse,
        token: &AccessToken,
    ) -> Result<Answer, CallError> {
        let status = answer.status;
        if let Some(scope) = insufficient_scope(&answer) {
            return Err(CallError::InsufficientScope {
                method: method.to_owned(),
                path: path.to_owned(),
                status,
                scope,
                summary: error_summary(&answer, &self.redactor(token)),
            });
        }
        if !(200..300).contains(&status) {
            let hint = matches!(status, 401 | 403).then(|| rejection_hint(status));
            let mut summary = error_summary(&answer, &self.redactor(token));
            if status == 429 {
                summary.push_str(&crate::error::rate_limit_advice(
                    answer.retry_after.as_deref(),
                    SystemTime::now(),
                ));
            }
            return Err(CallError::Refused {
                method: method.to_owned(),
                path: path.to_owned(),
                status,
                summary,
                hint,
            });
        }
        if answer.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Answer { status, json: None });
        }
        match serde_json::from_slice(&answer.body) {
            Ok(json) => Ok(Answer {
                status,
                json: Some(json),
            }),
            Err(_) => Err(CallError::NotJson {
                method: method.to_owned(),
                path: path.to_owned(),
                status,
                content_type: answer.content_type.clone(),
                excerpt: self.redactor(token).excerpt(&answer.body),
            }),
        }
    }

    /// Every secret this session knows: the credentials, the stored token, and `token`.
    fn redactor(&self, token: &AccessToken) -> Redactor {
        let stored = self.sources.file_value(crate::keys::ACCESS_TOKEN);
        let base = match self.sources.config() {
            Ok(config) => config.redactor(),
            Err(_) => Redactor::default(),
        };
        let redactor = base.with(token.expose_secret());
        match stored {
            Some(stored) => redactor.with(stored),
            None => redactor,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        // A panic while holding the lock leaves `Current` whole: every write is one assignment.
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn current_token(&self) -> Result<Token, SessionError> {
        let mut current = self.lock();
        if let Some(token) = &current.token {
            return Ok(token.clone());
        }
        let (token, _) = self.obtain(false)?;
        current.token = Some(token.clone());
        Ok(token)
    }

    /// The token to resend with after `rejected` was refused: renewed once per session, and
    /// shared by every caller that saw the rejection (they wait on the lock while one
    /// exchanges).
    fn renewed(
        &self,
        method: &str,
        path: &str,
        rejected: &AccessToken,
        answer: &HttpResponse,
    ) -> Result<AccessToken, CallError> {
        let mut current = self.lock();
        if let Some(token) = &current.token
            && token.access_token.expose_secret() != rejected.expose_secret()
        {
            return Ok(token.access_token.clone());
        }
        if current.renewed {
            return Err(CallError::Refused {
                method: method.to_owned(),
                path: path.to_owned(),
                status: answer.status,
                summary: error_summary(answer, &self.redactor(rejected)),
                hint: Some(rejection_hint(answer.status)),
            });
        }
        current.renewed = true;
        self.notices.renewing();
        let exchanged = self
            .sources
            .config()
            .map_err(SessionError::from)
            .and_then(|config| {
                let locked = self.lock_env_file()?;
                self.exchange(&config, ExchangeReason::Rejected, locked)
            });
        match exchanged {
            Ok(token) => {
                let access_token = token.access_token.clone();
                current.token = Some(token);
                Ok(access_token)
            }
            Err(source) => Err(CallError::Renewal {
                method: method.to_owned(),
                path: path.to_owned(),
                status: answer.status,
                source: Box::new(source),
            }),
        }
    }

    /// The cache decision, and the exchange when it says so.
    ///
    /// The decision is taken again under the env file's lock, and the lock is held through the
    /// exchange and the write: of many runs at once, the first exchanges and the others, waiting
    /// on the lock, find its token and reuse it. Opening the file for the write also checks,
    /// before any request, everything that could stop the write (see [`LockedEnvFile::open`]),
    /// so no minted token is thrown away.
    fn obtain(&self, force: bool) -> Result<(Token, Provenance), SessionError> {
        let config = self.sources.config()?;
        let fingerprint = Fingerprint::of_config(&config);
        if let Decision::Reuse(token) =
            cache::decide(&self.sources, &fingerprint, SystemTime::now(), force)
        {
            return Ok((token, Provenance::Stored));
        }
        let locked = self.lock_env_file()?;
        let entries = locked.parse().map_err(SessionError::EnvFile)?.entries;
        // Token keys come from the file alone, so the stored sources need no environment.
        let stored = Sources::new(self.sources.path(), entries, |_| None);
        match cache::decide(&stored, &fingerprint, SystemTime::now(), force) {
            Decision::Reuse(token) => Ok((token, Provenance::Stored)),
            Decision::Exchange(reason) => {
                let token = self.exchange(&config, reason, locked)?;
                Ok((token, Provenance::Exchanged(reason)))
            }
        }
    }

    /// Opens and locks the env file for the write that follows an exchange.
    fn lock_env_file(&self) -> Result<LockedEnvFile, SessionError> {
        LockedEnvFile::open(self.sources.path()).map_err(SessionError::EnvFile)
    }

    /// Exchanges the PAT and writes the token to the locked env file; a failed run leaves the
    /// file as it was.
    fn exchange(
        &self,
        config: &Config,
        reason: ExchangeReason,
        locked: LockedEnvFile,
    ) -> Result<Token, SessionError> {
        self.notices.exchanging(&config.token_url(), reason);
        let fresh = exchange::exchange(self.http()?, config, |notice| {
            self.notices.retrying("the token endpoint", notice);
        })?;
        let path = self.sources.path();
        let mut entries = fresh.env_entries(Fingerprint::of_config(config).as_str());
        for (key, reason) in
            dotenv::blank_unportable(&mut entries, &crate::keys::INFORMATIONAL_KEYS)
        {
            self.notices.left_empty(path, &key, &reason);
        }
        let updates: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let written = locked
            .write(&updates)
            .map_err(|source| SessionError::Store {
                path: path.to_owned(),
                source,
            })?;
        if written == Written::ChangedInPlace {
            self.notices.written_in_place(path);
        }
        Ok(fresh)
    }

    /// The HTTP client, built on first use.
    fn http(&self) -> Result<&HttpClient, SessionError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        // Every host this session may call: the token host and the API base (GoTo's own API
        // hosts are https). Only when all are the sandbox can the CA store stay unread.
        let auth_url = self.sources.auth_url()?;
        let reach = match self.sources.api_url()? {
            Some(api_url) => Reach::of([&auth_url, &api_url]),
            None => Reach::Https,
        };
        let client = (self.connect)(self.timeout, reach)?;
        Ok(self.client.get_or_init(|| client))
    }
}
