//! The async client: the same engine as the blocking [`Session`](crate::Session), awaited.
//!
//! Every decision is the shared one (the [`Keeper`]'s renewals, the store's cache decision, the
//! retry policy, the request builders and answer readers); this adapter only waits differently.
//! The token sits behind a plain mutex that is never held across an await (a call with a good
//! token only looks at it); an exchange is gated by a tokio mutex, so callers that arrive during
//! one wait for it without blocking a runtime thread, and a caller whose future is dropped
//! mid-exchange releases the gate for the next one, which exchanges in its place. The env file's work (its lock, the
//! read, the write) runs on tokio's blocking pool.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;

use crate::api::{
    Answer, api_request, base_for, check_path, is_token_rejection, read_answer, read_typed,
};
use crate::config::{Config, Sources};
use crate::error::TransportError;
use crate::error::{CallError, ConfigError, Error, SessionError, decode_each, retried};
use crate::exchange::{read_exchange, token_request};
use crate::http::{Attempts, HttpRequest, HttpResponse, Reach, after_attempt};
use crate::keeper::{AfterRejection, Keeper};
use crate::paging::Pager;
use crate::secret::AccessToken;
use crate::session::{Provenance, minted_at, redactor, reusable, without_credentials};
use crate::store::{Look, Store, TokenStore, Want};
use crate::token::Token;

/// A request on its way: what an [`AsyncTransport`] returns.
pub type Sending<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one request, once, without blocking: the async counterpart of
/// [`Transport`](crate::Transport), under the same rules (a timeout over the whole attempt, at
/// most [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES), no redirects, no secret in a failure).
pub trait AsyncTransport: std::fmt::Debug + Send + Sync {
    /// Sends `request` once.
    fn send<'a>(&'a self, request: &'a HttpRequest) -> Sending<'a>;
}

/// Builds the transport of an [`AsyncSession`] on first use: `goto_http::connect_async`.
pub type AsyncConnect = fn(Duration, Reach) -> Result<Box<dyn AsyncTransport>, TransportError>;

/// The async engine: what `AsyncGoTo` wraps. `Send + Sync`, and its futures are `Send`.
pub struct AsyncSession {
    sources: Arc<Sources>,
    store: Arc<Store>,
    timeout: Duration,
    connect: AsyncConnect,
    transport: OnceLock<Box<dyn AsyncTransport>>,
    /// The token in use. A plain mutex, never held across an await: a call with a good token
    /// only looks at it.
    keeper: Mutex<Keeper>,
    /// Held through an exchange, so that callers who need a token at once wait for one
    /// exchange without blocking a runtime thread. Dropping a future that holds it releases it.
    exchanging: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for AsyncSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSession")
            .field("sources", &self.sources)
            .field("store", &self.store)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl AsyncSession {
    /// A session over `sources`, with `timeout` per HTTP attempt, keeping tokens in `store`.
    pub fn new(
        sources: Sources,
        store: TokenStore,
        timeout: Duration,
        connect: AsyncConnect,
    ) -> AsyncSession {
        AsyncSession {
            store: Arc::new(Store::new(store, sources.path())),
            sources: Arc::new(sources),
            timeout,
            connect,
            transport: OnceLock::new(),
            keeper: Mutex::new(Keeper::default()),
            exchanging: tokio::sync::Mutex::new(()),
        }
    }

    /// See [`Session::access_token`](crate::Session::access_token).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        Ok(self.current_token().await?.access_token)
    }

    /// See [`Session::get`](crate::Session::get).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let (answer, made, used) = self.call_unread("GET", path, None).await?;
        read_typed("GET", path, answer, made, || redactor(&self.sources, &used))
    }

    /// See [`Session::get_all`](crate::Session::get_all).
    ///
    /// # Errors
    ///
    /// See [`Error`].
    pub async fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        let mut pager = Pager::new(path);
        loop {
            let page = self.call("GET", pager.path(), None).await?.json;
            if !pager.take(page)? {
                break;
            }
        }
        decode_each(path, pager.records())
    }

    /// See [`Session::send`](crate::Session::send).
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
        let body = body.map(|json| json.to_string().into_bytes());
        Ok(self
            .call(method, path, body)
            .await?
            .json
            .unwrap_or(serde_json::Value::Null))
    }

    /// See [`Session::call`](crate::Session::call).
    ///
    /// # Errors
    ///
    /// See [`CallError`].
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, CallError> {
        let method = method.to_ascii_uppercase();
        let (answer, made, used) = self.call_unread(&method, path, body).await?;
        read_answer(&method, path, answer, || redactor(&self.sources, &used))
            .map_err(|error| retried(made, error))
    }

    /// The call up to its last answer, unread: the answer, how many attempts it took, and the
    /// token it was sent with.
    async fn call_unread(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(HttpResponse, u32, AccessToken), CallError> {
        check_path(path).map_err(|reason| CallError::Path {
            path: crate::inert::inert(path).into_owned(),
            reason,
        })?;
        let token = self.current_token().await?;
        let (mut answer, mut made) = self
            .send_once(method, path, body.clone(), &token.access_token)
            .await?;
        let mut used = token.access_token;
        if is_token_rejection(&answer)
            && let Some(next) = self.after_rejection(method, path, &used, &answer).await?
        {
            used = next;
            (answer, made) = self.send_once(method, path, body, &used).await?;
        }
        if (200..300).contains(&answer.status) {
            self.keeper().accepted(&used);
        }
        Ok((answer, made, used))
    }

    async fn send_once(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        token: &AccessToken,
    ) -> Result<(HttpResponse, u32), CallError> {
        let base = base_for(
            path,
            self.sources.api_url().map_err(SessionError::from)?.as_ref(),
        );
        let request = api_request(&base, method, path, token, body);
        let attempts = if method == "GET" || method == "HEAD" {
            self.send_counting(&request, path).await?
        } else {
            Attempts {
                result: self.transport()?.send(&request).await,
                made: 1,
            }
        };
        match attempts.result {
            Ok(answer) => Ok((answer, attempts.made)),
            Err(error) => Err(retried(attempts.made, CallError::Transport(error))),
        }
    }

    /// The retry loop of [`HttpClient::send_counting`](crate::HttpClient::send_counting),
    /// awaited.
    async fn send_counting(
        &self,
        request: &HttpRequest,
        target: &str,
    ) -> Result<Attempts, SessionError> {
        let transport = self.transport()?;
        let mut attempt = 1;
        loop {
            let result = transport.send(request).await;
            match after_attempt(attempt, &result) {
                None => {
                    return Ok(Attempts {
                        result,
                        made: attempt,
                    });
                }
                Some(notice) => {
                    log::warn!(
                        target: "goto_auth",
                        "{target} {}; retrying in {:.1} s (attempt {} of {})",
                        notice.cause,
                        notice.wait.as_secs_f64(),
                        notice.attempt + 1,
                        crate::retry::MAX_ATTEMPTS
                    );
                    tokio::time::sleep(notice.wait).await;
                    attempt += 1;
                }
            }
        }
    }

    fn keeper(&self) -> MutexGuard<'_, Keeper> {
        // A panic while holding the lock leaves the keeper whole: every write is one assignment.
        self.keeper
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn current_token(&self) -> Result<Token, SessionError> {
        if let Some(token) = self.keeper().usable(SystemTime::now()) {
            return Ok(token);
        }
        let _exchanging = self.exchanging.lock().await;
        // Another caller may have obtained one while this one waited.
        let (want, held) = {
            let keeper = self.keeper();
            if let Some(token) = keeper.usable(SystemTime::now()) {
                return Ok(token);
            }
            (reusable(&keeper), keeper.current().cloned())
        };
        let (token, provenance) = self.obtain(want, held).await?;
        self.keeper()
            .keep(token.clone(), minted_at(provenance, SystemTime::now()));
        Ok(token)
    }

    async fn after_rejection(
        &self,
        method: &str,
        path: &str,
        rejected: &AccessToken,
        answer: &HttpResponse,
    ) -> Result<Option<AccessToken>, CallError> {
        let _exchanging = self.exchanging.lock().await;
        let (decision, held) = {
            let keeper = self.keeper();
            let decision = keeper.after_rejection(rejected, SystemTime::now());
            (decision, keeper.current().cloned())
        };
        match decision {
            AfterRejection::Resend(token) => Ok(Some(token)),
            AfterRejection::Refuse => Ok(None),
            AfterRejection::Renew => {
                log::info!(
                    target: "goto_auth",
                    "{method} {path} rejected the access token ({}); exchanging the PAT once more",
                    answer.status
                );
                match self.obtain(Want::Replacing(rejected.clone()), held).await {
                    Ok((token, provenance)) => {
                        self.keeper()
                            .keep(token.clone(), minted_at(provenance, SystemTime::now()));
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

    /// The store's decision (on the blocking pool), and the exchange when it says so.
    async fn obtain(
        &self,
        want: Want,
        held: Option<Token>,
    ) -> Result<(Token, Provenance), SessionError> {
        let config = match self.sources.config() {
            Ok(config) => config,
            Err(ConfigError::MissingKey { key, .. }) if self.store.is_memory() => {
                return without_credentials(&self.sources, key, &want, held.as_ref());
            }
            Err(error) => return Err(error.into()),
        };
        let look = {
            let (store, sources, config) =
                (self.store.clone(), self.sources.clone(), config.clone());
            blocking(move || store.look(&sources, &config, &want)).await?
        };
        match look {
            Look::Reuse(token) => Ok((token, Provenance::Stored)),
            Look::Exchange(reason, locked) => {
                log::info!(
                    target: "goto_auth",
                    "exchanging the personal access token at {} ({reason})",
                    config.token_url()
                );
                let fresh = self.exchange(&config).await?;
                let store = self.store.clone();
                let kept = fresh.clone();
                blocking(move || {
                    store.keep(locked, &kept, &config, |key, why| {
                        log::warn!(target: "goto_auth", "{key} is left empty: the value the server sent {why}");
                    })
                })
                .await?;
                Ok((fresh, Provenance::Exchanged(reason)))
            }
        }
    }

    async fn exchange(&self, config: &Config) -> Result<Token, SessionError> {
        let request = token_request(config);
        let attempts = self.send_counting(&request, "the token endpoint").await?;
        let fresh = read_exchange(attempts, &request.url, config)?;
        log::info!(
            target: "goto_auth",
            "new access token, valid until {}",
            crate::token::format_instant(fresh.expires_at)
        );
        Ok(fresh)
    }

    fn transport(&self) -> Result<&dyn AsyncTransport, SessionError> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport.as_ref());
        }
        let auth_url = self.sources.auth_url()?;
        let reach = match self.sources.api_url()? {
            Some(api_url) => Reach::of([&auth_url, &api_url]),
            None => Reach::Https,
        };
        let transport = (self.connect)(self.timeout, reach)?;
        Ok(self.transport.get_or_init(|| transport).as_ref())
    }
}

/// Runs the env file's blocking work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SessionError> + Send + 'static,
) -> Result<T, SessionError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        // Only a panic in the work gets here (the runtime shutting down cancels nothing that
        // runs): it is a bug, and goes on as one.
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}
