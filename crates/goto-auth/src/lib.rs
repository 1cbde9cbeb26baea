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

use std::time::Duration;

pub use goto_auth_core::{AccessToken, Error, Token};

#[cfg(feature = "async")]
mod async_client;
mod blocking;
pub mod blocks;
mod builder;

#[cfg(feature = "async")]
pub use async_client::AsyncGoTo;
pub use blocking::GoTo;
pub use builder::Builder;

/// How long one HTTP attempt may take unless the builder says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
