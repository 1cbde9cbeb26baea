//! The token cache decision: reuse the token stored in the env file, or exchange again.
//!
//! The decision is a pure function of the stored token, the current configuration's
//! fingerprint and the clock, so every branch is unit-tested without a server.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::config::{Config, Sources};
use crate::keys;
use crate::secret::{AccessToken, PersonalAccessToken};
use crate::token::{Scopes, Token, parse_instant};
use crate::url::BaseUrl;

/// A stored token is reused only while it stays valid for at least this long, so a command
/// that starts with it does not see it expire halfway (the same promise `az` makes).
pub const REUSE_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A short one-way fingerprint of the client id, PAT and token host a token was minted for, so
/// that a new PAT or client is never served the old one's token. It is a truncated SHA-256:
/// it tells configurations apart, and reveals nothing usable about the PAT.
#[derive(Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of one configuration.
    pub fn of(client_id: &str, pat: &PersonalAccessToken, auth_url: &BaseUrl) -> Fingerprint {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        for part in [
            "goto-auth minted-for v1",
            client_id,
            pat.expose_secret(),
            auth_url.as_str(),
        ] {
            context.update(&(part.len() as u64).to_be_bytes());
            context.update(part.as_bytes());
        }
        let digest = context.finish();
        let hex: String = digest.as_ref()[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Fingerprint(format!("v1-{hex}"))
    }

    /// The fingerprint of the configuration the exchange uses.
    pub fn of_config(config: &Config) -> Fingerprint {
        Fingerprint::of(&config.client_id, &config.pat, &config.auth_url)
    }

    /// The text stored in `GOTO_TOKEN_MINTED_FOR`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.0)
    }
}

/// Why a token is exchanged rather than reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeReason {
    /// `--force`.
    Forced,
    /// The file holds no token.
    NoToken,
    /// The stored expiry is missing or unreadable.
    UnknownExpiry,
    /// The token has expired, this long ago.
    Expired {
        /// How long ago it expired.
        ago: Duration,
    },
    /// The token is still valid but expires within [`REUSE_MARGIN`].
    Expiring,
    /// The token was minted for another client id, PAT or host.
    OtherCredentials,
    /// An API refused the token (401), so it is dropped.
    Rejected,
}

impl fmt::Display for ExchangeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ExchangeReason::Expired { ago } = self {
            return write!(
                f,
                "the stored token expired {} ago",
                crate::time::human_duration(*ago)
            );
        }
        f.write_str(match self {
            ExchangeReason::Forced => "--force was given",
            ExchangeReason::NoToken => "the env file holds no token yet",
            ExchangeReason::UnknownExpiry => "the stored token's expiry is missing or unreadable",
            ExchangeReason::Expiring => "the stored token expires within 5 minutes",
            ExchangeReason::Expired { .. } => unreachable!("written above"),
            ExchangeReason::OtherCredentials => {
                "the stored token was minted for another client, PAT or token host"
            }
            ExchangeReason::Rejected => "the API rejected the stored token",
        })
    }
}

/// Reuse or exchange.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Hand out the stored token; no request.
    Reuse(Token),
    /// Exchange the PAT, for this reason.
    Exchange(ExchangeReason),
}

/// Decides whether the token stored in the env file (token keys are read from the file alone)
/// may be reused at `now`, and reads it back if so.
pub fn decide(
    sources: &Sources,
    fingerprint: &Fingerprint,
    now: SystemTime,
    force: bool,
) -> Decision {
    if force {
        return Decision::Exchange(ExchangeReason::Forced);
    }
    let Some(access_token) = sources.file_value(keys::ACCESS_TOKEN) else {
        return Decision::Exchange(ExchangeReason::NoToken);
    };
    if sources.file_value(keys::TOKEN_MINTED_FOR) != Some(fingerprint.as_str()) {
        return Decision::Exchange(ExchangeReason::OtherCredentials);
    }
    let Some(expires_at) = sources
        .file_value(keys::ACCESS_TOKEN_EXPIRES_AT)
        .and_then(parse_instant)
    else {
        return Decision::Exchange(ExchangeReason::UnknownExpiry);
    };
    if let Ok(ago) = now.duration_since(expires_at) {
        return Decision::Exchange(ExchangeReason::Expired { ago });
    }
    if expires_at < now + REUSE_MARGIN {
        return Decision::Exchange(ExchangeReason::Expiring);
    }
    Decision::Reuse(Token {
        access_token: AccessToken::new(access_token),
        expires_at,
        scopes: Scopes::parse(sources.file_value(keys::TOKEN_SCOPE).unwrap_or_default()),
        principal: sources
            .file_value(keys::TOKEN_PRINCIPAL)
            .unwrap_or_default()
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(pat: &str) -> Fingerprint {
        let url = BaseUrl::parse("GOTO_AUTH_URL", "https://authentication.logmeininc.com").unwrap();
        Fingerprint::of("client", &PersonalAccessToken::new(pat), &url)
    }

    fn stored(expires_in: Option<u64>, minted_for: &Fingerprint, now: SystemTime) -> Sources {
        let mut file = vec![
            ("GOTO_ACCESS_TOKEN".to_owned(), "t".to_owned()),
            (
                "GOTO_TOKEN_SCOPE".to_owned(),
                "identity:scim.me collab:".to_owned(),
            ),
            (
                "GOTO_TOKEN_PRINCIPAL".to_owned(),
                "a@example.test".to_owned(),
            ),
            (
                "GOTO_TOKEN_MINTED_FOR".to_owned(),
                minted_for.as_str().to_owned(),
            ),
        ];
        if let Some(secs) = expires_in {
            let at = crate::token::format_instant(now + Duration::from_secs(secs));
            file.push(("GOTO_ACCESS_TOKEN_EXPIRES_AT".to_owned(), at));
        }
        Sources::new(std::path::Path::new(".env"), file, |_| None)
    }

    /// The decision, with a reused token reduced to what the tests compare.
    fn reason(decision: Decision) -> Option<ExchangeReason> {
        match decision {
            Decision::Reuse(token) => {
                assert_eq!(token.access_token.expose_secret(), "t");
                assert!(token.scopes.contains("collab:"));
                assert_eq!(token.principal, "a@example.test");
                None
            }
            Decision::Exchange(reason) => Some(reason),
        }
    }

    #[test]
    fn reuse_needs_same_credentials_and_five_minutes() {
        // Whole seconds, as the env file stores instants.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mine = fingerprint("pat-1");
        let decide_for = |sources: &Sources| reason(decide(sources, &mine, now, false));
        assert_eq!(decide_for(&stored(Some(3600), &mine, now)), None);
        assert_eq!(decide_for(&stored(Some(301), &mine, now)), None);
        assert_eq!(
            decide_for(&stored(Some(299), &mine, now)),
            Some(ExchangeReason::Expiring)
        );
        // Expired six years ago: said as such, not as "expires within 5 minutes".
        let six_years = Duration::from_secs(6 * 366 * 86_400);
        let expired = Sources::new(
            std::path::Path::new(".env"),
            [
                ("GOTO_ACCESS_TOKEN", "t".to_owned()),
                ("GOTO_TOKEN_MINTED_FOR", mine.as_str().to_owned()),
                (
                    "GOTO_ACCESS_TOKEN_EXPIRES_AT",
                    crate::token::format_instant(now - six_years),
                ),
            ]
            .map(|(k, v)| (k.to_owned(), v))
            .to_vec(),
            |_| None,
        );
        let decided = decide_for(&expired);
        assert_eq!(decided, Some(ExchangeReason::Expired { ago: six_years }));
        assert_eq!(
            decided.unwrap().to_string(),
            "the stored token expired 6 years ago"
        );
        assert_eq!(
            decide_for(&stored(None, &mine, now)),
            Some(ExchangeReason::UnknownExpiry)
        );
        assert_eq!(
            decide_for(&stored(Some(3600), &fingerprint("pat-2"), now)),
            Some(ExchangeReason::OtherCredentials)
        );
        assert_eq!(
            reason(decide(&stored(Some(3600), &mine, now), &mine, now, true)),
            Some(ExchangeReason::Forced)
        );
        let empty = Sources::new(std::path::Path::new(".env"), Vec::new(), |_| None);
        assert_eq!(
            reason(decide(&empty, &mine, now, false)),
            Some(ExchangeReason::NoToken)
        );
    }

    #[test]
    fn fingerprint_is_short_and_hides_the_pat() {
        let print = fingerprint("a-very-secret-pat");
        assert_eq!(print.as_str().len(), 19);
        assert!(print.as_str().starts_with("v1-"));
        assert!(!print.as_str().contains("secret"));
        assert_ne!(print, fingerprint("another-pat"));
    }
}
