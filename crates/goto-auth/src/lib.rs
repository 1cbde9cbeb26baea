//! Reach GoTo's APIs from your own code with a GoTo Personal Access Token: the token exchanged,
//! cached, renewed before it expires and after a rejection, and every call authenticated.
//!
//! ```
//! # fn main() -> Result<(), goto_auth::Error> {
//! # let sandbox = goto_sandbox::Sandbox::start();
//! # let dir = tempfile::tempdir().unwrap();
//! # let env_file = dir.path().join(".env");
//! # std::fs::write(&env_file, format!(
//! #     "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_PAT={}\nGOTO_AUTH_URL={url}\nGOTO_API_URL={url}\n",
//! #     goto_sandbox::seed::CLIENT_ID, goto_sandbox::seed::CLIENT_SECRET, goto_sandbox::seed::PAT,
//! #     url = sandbox.base_url(),
//! # )).unwrap();
//! # let account_key = goto_sandbox::seed::ACCOUNT_KEY;
//! use goto_auth::GoTo;
//!
//! // The client id, secret and PAT from the env file (the environment overrides them); the
//! // token is cached there too, shared with `cargo xtask token`.
//! let goto = GoTo::from_env_file(&env_file)?;
//!
//! // Any type serde can read; the token is exchanged on the first call.
//! let me: serde_json::Value = goto.get("/identity/v1/Users/me")?;
//!
//! // Every page of a list, in either of GoTo's paging styles.
//! let users: Vec<serde_json::Value> = goto.get_all(&format!("/users/v1/users?accountKey={account_key}"))?;
//!
//! // Any method, with a JSON body or none (`goto.send("POST", path, Some(&body))`); the answer's
//! // JSON, `Null` for an empty one. Only reads are retried.
//! let lines = goto.send("GET", "/users/v1/lines", None)?;
//!
//! // For a request of your own: a token valid for at least 5 more minutes.
//! let token = goto.access_token()?;
//! let header = format!("Bearer {}", token.expose_secret());
//!
//! // Clones share one token and one connection pool, across threads.
//! let worker = goto.clone();
//! std::thread::spawn(move || worker.get::<serde_json::Value>("/users/v1/lines")).join().unwrap()?;
//! # assert_eq!(me["userName"], goto_sandbox::seed::ADMIN_EMAIL);
//! # assert_eq!(users.len(), goto_sandbox::seed::USER_COUNT);
//! # assert!(lines["items"].is_array() && header.len() > 7);
//! # Ok(())
//! # }
//! ```
//!
//! With the feature `async`, [`AsyncGoTo`] has the same constructors and methods, awaited:
//! `AsyncGoTo::from_env_file(".env")?.get("/identity/v1/Users/me").await?`. It works in any
//! tokio runtime and never blocks a runtime thread.
//!
//! - [`GoTo`] is the blocking client and `AsyncGoTo` (feature `async`) the async one. Both run on
//!   one engine: a token is reused while it has 5
//!   minutes left, renewed before a call once it has less, and renewed after an API rejects it
//!   (a 401, or GoToWebinar's 403 `InvalidToken`), again and again over a client's life, with
//!   every caller that arrives meanwhile sharing the one exchange. A token this client minted
//!   that no call has been accepted with yet is not renewed on a rejection: a fresh token
//!   refused points at the call (a role the user lacks, an API), and renewing it would mint a
//!   token per call.
//! - Reads are retried on 429 (honouring `Retry-After`), 5xx and timeouts; other methods are sent
//!   once, apart from the 401 case above.
//! - The token goes only to GoTo's hosts or `GOTO_API_URL`: a path that does not start with one
//!   `/` is refused before anything is sent.
//! - Errors are one type, [`Error`], whose `Display` says what to fix; no secret is ever in an
//!   error, a `Debug` or a log record. Exchanges, renewals and retries are logged through the
//!   `log` facade under the target `goto_auth`. Nothing is printed.
//! - [`blocks`] holds the building blocks the workspace's own `cargo xtask` uses beyond this
//!   (requests with their own pacing, raw answers, notices, the `.env` editor).

#![warn(missing_docs)]

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use goto_auth_core::{ConfigError, EnvFileError, Session, SessionError, Sources, TokenStore};
use serde::de::DeserializeOwned;

pub use goto_auth_core::{AccessToken, Error, Token};

#[cfg(feature = "async")]
mod async_client;
pub mod blocks;

#[cfg(feature = "async")]
pub use async_client::AsyncGoTo;

/// How long one HTTP attempt may take unless the builder says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The blocking client. Cheap to clone: clones share one token and one connection pool.
///
/// Call it from plain threads, or inside `tokio::task::spawn_blocking` in an async program.
/// Called on a tokio runtime's own thread it returns [`Error::RuntimeThread`] rather than stall
/// the runtime; use [`AsyncGoTo`] there.
#[derive(Debug, Clone)]
pub struct GoTo {
    session: Arc<Session>,
}

impl GoTo {
    /// A client configured by the env file at `path`, as `cargo xtask token` reads it: the
    /// process environment overrides the client id, secret, PAT and URLs, and the token is
    /// cached in the file (a read-only file is only read, and the token kept in memory).
    ///
    /// # Errors
    ///
    /// The file cannot be read (a missing file is fine when the environment has the three
    /// credentials), a credential is missing, or a URL is unusable.
    pub fn from_env_file(path: impl AsRef<Path>) -> Result<GoTo, Error> {
        Builder::<GoTo>::new().env_file(path).build()
    }

    /// A client configured by the `GOTO_*` variables of the process environment alone. No file
    /// is read or written; tokens are kept in memory. With only `GOTO_ACCESS_TOKEN` (and
    /// `GOTO_ACCESS_TOKEN_EXPIRES_AT`) set, as `cargo xtask exec` passes them, that token is used
    /// until it expires.
    ///
    /// # Errors
    ///
    /// Neither the three credentials nor a token are set, or a URL is unusable.
    pub fn from_env() -> Result<GoTo, Error> {
        Builder::<GoTo>::new().environment().build()
    }

    /// A builder for values from anywhere (a vault, a config service).
    pub fn builder() -> Builder<GoTo> {
        Builder::new()
    }

    /// `GET path` (`/identity/v1/Users/me`, with its query), its JSON read as a `T`.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.run(|session| session.get(path))
    }

    /// Every record of the list at `path`, page after page: GoTo Connect's `nextPageMarker`,
    /// GoToWebinar's `page`, or a bare JSON array (one page). At most
    /// [`blocks::paging::MAX_PAGES`] pages are followed.
    ///
    /// # Errors
    ///
    /// See [`Error`]; an answer in no known paging style is [`Error::Paging`], never one page
    /// passed off as the whole list.
    pub fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        self.run(|session| session.get_all(path))
    }

    /// One call with any method and an optional JSON body. The answer's JSON, or
    /// `serde_json::Value::Null` for an empty answer (204). Only reads are retried.
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, Error> {
        self.run(|session| session.send(method, path, body))
    }

    /// A token valid for at least 5 more minutes, for a request the client does not make (its
    /// secret through [`AccessToken::expose_secret`]).
    ///
    /// # Errors
    ///
    /// No token could be had: see [`Error`].
    pub fn access_token(&self) -> Result<AccessToken, Error> {
        self.run(Session::access_token)
    }

    fn run<T>(&self, work: impl FnOnce(&Session) -> Result<T, Error>) -> Result<T, Error> {
        if goto_http::on_runtime_thread() {
            return Err(Error::RuntimeThread);
        }
        work(&self.session)
    }
}

/// Where a builder's values come from.
#[derive(Debug, Default)]
enum Base {
    /// The caller's values alone.
    #[default]
    Values,
    /// An env file (with the environment over it).
    EnvFile(PathBuf),
    /// The process environment.
    Environment,
}

/// Configuration from anywhere: `GoTo::builder().client_id(…).client_secret(…).pat(…).build()`
/// (or `AsyncGoTo::builder()…`). Values given here override the env file's and the
/// environment's.
pub struct Builder<C = GoTo> {
    base: Base,
    values: Vec<(&'static str, String)>,
    timeout: Option<Duration>,
    client: PhantomData<fn() -> C>,
}

/// A checked configuration, ready for either client.
struct Configured {
    sources: Sources,
    store: TokenStore,
    timeout: Duration,
}

impl<C> std::fmt::Debug for Builder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.values.iter().map(|(key, _)| *key).collect();
        f.debug_struct("Builder")
            .field("base", &self.base)
            .field("keys", &keys)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<C> Builder<C> {
    fn new() -> Builder<C> {
        Builder {
            base: Base::default(),
            values: Vec::new(),
            timeout: None,
            client: PhantomData,
        }
    }

    fn value(mut self, key: &'static str, value: impl Into<String>) -> Builder<C> {
        self.values.retain(|(known, _)| *known != key);
        self.values.push((key, value.into()));
        self
    }

    /// The OAuth client id (`GOTO_CLIENT_ID`).
    pub fn client_id(self, id: impl Into<String>) -> Builder<C> {
        self.value(blocks::keys::CLIENT_ID, id)
    }

    /// The OAuth client secret (`GOTO_CLIENT_SECRET`).
    pub fn client_secret(self, secret: impl Into<String>) -> Builder<C> {
        self.value(blocks::keys::CLIENT_SECRET, secret)
    }

    /// The Personal Access Token (`GOTO_PAT`).
    pub fn pat(self, pat: impl Into<String>) -> Builder<C> {
        self.value(blocks::keys::PAT, pat)
    }

    /// The token host (`GOTO_AUTH_URL`); GoTo's own by default.
    pub fn auth_url(self, url: impl Into<String>) -> Builder<C> {
        self.value(blocks::keys::AUTH_URL, url)
    }

    /// A base every API call goes to instead of GoTo's hosts (`GOTO_API_URL`: a sandbox, a proxy).
    pub fn api_url(self, url: impl Into<String>) -> Builder<C> {
        self.value(blocks::keys::API_URL, url)
    }

    /// How long one HTTP attempt may take ([`DEFAULT_TIMEOUT`] unless set).
    pub fn timeout(mut self, timeout: Duration) -> Builder<C> {
        self.timeout = Some(timeout);
        self
    }

    /// Reads the env file at `path` too (under the values given here, over nothing else) and
    /// caches the token in it, as [`GoTo::from_env_file`] does but without the environment.
    pub fn env_file(mut self, path: impl AsRef<Path>) -> Builder<C> {
        self.base = Base::EnvFile(path.as_ref().to_owned());
        self
    }

    /// Whether the env file this builder reads does not exist.
    fn env_file_missing(&self) -> bool {
        matches!(&self.base, Base::EnvFile(path) if !path.exists())
    }

    /// Reads the process environment's `GOTO_*` keys under the values given here.
    fn environment(mut self) -> Builder<C> {
        self.base = Base::Environment;
        self
    }

    /// The configuration, checked: everything that can be found wrong before a call is.
    fn configure(self) -> Result<Configured, Error> {
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let given = |key: &str| {
            self.values
                .iter()
                .find(|(known, _)| *known == key)
                .map(|(_, value)| value.clone())
        };
        let (sources, store) = match &self.base {
            Base::EnvFile(path) => {
                // Lines other readers accept and dotenvy does not (`APP_NAME=My App`) are passed
                // over when they define no GOTO_* key, as `cargo xtask` does.
                let entries = match goto_auth_core::read_env_file(path) {
                    Ok(file) => file.entries,
                    // Fine when the environment has every credential (CI); said otherwise.
                    Err(EnvFileError::NotFound { .. }) => Vec::new(),
                    Err(error) => return Err(SessionError::EnvFile(error).into()),
                };
                let sources = Sources::new(path, entries, |key| {
                    given(key).or_else(|| environment_value(key))
                });
                (sources, TokenStore::EnvFileOrMemory)
            }
            Base::Environment => {
                // The token keys come from the environment too: there is no file.
                let tokens = blocks::keys::TOKEN_KEYS
                    .iter()
                    .filter_map(|&key| environment_value(key).map(|value| (key.to_owned(), value)))
                    .collect();
                let sources = Sources::new(Path::new(""), tokens, |key| {
                    given(key).or_else(|| environment_value(key))
                });
                (sources, TokenStore::Memory)
            }
            Base::Values => (
                Sources::new(Path::new(""), Vec::new(), given),
                TokenStore::Memory,
            ),
        };
        sources.auth_url().map_err(SessionError::from)?;
        sources.api_url().map_err(SessionError::from)?;
        if let Err(error) = sources.config() {
            let has_token = store == TokenStore::Memory && sources.given_token().is_some();
            return match error {
                ConfigError::MissingKey { .. } if has_token => Ok(Configured {
                    sources,
                    store,
                    timeout,
                }),
                // A file that is not there is the first thing to say, when it was needed.
                ConfigError::MissingKey { .. } if self.env_file_missing() => {
                    Err(SessionError::EnvFile(EnvFileError::NotFound {
                        path: sources.path().to_owned(),
                    })
                    .into())
                }
                ConfigError::MissingKey { key, .. } if matches!(self.base, Base::Values) => {
                    Err(SessionError::from(not_given(key)).into())
                }
                error => Err(SessionError::from(error).into()),
            };
        }
        Ok(Configured {
            sources,
            store,
            timeout,
        })
    }
}

impl Builder<GoTo> {
    /// The blocking client.
    ///
    /// # Errors
    ///
    /// A credential is missing (and no token was given), a URL is unusable, or the env file
    /// cannot be read.
    pub fn build(self) -> Result<GoTo, Error> {
        let Configured {
            sources,
            store,
            timeout,
        } = self.configure()?;
        let notices: Arc<dyn blocks::Notices> = Arc::new(blocks::LogOnly);
        let session =
            Session::new(sources, timeout, notices, goto_http::connect).keeping_tokens_in(store);
        Ok(GoTo {
            session: Arc::new(session),
        })
    }
}

/// The error for a credential the builder was not given.
fn not_given(key: &'static str) -> ConfigError {
    let (what, setter) = match key {
        blocks::keys::CLIENT_ID => ("client id", ".client_id()"),
        blocks::keys::CLIENT_SECRET => ("client secret", ".client_secret()"),
        _ => ("Personal Access Token", ".pat()"),
    };
    ConfigError::NotGiven { key, what, setter }
}

/// A `GOTO_*` variable of the process environment, when set and not empty.
fn environment_value(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|value| !value.is_empty())
}
