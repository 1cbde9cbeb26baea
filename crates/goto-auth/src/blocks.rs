//! The building blocks beneath [`GoTo`](crate::GoTo), for programs that need more than it
//! offers: the workspace's own `cargo xtask` is built on them. An application rarely needs
//! this module; nothing here is a second way to reach GoTo, only the parts of the one way.
//!
//! - [`Session`]: the blocking engine itself, with its caller-facing hooks: [`Notices`] (what a
//!   command line tells a person about exchanges, retries and renewals), [`Pace`] and
//!   [`Renewal`] (how smoke's concurrent calls are spaced, and which of them may renew a
//!   refused token), [`Session::token`] with `--force` and its [`Provenance`], and raw
//!   [`Answer`]s with their typed [`CallError`]s.
//! - Configuration as the xtask reads it: [`Sources`] (env file and environment, with the
//!   [`Origin`] of each value), [`keys`], [`BaseUrl`], and the token's [`Fingerprint`].
//! - The lossless `.env` editor ([`update_file`], [`read_file`]) and its errors.
//! - Text: [`inert`] (a server's text made safe for a terminal), instants and durations.
//! - [`connect`]: the HTTP transport (reqwest on rustls), and [`on_runtime_thread`].

pub use goto_auth_core::paging;
pub use goto_auth_core::retry;
pub use goto_auth_core::{
    Answer, BaseUrl, CallError, ConfigError, Connect, EnvFileError, ExchangeError, ExchangeReason,
    Fingerprint, ForeignLine, GETGO_API_URL, GOTO_CONNECT_API_URL, Notices, Origin, Pace,
    Provenance, Renewal, RetryNotice, Scopes, Session, SessionError, Sources, Token, TokenStore,
    TransportError, UnportableValue, UrlError, format_instant, human_duration, inert, keys,
    kind_name, must_escape, parse_instant, percent_encode, random_u64, read_env_file, read_file,
    update_file,
};
pub use goto_http::{connect, on_runtime_thread};

/// Notices that go nowhere: the engine logs every exchange, renewal and retry through the `log`
/// facade itself, so an application needs no other channel.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogOnly;

impl Notices for LogOnly {
    fn exchanging(&self, _token_url: &str, _reason: ExchangeReason) {}
    fn retrying(&self, _target: &str, _notice: &RetryNotice) {}
    fn renewing(&self) {}
}
