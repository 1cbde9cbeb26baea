//! The core of the workspace: configuration, secrets, the PAT exchange, the token cache, the
//! authenticated call and the lossless `.env` editor.
//!
//! This crate never prints, and reads the process environment in one place only: while
//! [`read_file`] reads the env file, dotenvy expands an unquoted or double-quoted value's `$NAME`
//! from the environment (else from a key defined earlier in the file). Everything else the
//! caller hands in ([`Sources::new`] takes an environment lookup, a [`Session`] tells its
//! [`Notices`] what happens), so the caller alone decides what a user sees. Secrets live in the
//! secret types ([`ClientSecret`], [`PersonalAccessToken`], [`AccessToken`]), which have no
//! `Display`, and every text built from a server's answer goes through a [`Redactor`].
//!
//! The flow of `cargo xtask token`: [`read_file`] → [`Sources`] → [`Session::token`], which
//! makes the cache decision and, when it says so, the exchange ([`token_request`], sent by an
//! [`HttpClient`] through a [`Transport`], read by [`parse_token_response`]) and writes the token with [`update_file`].
//! [`Session::call`] is one authenticated API call with that token.

#![warn(missing_docs)]

mod api;
mod cache;
mod config;
mod dotenv;
mod error;
mod exchange;
mod http;
mod inert;
mod keeper;
pub mod keys;
pub mod paging;
mod random;
mod redact;
pub mod retry;
mod secret;
mod session;
#[cfg(feature = "async")]
mod session_async;
mod store;
mod time;
mod token;
mod url;

pub use api::{Answer, check_path, read_answer};
pub use api::{api_request, percent_encode};
pub use cache::{Decision, ExchangeReason, Fingerprint, decide};
pub use config::{Config, Origin, Sources};
pub use dotenv::{
    EditError, EnvFile, EnvFileError, ForeignLine, LockedEnvFile, ParseHint, UnportableValue,
    Written, edit, kind_name, read as read_env_file, read_file, render_value, update_file,
};
pub use error::{CallError, Error, SessionError};
pub use error::{ConfigError, ExchangeError, OAuthErrorCode, TransportError, UrlError};
pub use exchange::{exchange, parse_token_response, token_request};
pub use http::{
    Attempts, Connect, HttpClient, HttpRequest, HttpResponse, MAX_BODY_BYTES, Reach, RetryNotice,
    Transport,
};
pub use inert::{inert, must_escape};
pub use keeper::{AfterRejection, Keeper, RENEWAL_MARGIN, is_fresh};
pub use random::random_u64;
pub use redact::Redactor;
pub use secret::{AccessToken, ClientSecret, PersonalAccessToken};
pub use session::{Notices, Pace, Provenance, Renewal, Session};
#[cfg(feature = "async")]
pub use session_async::{AsyncConnect, AsyncSession, AsyncTransport, Sending};
pub use store::TokenStore;
pub use time::human_duration;
pub use token::{Scopes, Token, format_instant, parse_instant};
pub use url::{BaseUrl, GETGO_API_URL, GOTO_CONNECT_API_URL};
