//! `GoTo`: the blocking client.

use std::path::Path;
use std::sync::Arc;

use goto_auth_core::Session;
use serde::de::DeserializeOwned;

use crate::{AccessToken, Builder, Error};

/// The blocking client. Cheap to clone: clones share one token and one connection pool.
///
/// Call it from plain threads, or inside `tokio::task::spawn_blocking` in an async program.
/// Called on a tokio runtime's own thread it returns [`Error::RuntimeThread`] rather than stall
/// the runtime; use `AsyncGoTo` there.
#[derive(Debug, Clone)]
pub struct GoTo {
    pub(crate) session: Arc<Session>,
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
    /// [`crate::blocks::paging::MAX_PAGES`] pages are followed.
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
