//! Obtaining a token, shared by `token`, `smoke`, `api` and `demo`: read the env file, reuse
//! the stored token while it is good, else exchange the PAT and write the new token back.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use goto_auth::cache::{self, Decision, ExchangeReason};
use goto_auth::config::{Config, Sources};
use goto_auth::dotenv::{self, EnvFileError};
use goto_auth::http::{HttpClient, Reach, RetryNotice};
use goto_auth::keys;
use goto_auth::secret::AccessToken;
use goto_auth::token::{self, format_instant};

use crate::report::UsageError;
use crate::ui::Ui;

/// The env file, what it and the environment say, and an HTTP client made only when needed: the
/// cached path builds none and sends nothing.
pub struct Session {
    env_file: PathBuf,
    sources: Sources,
    timeout: Duration,
    client: OnceLock<HttpClient>,
}

/// A token ready for use, and how we came by it.
#[derive(Debug, Clone)]
pub struct Obtained {
    /// The token.
    pub access_token: AccessToken,
    /// When it expires.
    pub expires_at: SystemTime,
    /// The granted scopes, space separated.
    pub scope: String,
    /// The owner's email.
    pub principal: String,
    /// Whether the stored token was reused (no request was made).
    pub reused: bool,
}

impl Obtained {
    /// Whether the token was granted `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope
            .split_whitespace()
            .any(|granted| granted == scope)
    }
}

impl Session {
    /// Reads the env file. A missing file is fine when the environment supplies every key the
    /// exchange needs (CI); the token is then written to a new file.
    pub fn open(env_file: &Path, timeout: Duration, process_env: bool) -> anyhow::Result<Session> {
        let entries = match dotenv::read_file(env_file) {
            Ok(entries) => entries,
            Err(EnvFileError::NotFound { .. }) if process_env && environment_has_credentials() => {
                Vec::new()
            }
            Err(error @ EnvFileError::NotFound { .. }) => {
                return Err(UsageError(format!(
                    "{error}: run `cargo xtask init` to create it from .env.example (or set \
                     GOTO_CLIENT_ID, GOTO_CLIENT_SECRET and GOTO_PAT in the environment)"
                ))
                .into());
            }
            Err(error) => return Err(error.into()),
        };
        let sources = if process_env {
            Sources::new(env_file, entries, |key| std::env::var(key).ok())
        } else {
            Sources::new(env_file, entries, |_| None)
        };
        Ok(Session {
            env_file: env_file.to_owned(),
            sources,
            timeout,
            client: OnceLock::new(),
        })
    }

    /// What the env file and the environment say.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The HTTP client, built on first use.
    pub fn http(&self) -> anyhow::Result<&HttpClient> {
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
        let client = HttpClient::new(self.timeout, reach)?;
        Ok(self.client.get_or_init(|| client))
    }

    /// A token: the stored one while it stays valid for 5 more minutes and was minted for these
    /// credentials, else a fresh exchange written back to the env file.
    pub fn token(&self, force: bool, ui: &Ui) -> anyhow::Result<Obtained> {
        let config = self.sources.config()?;
        let cached = self.sources.cached_token();
        match cache::decide(
            cached.as_ref(),
            &config.fingerprint(),
            SystemTime::now(),
            force,
        ) {
            Decision::Reuse => {
                let cached = cached.expect("reuse implies a cached token");
                Ok(Obtained {
                    access_token: cached.access_token,
                    expires_at: cached.expires_at.expect("reuse implies an expiry"),
                    scope: cached.scope,
                    principal: cached.principal,
                    reused: true,
                })
            }
            Decision::Exchange(reason) => self.exchange(&config, reason, ui),
        }
    }

    /// Drops the token an API just refused and exchanges once more.
    pub fn renew(&self, ui: &Ui) -> anyhow::Result<Obtained> {
        let config = self.sources.config()?;
        self.exchange(&config, ExchangeReason::Rejected, ui)
    }

    fn exchange(
        &self,
        config: &Config,
        reason: ExchangeReason,
        ui: &Ui,
    ) -> anyhow::Result<Obtained> {
        ui.step(&format!(
            "Exchanging the personal access token at {} ({reason})",
            config.token_url()
        ));
        let fresh = token::exchange(self.http()?, config, |notice: &RetryNotice| {
            ui.warn(&format!(
                "the token endpoint answered {}; retrying in {:.1} s (attempt {} of {})",
                notice.cause,
                notice.wait.as_secs_f64(),
                notice.attempt + 1,
                goto_auth::retry::MAX_ATTEMPTS
            ));
        })?;
        let entries = fresh.env_entries(config.fingerprint().as_str());
        let updates: Vec<(&str, &str)> = entries.iter().map(|(k, v)| (*k, v.as_str())).collect();
        dotenv::update_file(&self.env_file, &updates).with_context(|| {
            format!(
                "got a new token but could not store it in {}",
                self.env_file.display()
            )
        })?;
        Ok(Obtained {
            access_token: fresh.access_token,
            expires_at: fresh.expires_at,
            scope: fresh.scope,
            principal: fresh.principal,
            reused: false,
        })
    }
}

/// Whether the process environment alone holds the keys the exchange needs.
fn environment_has_credentials() -> bool {
    [keys::CLIENT_ID, keys::CLIENT_SECRET, keys::PAT]
        .iter()
        .all(|key| std::env::var(key).is_ok_and(|v| !v.is_empty()))
}

/// "in 59 min", "in 2 h 5 min", or "expired 3 min ago", for status lines.
pub fn describe_expiry(expires_at: SystemTime, now: SystemTime) -> String {
    let at = format_instant(expires_at);
    match expires_at.duration_since(now) {
        Ok(left) => format!("valid until {at} ({} left)", minutes(left)),
        Err(past) => format!("expired at {at} ({} ago)", minutes(past.duration())),
    }
}

fn minutes(duration: Duration) -> String {
    let minutes = duration.as_secs() / 60;
    match minutes {
        0 => format!("{} s", duration.as_secs()),
        1..=119 => format!("{minutes} min"),
        _ => format!("{} h {} min", minutes / 60, minutes % 60),
    }
}
