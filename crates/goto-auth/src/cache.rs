//! The token cache decision: reuse the token stored in the env file, or exchange again.
//!
//! The decision is a pure function of the stored token, the current configuration's
//! fingerprint and the clock, so every branch is unit-tested without a server.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::secret::{AccessToken, PersonalAccessToken};
use crate::url::BaseUrl;

/// A stored token is reused only while it stays valid for at least this long, so a command
/// that starts with it does not see it expire halfway (the same promise `az` makes).
pub const REUSE_MARGIN: Duration = Duration::from_secs(5 * 60);

/// A token as the env file stores it.
#[derive(Debug, Clone)]
pub struct CachedToken {
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires; `None` when the file's value is missing or unreadable.
    pub expires_at: Option<SystemTime>,
    /// The granted scopes, space separated.
    pub scope: String,
    /// The token owner's email.
    pub principal: String,
    /// The fingerprint of what it was minted for.
    pub minted_for: Option<String>,
}

impl CachedToken {
    /// Whether the token is still valid at `now` (with no margin), for `status`.
    pub fn is_valid_at(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|at| at > now)
    }
}

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
    /// The token has expired or expires within [`REUSE_MARGIN`].
    Expiring,
    /// The token was minted for another client id, PAT or host.
    OtherCredentials,
    /// An API refused the token (401), so it is dropped.
    Rejected,
}

impl fmt::Display for ExchangeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExchangeReason::Forced => "--force was given",
            ExchangeReason::NoToken => "the env file holds no token yet",
            ExchangeReason::UnknownExpiry => "the stored token's expiry is missing or unreadable",
            ExchangeReason::Expiring => "the stored token expires within 5 minutes",
            ExchangeReason::OtherCredentials => {
                "the stored token was minted for another client, PAT or token host"
            }
            ExchangeReason::Rejected => "the API rejected the stored token",
        })
    }
}

/// Reuse or exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Hand out the stored token; no request.
    Reuse,
    /// Exchange the PAT, for this reason.
    Exchange(ExchangeReason),
}

impl Decision {
    /// Whether the stored token is reused.
    pub fn is_reuse(self) -> bool {
        self == Decision::Reuse
    }
}

/// Decides whether the stored token may be reused at `now`.
pub fn decide(
    cached: Option<&CachedToken>,
    fingerprint: &Fingerprint,
    now: SystemTime,
    force: bool,
) -> Decision {
    if force {
        return Decision::Exchange(ExchangeReason::Forced);
    }
    let Some(cached) = cached else {
        return Decision::Exchange(ExchangeReason::NoToken);
    };
    if cached.minted_for.as_deref() != Some(fingerprint.as_str()) {
        return Decision::Exchange(ExchangeReason::OtherCredentials);
    }
    let Some(expires_at) = cached.expires_at else {
        return Decision::Exchange(ExchangeReason::UnknownExpiry);
    };
    if expires_at < now + REUSE_MARGIN {
        return Decision::Exchange(ExchangeReason::Expiring);
    }
    Decision::Reuse
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(pat: &str) -> Fingerprint {
        let url = BaseUrl::parse("GOTO_AUTH_URL", "https://authentication.logmeininc.com").unwrap();
        Fingerprint::of("client", &PersonalAccessToken::new(pat), &url)
    }

    fn cached(expires_in: Option<u64>, minted_for: &Fingerprint, now: SystemTime) -> CachedToken {
        CachedToken {
            access_token: AccessToken::new("t"),
            expires_at: expires_in.map(|secs| now + Duration::from_secs(secs)),
            scope: "identity:scim.me collab:".into(),
            principal: "a@example.test".into(),
            minted_for: Some(minted_for.as_str().to_owned()),
        }
    }

    #[test]
    fn reuse_needs_same_credentials_and_five_minutes() {
        let now = SystemTime::now();
        let mine = fingerprint("pat-1");
        let decide_for = |token: &CachedToken| decide(Some(token), &mine, now, false);
        assert_eq!(decide_for(&cached(Some(3600), &mine, now)), Decision::Reuse);
        assert_eq!(decide_for(&cached(Some(301), &mine, now)), Decision::Reuse);
        assert_eq!(
            decide_for(&cached(Some(299), &mine, now)),
            Decision::Exchange(ExchangeReason::Expiring)
        );
        assert_eq!(
            decide_for(&cached(None, &mine, now)),
            Decision::Exchange(ExchangeReason::UnknownExpiry)
        );
        assert_eq!(
            decide_for(&cached(Some(3600), &fingerprint("pat-2"), now)),
            Decision::Exchange(ExchangeReason::OtherCredentials)
        );
        assert_eq!(
            decide(Some(&cached(Some(3600), &mine, now)), &mine, now, true),
            Decision::Exchange(ExchangeReason::Forced)
        );
        assert_eq!(
            decide(None, &mine, now, false),
            Decision::Exchange(ExchangeReason::NoToken)
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
