//! A usable access token, whether just minted or read back from the env file: the one type
//! every part of the flow hands around.

use std::fmt;
use std::time::SystemTime;

use crate::keys;
use crate::secret::AccessToken;

/// An access token with what GoTo said about it.
#[derive(Debug, Clone)]
pub struct Token {
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires.
    pub expires_at: SystemTime,
    /// The granted scopes.
    pub scopes: Scopes,
    /// The token owner's email (`principal`), empty when GoTo did not say.
    pub principal: String,
}

impl Token {
    /// The env-file entries `token` writes for this token.
    pub fn env_entries(&self, minted_for: &str) -> [(&'static str, String); 5] {
        [
            (
                keys::ACCESS_TOKEN,
                self.access_token.expose_secret().to_owned(),
            ),
            (
                keys::ACCESS_TOKEN_EXPIRES_AT,
                format_instant(self.expires_at),
            ),
            (keys::TOKEN_SCOPE, self.scopes.to_string()),
            (keys::TOKEN_PRINCIPAL, self.principal.clone()),
            (keys::TOKEN_MINTED_FOR, minted_for.to_owned()),
        ]
    }
}

/// The scopes a token was granted, parsed once from GoTo's space-separated `scope`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses GoTo's space-separated list; extra whitespace is ignored.
    pub fn parse(text: &str) -> Scopes {
        Scopes(text.split_whitespace().map(str::to_owned).collect())
    }

    /// Whether `scope` was granted, by exact name.
    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|granted| granted == scope)
    }

    /// Whether any of `alternatives` was granted: a call GoTo's sources document under more
    /// than one scope name runs when the token holds either.
    pub fn contains_any(&self, alternatives: &[&str]) -> bool {
        alternatives.iter().any(|scope| self.contains(scope))
    }

    /// Whether no scope was granted (or GoTo did not say).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Scopes {
    /// The scopes as GoTo writes them, space separated, as `GOTO_TOKEN_SCOPE` stores them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

/// An instant as RFC 3339 UTC with whole seconds, e.g. `2026-12-01T07:12:00Z`. Instants past
/// the year 9999, which RFC 3339 cannot write, are clamped to its last second.
pub fn format_instant(at: SystemTime) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    match write!(text, "{}", humantime::format_rfc3339_seconds(at)) {
        Ok(()) => text,
        Err(_) => "9999-12-31T23:59:59Z".to_owned(),
    }
}

/// Reads an instant written by [`format_instant`], or any RFC 3339 instant, also one with an
/// offset such as `+05:00` (normalised to UTC); `None` when the text is not one.
pub fn parse_instant(text: &str) -> Option<SystemTime> {
    crate::time::parse_instant(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_parsed_once_and_matched_exactly() {
        let scopes = Scopes::parse("  identity:scim.me   collab: cr.v1.read ");
        assert!(scopes.contains("collab:"));
        assert!(!scopes.contains("collab"));
        assert!(scopes.contains_any(&["call-events-report.v1.read", "cr.v1.read"]));
        assert!(!scopes.contains_any(&["call-events-report.v1.read"]));
        assert_eq!(scopes.to_string(), "identity:scim.me collab: cr.v1.read");
        assert!(Scopes::parse(" ").is_empty());
    }

    #[test]
    fn instants_round_trip() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000);
        assert_eq!(parse_instant(&format_instant(at)), Some(at));
        assert_eq!(parse_instant("soon"), None);
    }
}
