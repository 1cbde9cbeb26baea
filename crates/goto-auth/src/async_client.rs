//! `AsyncGoTo`: the async client (feature `async`).

use std::path::Path;
use std::sync::Arc;

use goto_auth_core::AsyncSession;
use serde::de::DeserializeOwned;

use crate::builder::Configured;
use crate::{AccessToken, Builder, Error};

/// The async client: [`GoTo`](crate::GoTo)'s constructors and methods, awaited. Works in any
/// tokio runtime (current-thread and multi-thread) and never blocks a runtime thread: the
/// network is awaited, and the env file's lock, read and write run on tokio's blocking pool.
/// Clones share one token and one connection pool; its futures are `Send`. A caller that drops
/// a future mid-exchange strands no other caller: the next one exchanges in its place.
#[derive(Debug, Clone)]
pub struct AsyncGoTo {
    session: Arc<AsyncSession>,
}

impl AsyncGoTo {
    /// See [`GoTo::from_env_file`](crate::GoTo::from_env_file).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn from_env_file(path: impl AsRef<Path>) -> Result<AsyncGoTo, Error> {
        Builder::<AsyncGoTo>::new().env_file(path).build()
    }

    /// See [`GoTo::from_env`](crate::GoTo::from_env).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn from_env() -> Result<AsyncGoTo, Error> {
        Builder::<AsyncGoTo>::new().environment().build()
    }

    /// See [`GoTo::builder`](crate::GoTo::builder).
    pub fn builder() -> Builder<AsyncGoTo> {
        Builder::new()
    }

    /// See [`GoTo::get`](crate::GoTo::get).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        self.session.get(path).await
    }

    /// See [`GoTo::get_all`](crate::GoTo::get_all).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        self.session.get_all(path).await
    }

    /// See [`GoTo::send`](crate::GoTo::send).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, Error> {
        self.session.send(method, path, body).await
    }

    /// See [`GoTo::access_token`](crate::GoTo::access_token).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        self.session.access_token().await
    }
}

impl Builder<AsyncGoTo> {
    /// The async client.
    ///
    /// # Errors
    ///
    /// A credential is missing (and no token was given), a URL is unusable, or the env file
    /// cannot be read.
    pub fn build(self) -> Result<AsyncGoTo, Error> {
        let Configured {
            sources,
            store,
            timeout,
        } = self.configure()?;
        let session = AsyncSession::new(sources, store, timeout, goto_http::connect_async);
        Ok(AsyncGoTo {
            session: Arc::new(session),
        })
    }
}
