//! The blocking client: a usable token and an authenticated call, over the shared engine.
//!
//! A [`Session`] holds what the env file and the environment say, where its tokens are kept
//! ([`TokenStore`]), the token in use ([`Keeper`], behind one lock that every clone of a client
//! shares, so that concurrent first callers make one exchange) and an HTTP client made only when
//! needed (the cached path builds none and sends nothing). [`Session::token`] reuses the stored
//! token while it is good, else exchanges the PAT and stores the new token. [`Session::call`]
//! sends one API request with the token: the token is renewed first once it is close to its
//! expiry, reads are retried under the retry policy, a rejected token is renewed as the keeper
//! decides (shared by every caller refused with it, again and again over the session's life, but
//! never for a fresh token no call has been accepted with), and a failure comes back as a typed
//! [`CallError`].
//!
//! This crate never prints: exchanges, renewals and retries are logged through the `log` facade
//! (target `goto_auth`), and the caller's [`Notices`] hears of them too.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

use crate::cache::ExchangeReason;
use crate::config::{Config, Sources};
use crate::dotenv::UnportableValue;
use crate::error::{CallError, ConfigError, Error, SessionError};
use crate::exchange;
use crate::http::{Connect, HttpClient, HttpResponse, Reach, RetryNotice};
use crate::keeper::{AfterRejection, Keeper};
use crate::secret::AccessToken;
use crate::store::{Look, Store, TokenStore, Want};
use crate::token::Token;

mod calls;

#[cfg(feature = "async")]
pub(crate) use calls::redactor;

/// What a session tells the person running it. The xtask prints these; a library user may
/// log them or ignore them.
pub trait Notices: Send + Sync {
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

/// How a session came by a token: for the keeper, when it was minted here.
pub(crate) fn minted_at(provenance: Provenance, now: SystemTime) -> Option<SystemTime> {
    match provenance {
        Provenance::Stored => None,
        Provenance::Exchanged(_) => Some(now),
    }
}

/// The env file's configuration, where tokens are kept, the token in use and a lazily built
/// HTTP client. `Send + Sync`: clients share one behind an `Arc`.
pub struct Session {
    sources: Sources,
    store: Store,
    timeout: Duration,
    notices: Arc<dyn Notices>,
    connect: Connect,
    client: OnceLock<HttpClient>,
    keeper: Mutex<Keeper>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The sources' own `Debug` shows keys, never values; the token is not shown at all.
        f.debug_struct("Session")
            .field("sources", &self.sources)
            .field("store", &self.store)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session over `sources`, with `timeout` per HTTP attempt, telling `notices` what happens,
    /// keeping its tokens in the env file ([`TokenStore::EnvFile`]). `connect` builds its HTTP
    /// client on first use (`goto_http::connect`).
    pub fn new(
        sources: Sources,
        timeout: Duration,
        notices: Arc<dyn Notices>,
        connect: Connect,
    ) -> Session {
        let store = Store::new(TokenStore::EnvFile, sources.path());
        Session {
            sources,
            store,
            timeout,
            notices,
            connect,
            client: OnceLock::new(),
            keeper: Mutex::new(Keeper::default()),
        }
    }

    /// This session, keeping its tokens in `store` instead.
    pub fn keeping_tokens_in(self, store: TokenStore) -> Session {
        Session {
            store: Store::new(store, self.sources.path()),
            ..self
        }
    }

    /// What the env file and the environment say.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// A token: the one in use while it stays valid for 5 more minutes, else the stored one
    /// while it is good and was minted for these credentials, else a fresh exchange, stored.
    /// `force` exchanges anyway. Later calls use this token.
    ///
    /// # Errors
    ///
    /// The configuration is incomplete, the exchange failed, or the env file could not be
    /// written.
    pub fn token(&self, force: bool) -> Result<(Token, Provenance), SessionError> {
        let mut keeper = self.lock();
        if !force && let Some(token) = keeper.usable(SystemTime::now()) {
            return Ok((token, Provenance::Stored));
        }
        let want = if force {
            Want::Fresh
        } else {
            reusable(&keeper)
        };
        let (token, provenance) = self.obtain(want, keeper.current())?;
        keeper.keep(token.clone(), minted_at(provenance, SystemTime::now()));
        Ok((token, provenance))
    }

    /// A token valid for at least 5 more minutes (a token minted with less to live: a tenth of
    /// its life), obtained or renewed first if need be.
    ///
    /// # Errors
    ///
    /// No token could be had: see [`Error`].
    pub fn access_token(&self) -> Result<AccessToken, Error> {
        Ok(self.current_token()?.access_token)
    }

    fn lock(&self) -> MutexGuard<'_, Keeper> {
        // A panic while holding the lock leaves the keeper whole: every write is one assignment.
        self.keeper
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The token to call with: the one in use while it stays fresh, else one obtained now (the
    /// lock is held meanwhile, so concurrent callers wait for this one exchange).
    fn current_token(&self) -> Result<Token, SessionError> {
        let mut keeper = self.lock();
        if let Some(token) = keeper.usable(SystemTime::now()) {
            return Ok(token);
        }
        if let Some(token) = keeper.current() {
            log::info!(
                target: "goto_auth",
                "the access token expires within {}; renewing it before the call",
                crate::time::human_duration(
                    token.expires_at.duration_since(SystemTime::now()).unwrap_or_default()
                )
            );
        }
        let (token, provenance) = self.obtain(reusable(&keeper), keeper.current())?;
        keeper.keep(token.clone(), minted_at(provenance, SystemTime::now()));
        Ok(token)
    }

    /// What to resend with after `rejected` was refused (`None`: nothing, return the refusal).
    /// Every caller refused with the same token waits on the lock while one renews it.
    fn after_rejection(
        &self,
        method: &str,
        path: &str,
        rejected: &AccessToken,
        answer: &HttpResponse,
    ) -> Result<Option<AccessToken>, CallError> {
        let mut keeper = self.lock();
        match keeper.after_rejection(rejected, SystemTime::now()) {
            AfterRejection::Resend(token) => Ok(Some(token)),
            AfterRejection::Refuse => Ok(None),
            AfterRejection::Renew => {
                log::info!(
                    target: "goto_auth",
                    "{method} {path} rejected the access token ({}); exchanging the PAT once more",
                    answer.status
                );
                self.notices.renewing();
                match self.obtain(Want::Replacing(rejected.clone()), keeper.current()) {
                    Ok((token, provenance)) => {
                        keeper.keep(token.clone(), minted_at(provenance, SystemTime::now()));
                        Ok(Some(token.access_token))
                    }
                    Err(source) => Err(CallError::Renewal {
                        method: method.to_owned(),
                        path: path.to_owned(),
                        status: answer.status,
                        source: Box::new(source),
                    }),
                }
            }
        }
    }

    /// The store's decision for `want`, and the exchange when it says so. Without credentials
    /// (a client given only a token, as `cargo xtask exec` passes it), the token in use or the
    /// one given serves until it expires.
    fn obtain(
        &self,
        want: Want,
        held: Option<&Token>,
    ) -> Result<(Token, Provenance), SessionError> {
        let config = match self.sources.config() {
            Ok(config) => config,
            Err(ConfigError::MissingKey { key, .. }) if self.store.is_memory() => {
                return without_credentials(&self.sources, key, &want, held);
            }
            Err(error) => return Err(error.into()),
        };
        match self.store.look(&self.sources, &config, &want)? {
            Look::Reuse(token) => Ok((token, Provenance::Stored)),
            Look::Exchange(reason, locked) => {
                let fresh = self.exchange(&config, reason)?;
                let path = self.sources.path();
                let in_place = self.store.keep(locked, &fresh, &config, |key, why| {
                    self.notices.left_empty(path, key, why);
                })?;
                if in_place {
                    self.notices.written_in_place(path);
                }
                Ok((fresh, Provenance::Exchanged(reason)))
            }
        }
    }

    /// The PAT exchanged, logged and told.
    fn exchange(&self, config: &Config, reason: ExchangeReason) -> Result<Token, SessionError> {
        let url = config.token_url();
        log::info!(target: "goto_auth", "exchanging the personal access token at {url} ({reason})");
        self.notices.exchanging(&url, reason);
        let fresh = exchange::exchange(self.http()?, config, |notice| {
            self.retrying("the token endpoint", notice);
        })?;
        log::info!(
            target: "goto_auth",
            "new access token, valid until {}",
            crate::token::format_instant(fresh.expires_at)
        );
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

/// A client without credentials: the token given serves until it expires.
pub(crate) fn without_credentials(
    sources: &Sources,
    missing: &'static str,
    want: &Want,
    held: Option<&Token>,
) -> Result<(Token, Provenance), SessionError> {
    let given = held.cloned().or_else(|| sources.given_token());
    match (want, given) {
        (Want::Replacing(_), Some(_)) => Err(SessionError::CannotRenew {
            missing,
            expired: false,
        }),
        (Want::Reusable { .. }, Some(token)) if token.expires_at > SystemTime::now() => {
            Ok((token, Provenance::Stored))
        }
        (Want::Reusable { .. }, Some(_)) => Err(SessionError::CannotRenew {
            missing,
            expired: true,
        }),
        _ => Err(ConfigError::MissingKey {
            key: missing,
            env_file: sources.path().to_owned(),
        }
        .into()),
    }
}

/// What a caller holding `keeper` wants when its token will not do.
pub(crate) fn reusable(keeper: &Keeper) -> Want {
    Want::Reusable {
        first: keeper.current().is_none(),
        reason: if keeper.current().is_none() {
            ExchangeReason::NoToken
        } else {
            ExchangeReason::Expiring
        },
    }
}
