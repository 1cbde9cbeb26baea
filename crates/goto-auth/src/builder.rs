//! `Builder`: a client's configuration, from an env file, the environment or values from
//! anywhere, checked before any call.

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use goto_auth_core::{ConfigError, EnvFileError, Session, SessionError, Sources, TokenStore};

use crate::{DEFAULT_TIMEOUT, Error, GoTo, blocks};

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
pub(crate) struct Configured {
    pub(crate) sources: Sources,
    pub(crate) store: TokenStore,
    pub(crate) timeout: Duration,
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
    pub(crate) fn new() -> Builder<C> {
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
    pub(crate) fn environment(mut self) -> Builder<C> {
        self.base = Base::Environment;
        self
    }

    /// The configuration, checked: everything that can be found wrong before a call is.
    pub(crate) fn configure(self) -> Result<Configured, Error> {
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
