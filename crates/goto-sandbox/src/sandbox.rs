//! The handle tests hold: starting, steering and stopping one sandbox.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use tokio::sync::oneshot;

use crate::faults::Fault;
use crate::recording::RecordedRequest;
use crate::server::{self, lock};
use crate::state::State;
use crate::tls::{self, Tls};
use crate::{Client, Pat, oauth, seed};

/// How a sandbox starts; every knob can also be turned later on the running [`Sandbox`].
#[derive(Clone, Debug)]
pub struct Options {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Extra delay before every answer.
    pub latency: Duration,
    /// Requests per second each API accepts before answering 429; `None` for no limit.
    pub rate_limit_per_second: Option<u32>,
    /// Whether 429 answers carry `Retry-After: 1`.
    pub retry_after: bool,
    /// The `expires_in` of minted access tokens, in seconds; 0 or negative mints expired tokens.
    pub token_lifetime_seconds: i64,
    /// Plain HTTP (the default) or HTTPS with the test CA's certificate (see [`Tls`]).
    pub tls: Tls,
}

impl Default for Options {
    /// GoTo's documented behaviour: 10 requests per second per API, one-hour tokens.
    fn default() -> Options {
        Options {
            port: 0,
            latency: Duration::ZERO,
            rate_limit_per_second: Some(10),
            retry_after: true,
            token_lifetime_seconds: 3600,
            tls: Tls::Off,
        }
    }
}

/// A running sandbox. Dropping it stops the server (and its runtime thread).
///
/// The server runs on its own thread with a single-threaded tokio runtime, so a sandbox works the
/// same from synchronous tests, from async tests and from a binary. Stopping it drops every open
/// connection, including ones stalled by an injected fault.
pub struct Sandbox {
    address: SocketAddr,
    tls: Tls,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Sandbox")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// The seeded world (see [`seed`]) on an ephemeral port of 127.0.0.1, with the defaults of
    /// [`Options`].
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, which leaves a test nothing to do anyway.
    pub fn start() -> Sandbox {
        Sandbox::start_with(Options::default())
            .unwrap_or_else(|error| panic!("the GoTo sandbox cannot listen on 127.0.0.1: {error}"))
    }

    /// The seeded world with `options`.
    ///
    /// # Errors
    ///
    /// When the port cannot be bound (for example because it is taken) or the server thread
    /// cannot be started.
    pub fn start_with(options: Options) -> std::io::Result<Sandbox> {
        let acceptor = tls::acceptor(options.tls)?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::seeded(&options, SystemTime::now())));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, shutdown_received) = oneshot::channel();
        let server_state = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name(format!("goto-sandbox-{}", address.port()))
            .spawn(move || {
                runtime.block_on(server::serve(
                    listener,
                    acceptor,
                    server_state,
                    shutdown_received,
                ));
            })?;
        Ok(Sandbox {
            address,
            tls: options.tls,
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` in a [`Tls`] mode), without a trailing slash.
    ///
    /// It serves the token endpoint and every API path, so it is both `GOTO_AUTH_URL` and
    /// `GOTO_API_URL`.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.tls.scheme(), self.address)
    }

    /// The socket address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.address
    }

    /// The five env-file lines that point a client at this sandbox, in the order the binary and
    /// `cargo xtask sandbox` print them: both URLs, then the seeded client and the guide's PAT
    /// ([`seed::GUIDE_PAT`], letters and digits only, so GoTo's guide's curl works with it as
    /// typed). Every value is bare-safe for any dotenv reader.
    pub fn env_lines(&self) -> [(&'static str, String); 5] {
        let base_url = self.base_url();
        [
            ("GOTO_AUTH_URL", base_url.clone()),
            ("GOTO_API_URL", base_url),
            ("GOTO_CLIENT_ID", seed::CLIENT_ID.to_owned()),
            ("GOTO_CLIENT_SECRET", seed::CLIENT_SECRET.to_owned()),
            ("GOTO_PAT", seed::GUIDE_PAT.to_owned()),
        ]
    }

    /// Registers an OAuth client, replacing any client with the same id.
    pub fn add_client(&self, client: Client) {
        let mut state = lock(&self.state);
        state.clients.retain(|known| known.id != client.id);
        state.clients.push(client);
    }

    /// Registers a personal access token, replacing any PAT with the same value.
    pub fn add_pat(&self, pat: Pat) {
        let mut state = lock(&self.state);
        state.pats.retain(|known| known.value != pat.value);
        state.pats.push(pat);
    }

    /// The `expires_in` of tokens minted from now on (default 3600).
    ///
    /// 0 or a negative number mints tokens that are already expired, and `expires_in` says so.
    pub fn set_token_lifetime(&self, seconds: i64) {
        lock(&self.state).token_lifetime_seconds = seconds;
    }

    /// Every token issued so far expires now: API calls with them get 401 `AUTHN_EXPIRED_TOKEN`
    /// (403 `InvalidToken` on G2W and G2M). Tokens minted afterwards are unaffected.
    pub fn expire_issued_tokens(&self) {
        let now = SystemTime::now();
        for token in lock(&self.state).tokens.values_mut() {
            token.expires_at = token.expires_at.min(now);
        }
    }

    /// Mints a valid access token directly, as if the seeded client had exchanged the PAT `pat`:
    /// the token has the PAT's user and scopes and the current lifetime. Nothing is recorded in
    /// [`Sandbox::requests`] and no rate limit applies.
    ///
    /// # Panics
    ///
    /// When `pat` is not a PAT the sandbox knows (seeded or added); revocation is ignored.
    pub fn mint_token(&self, pat: &str) -> String {
        let mut state = lock(&self.state);
        let Some(pat) = state.find_pat(pat).cloned() else {
            panic!("mint_token: the sandbox knows no such PAT; add it with Sandbox::add_pat first")
        };
        oauth::mint(
            &mut state,
            seed::CLIENT_ID,
            pat.user,
            &pat.scopes,
            SystemTime::now(),
        )
        .access_token
    }

    /// Queues a fault: the next `fault.times` requests whose path starts with `fault.path_prefix`
    /// get `fault.kind` (see [`Fault`] for the order faults are taken in).
    pub fn inject(&self, fault: Fault) {
        lock(&self.state).faults.push(fault);
    }

    /// Extra delay before every answer, on every route.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
    }

    /// Extra delay before answers on paths starting with `path_prefix`, added to the global
    /// latency. When several prefixes match, the longest one counts. `Duration::ZERO` removes it.
    pub fn set_route_latency(&self, path_prefix: &str, latency: Duration) {
        let mut state = lock(&self.state);
        state
            .route_latencies
            .retain(|(prefix, _)| prefix != path_prefix);
        if !latency.is_zero() {
            state
                .route_latencies
                .push((path_prefix.to_owned(), latency));
        }
    }

    /// The rate limit: `None` turns it off; `Some(n)` allows each API a burst of `n` requests
    /// and `n` per second after that (default `Some(10)`). Every API's allowance starts full.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        lock(&self.state).rate_limiter.set_rate(per_second);
    }

    /// Whether 429 answers carry `Retry-After: 1` (default true).
    pub fn set_retry_after(&self, enabled: bool) {
        lock(&self.state).retry_after = enabled;
    }

    /// Makes one API's successful answers change shape, so snapshot tests can see a changed shape.
    ///
    /// `path_prefix` is like `"/users/v1/lines"`. Every record in the answer gains a string field
    /// `externalId`, and a record's `name` field, where it has one, is renamed `label`. A record
    /// is an entry of `items`, of `_embedded.webinars` or of a top-level array, or else the whole
    /// body.
    pub fn set_shape_drift(&self, path_prefix: &str, enabled: bool) {
        let mut state = lock(&self.state);
        state
            .drifting_prefixes
            .retain(|prefix| prefix != path_prefix);
        if enabled {
            state.drifting_prefixes.push(path_prefix.to_owned());
        }
    }

    /// Makes every API route under `path_prefix` refuse valid tokens as GoTo does when a token
    /// lacks a scope: 403 `AUTHZ_INSUFFICIENT_SCOPE`, "The access token does not have the
    /// required scope: `scope`", in the route family's error envelope, whatever scopes the token
    /// holds. Real GoTo sometimes requires a scope the token's list did not suggest; this lets
    /// tests see that answer end to end. A missing, unknown or expired token is still refused as
    /// such first. Calling it again for the same prefix replaces the scope.
    pub fn refuse_scope(&self, path_prefix: &str, scope: &str) {
        let mut state = lock(&self.state);
        state
            .refused_scopes
            .retain(|(prefix, _)| prefix != path_prefix);
        state
            .refused_scopes
            .push((path_prefix.to_owned(), scope.to_owned()));
    }

    /// Makes every path under `path_prefix` answer as a path the sandbox does not serve: 404
    /// with the error code [`NOT_SERVED`](crate::NOT_SERVED). It stands in for a sandbox that
    /// lacks a route GoTo has, so a client's handling of that answer can be tested on a route
    /// whose real answer is known.
    pub fn stop_serving(&self, path_prefix: &str) {
        let mut state = lock(&self.state);
        if !state.unserved_prefixes.iter().any(|p| p == path_prefix) {
            state.unserved_prefixes.push(path_prefix.to_owned());
        }
    }

    /// Every request received so far, in arrival order, including ones a fault answered.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).log.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
