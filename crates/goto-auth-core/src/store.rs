//! Where a client keeps its token between runs: the env file, shared with `token` and every
//! other program that reads it, or memory alone. The cache decision is taken here, under the env
//! file's lock, and a fresh token is written back here. File work is blocking; the async client
//! runs it on tokio's blocking pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::cache::{self, Decision, ExchangeReason, Fingerprint};
use crate::config::{Config, Sources};
use crate::dotenv::{self, EnvFileError, LockedEnvFile, UnportableValue, Written};
use crate::error::SessionError;
use crate::keys;
use crate::secret::AccessToken;
use crate::token::Token;

/// Where a [`Session`](crate::Session) keeps the tokens it mints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStore {
    /// The env file: reused from it while valid, written back to it. A file that cannot take a
    /// token (read-only, not a regular file) is refused before the exchange, so no minted token
    /// is thrown away (`cargo xtask token`).
    EnvFile,
    /// The env file, but a read-only one (a mounted secret) is only read: the tokens minted are
    /// kept in memory, which is logged once.
    EnvFileOrMemory,
    /// Memory alone: no file is read or written.
    Memory,
}

/// What a caller needs from the store.
#[derive(Debug, Clone)]
pub(crate) enum Want {
    /// A token, the stored one if it is good. `first`: the client holds none yet, so the env
    /// file as read at the start may answer without the lock.
    Reusable {
        /// Whether the client holds no token yet.
        first: bool,
        /// Why the client's own token will not do, when it holds one.
        reason: ExchangeReason,
    },
    /// A fresh exchange, whatever is stored (`--force`).
    Fresh,
    /// A token other than `rejected`, which an API refused: another run may have stored one.
    Replacing(AccessToken),
}

/// What the store says before an exchange.
#[derive(Debug)]
pub(crate) enum Look {
    /// The stored token is good: use it, send nothing.
    Reuse(Token),
    /// Exchange the PAT, for this reason, and keep the token with [`Store::keep`] (holding the
    /// env file's lock until then, when there is one).
    Exchange(ExchangeReason, Option<LockedEnvFile>),
}

/// The store of one session.
#[derive(Debug)]
pub(crate) struct Store {
    kind: TokenStore,
    path: PathBuf,
    /// A read-only env file under [`TokenStore::EnvFileOrMemory`] was found: memory from now on.
    in_memory: AtomicBool,
}

impl Store {
    pub(crate) fn new(kind: TokenStore, path: &Path) -> Store {
        Store {
            kind,
            path: path.to_owned(),
            in_memory: AtomicBool::new(kind == TokenStore::Memory),
        }
    }

    /// Whether this session was given no env file to keep tokens in (the environment, or values
    /// from anywhere).
    pub(crate) fn is_memory(&self) -> bool {
        self.kind == TokenStore::Memory
    }

    fn memory_only(&self) -> bool {
        self.in_memory.load(Ordering::Relaxed)
    }

    /// The cache decision for `want`. With the env file, a decision to exchange is taken again
    /// under the file's lock, which the returned [`Look::Exchange`] holds: of many runs at once,
    /// the first exchanges and the others, waiting on the lock, find its token and reuse it.
    /// Opening the file for the write also checks, before any request, everything that could
    /// stop the write (see [`LockedEnvFile::open`]).
    pub(crate) fn look(
        &self,
        sources: &Sources,
        config: &Config,
        want: &Want,
    ) -> Result<Look, SessionError> {
        let fingerprint = Fingerprint::of_config(config);
        let now = SystemTime::now();
        if self.memory_only() {
            // A token given with the configuration (`from_env` under `cargo xtask exec`) serves
            // while it is good, whatever it was minted for: the caller handed it over.
            if let Want::Reusable { first: true, .. } = want
                && let Some(given) = sources.given_token()
                && crate::keeper::is_fresh(&given, None, now)
            {
                return Ok(Look::Reuse(given));
            }
            return Ok(Look::Exchange(reason_of(want), None));
        }
        if let Want::Reusable { first: true, .. } = want
            && let Decision::Reuse(token) = cache::decide(sources, &fingerprint, now, false)
        {
            return Ok(Look::Reuse(token));
        }
        let locked = match LockedEnvFile::open(&self.path) {
            Ok(locked) => locked,
            Err(EnvFileError::NotWritable { reason, .. })
                if self.kind == TokenStore::EnvFileOrMemory =>
            {
                self.in_memory.store(true, Ordering::Relaxed);
                log::warn!(
                    target: "goto_auth",
                    "{} cannot take a token ({reason}); tokens are kept in memory from now on",
                    self.path.display()
                );
                return Ok(Look::Exchange(reason_of(want), None));
            }
            Err(error) => return Err(SessionError::EnvFile(error)),
        };
        let entries = locked.parse().map_err(SessionError::EnvFile)?.entries;
        // Token keys come from the file alone, so the stored sources need no environment.
        let stored = Sources::new(&self.path, entries, |_| None);
        let decision = match want {
            Want::Fresh => Decision::Exchange(ExchangeReason::Forced),
            Want::Reusable { .. } => cache::decide(&stored, &fingerprint, now, false),
            Want::Replacing(rejected) => match cache::decide(&stored, &fingerprint, now, false) {
                Decision::Reuse(token)
                    if token.access_token.expose_secret() != rejected.expose_secret() =>
                {
                    Decision::Reuse(token)
                }
                _ => Decision::Exchange(ExchangeReason::Rejected),
            },
        };
        Ok(match decision {
            Decision::Reuse(token) => Look::Reuse(token),
            Decision::Exchange(reason) => Look::Exchange(reason, Some(locked)),
        })
    }

    /// Writes `fresh` to the locked env file (nothing to do in memory); a failed write leaves
    /// the file as it was. Informational values no quoting carries are left empty, each
    /// reported through `left_empty`; `Ok(true)` when the file was written in place rather
    /// than replaced atomically.
    pub(crate) fn keep(
        &self,
        locked: Option<LockedEnvFile>,
        fresh: &Token,
        config: &Config,
        mut left_empty: impl FnMut(&str, &UnportableValue),
    ) -> Result<bool, SessionError> {
        let Some(locked) = locked else {
            return Ok(false);
        };
        let mut entries = fresh.env_entries(Fingerprint::of_config(config).as_str());
        for (key, reason) in dotenv::blank_unportable(&mut entries, &keys::INFORMATIONAL_KEYS) {
            left_empty(&key, &reason);
        }
        let updates: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let written = locked
            .write(&updates)
            .map_err(|source| SessionError::Store {
                path: self.path.clone(),
                source,
            })?;
        Ok(written == Written::ChangedInPlace)
    }
}

/// Why a memory store exchanges for `want`.
fn reason_of(want: &Want) -> ExchangeReason {
    match want {
        Want::Reusable { reason, .. } => *reason,
        Want::Fresh => ExchangeReason::Forced,
        Want::Replacing(_) => ExchangeReason::Rejected,
    }
}
