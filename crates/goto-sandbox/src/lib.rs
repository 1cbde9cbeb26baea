//! A faithful local GoTo: the OAuth token endpoint and the read-only APIs the workspace calls,
//! served over real HTTP/1.1 on 127.0.0.1, plain or over TLS.
//!
//! What it emulates, and where each route's shape comes from (a published GoTo description, the
//! answers integrators recorded, or a choice made here), is written down route by route in the
//! crate's README.md. In short:
//!
//! - `POST /oauth/token` with the Personal Access Token grant, exactly as GoTo's guide shows it,
//!   with RFC 6749 errors; `/oauth/v2/*` answers as the decommissioned host does.
//! - The SCIM, Admin, GoTo Connect, GoToWebinar and GoToMeeting GET calls of the smoke catalog,
//!   with GoTo's answer shapes, paging, error bodies, scopes ([`SCOPES`]) and rate limit.
//! - A deterministic seeded world ([`seed`]) and knobs for tests: token lifetime and expiry,
//!   latency, rate limit, injected faults ([`Fault`]), shape drift and a request log.
//! - HTTPS on request ([`Tls`]): a certificate for 127.0.0.1 and localhost from a test CA
//!   ([`TEST_CA_PEM`]), or an expired one, for testing the https path without the internet.
//!
//! One base URL serves everything, so it stands in for both the token host and the API hosts:
//!
//! ```no_run
//! let sandbox = goto_sandbox::Sandbox::start();
//! let auth_url = sandbox.base_url(); // GOTO_AUTH_URL
//! let api_url = sandbox.base_url(); // GOTO_API_URL
//! # let _ = (auth_url, api_url);
//! ```

mod answer;
mod api;
mod credentials;
mod details;
mod dispatch;
mod drift;
mod entropy;
mod faults;
mod oauth;
mod organisation;
mod paging;
mod rate_limit;
mod recording;
mod routes;
mod sandbox;
pub mod seed;
mod server;
mod state;
mod timestamps;
mod tls;

pub use answer::NOT_SERVED;
pub use credentials::{Client, Pat};
pub use faults::{Fault, FaultKind};
pub use organisation::UserId;
pub use recording::RecordedRequest;
pub use routes::SCOPES;
pub use sandbox::{Options, Sandbox};
pub use tls::{TEST_CA_PEM, Tls};
