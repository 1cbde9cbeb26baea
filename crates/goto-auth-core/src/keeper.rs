//! Keeping a token: which token a call goes out with, when it must be renewed first, and what a
//! rejection of it means. Pure state and decisions, shared by the blocking [`Session`] and the
//! async client, which only add the waiting and the I/O around them.
//!
//! [`Session`]: crate::Session

use std::time::{Duration, SystemTime};

use crate::secret::AccessToken;
use crate::token::Token;

/// How long before its expiry a token is renewed: no call goes out with a token that could
/// expire on the way, and GoTo's hour-long tokens are renewed once an hour, not once a call.
pub const RENEWAL_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Whether `token` may still go out at `now`. `lifetime` is how long it had to live when this
/// client minted it; a token that lives [`RENEWAL_MARGIN`] or less (which GoTo does not mint, but
/// a sandbox or a proxy may) is renewed once less than a tenth of its life is left instead, so
/// that it still serves nine calls in ten. A token read from a store has no known lifetime and
/// gets the full margin.
pub fn is_fresh(token: &Token, lifetime: Option<Duration>, now: SystemTime) -> bool {
    let margin = match lifetime {
        Some(lifetime) if lifetime <= RENEWAL_MARGIN => lifetime / 10,
        _ => RENEWAL_MARGIN,
    };
    token
        .expires_at
        .duration_since(now)
        .is_ok_and(|left| left > margin)
}

/// The token in use and what this client knows of it.
#[derive(Debug, Clone)]
struct Held {
    token: Token,
    /// How long it had to live when this client minted it; `None` when it was read from the env
    /// file or the environment.
    lifetime: Option<Duration>,
    /// Whether an API has accepted a call made with it.
    accepted: bool,
}

impl Held {
    /// A token this client minted and that no call has been accepted with yet.
    fn untried_fresh_mint(&self) -> bool {
        self.lifetime.is_some() && !self.accepted
    }
}

/// What an API's rejection of a token (a 401, or GoToWebinar's 403 `InvalidToken`) calls for.
#[derive(Debug, Clone)]
pub enum AfterRejection {
    /// Another caller renewed the token since: send the call again with this one.
    Resend(AccessToken),
    /// Drop the token, exchange the PAT once more, and send the call again.
    Renew,
    /// Return the refusal. The token was minted by this client and no call has been accepted
    /// with it: a fresh token refused points at the call (a role, an API, the host), and renewing
    /// it would only mint another token the API refuses, once per call.
    Refuse,
}

/// The token a client holds, shared by every clone of the client (behind the adapter's lock).
#[derive(Debug, Default)]
pub struct Keeper {
    held: Option<Held>,
}

impl Keeper {
    /// The token to send a call with at `now`, or `None` when one must be obtained first (none
    /// yet, or too close to its expiry).
    pub fn usable(&self, now: SystemTime) -> Option<Token> {
        self.held
            .as_ref()
            .filter(|held| is_fresh(&held.token, held.lifetime, now))
            .map(|held| held.token.clone())
    }

    /// The token held, fresh or not (to know what a renewal replaces).
    pub fn current(&self) -> Option<&Token> {
        self.held.as_ref().map(|held| &held.token)
    }

    /// Keeps `token` from now on. `minted_at` is when this client minted it (its lifetime is
    /// then known), `None` for a token read from a store.
    pub fn keep(&mut self, token: Token, minted_at: Option<SystemTime>) {
        let lifetime = minted_at.map(|at| {
            token
                .expires_at
                .duration_since(at)
                .unwrap_or(Duration::ZERO)
        });
        let accepted = self.held.as_ref().is_some_and(|held| {
            held.accepted && same(&held.token.access_token, &token.access_token)
        });
        self.held = Some(Held {
            token,
            lifetime,
            accepted,
        });
    }

    /// An API answered a call made with `token`: it is a token the APIs take.
    pub fn accepted(&mut self, token: &AccessToken) {
        if let Some(held) = &mut self.held
            && same(&held.token.access_token, token)
        {
            held.accepted = true;
        }
    }

    /// What a rejection of `rejected` calls for at `now`.
    pub fn after_rejection(&self, rejected: &AccessToken, now: SystemTime) -> AfterRejection {
        match &self.held {
            Some(held) if !same(&held.token.access_token, rejected) => {
                if is_fresh(&held.token, held.lifetime, now) {
                    AfterRejection::Resend(held.token.access_token.clone())
                } else {
                    AfterRejection::Renew
                }
            }
            Some(held) if held.untried_fresh_mint() => AfterRejection::Refuse,
            _ => AfterRejection::Renew,
        }
    }
}

/// Whether two tokens are the same, compared in constant time for equal lengths.
fn same(a: &AccessToken, b: &AccessToken) -> bool {
    let (a, b) = (a.expose_secret().as_bytes(), b.expose_secret().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Scopes;

    fn token(secret: &str, expires_at: SystemTime) -> Token {
        Token {
            access_token: AccessToken::new(secret),
            expires_at,
            scopes: Scopes::parse(""),
            principal: String::new(),
        }
    }

    const T0: SystemTime = SystemTime::UNIX_EPOCH;

    /// The decision in words, the resent token shown (these are test values, not secrets).
    fn said(decision: AfterRejection) -> String {
        match decision {
            AfterRejection::Resend(token) => format!("resend {}", token.expose_secret()),
            AfterRejection::Renew => "renew".to_owned(),
            AfterRejection::Refuse => "refuse".to_owned(),
        }
    }

    fn at(secs: u64) -> SystemTime {
        T0 + Duration::from_secs(secs)
    }

    #[test]
    fn an_hour_long_token_is_renewed_five_minutes_before_it_expires() {
        let mut keeper = Keeper::default();
        assert!(keeper.usable(T0).is_none(), "nothing held yet");
        keeper.keep(token("a", at(3600)), Some(T0));
        assert!(keeper.usable(at(3299)).is_some());
        assert!(keeper.usable(at(3300)).is_none());
    }

    #[test]
    fn a_token_read_from_a_store_gets_the_full_margin() {
        let mut keeper = Keeper::default();
        keeper.keep(token("a", at(310)), None);
        assert!(keeper.usable(at(9)).is_some());
        assert!(keeper.usable(at(10)).is_none(), "under 5 minutes left");
    }

    #[test]
    fn a_short_lived_token_serves_nine_tenths_of_its_life() {
        let mut keeper = Keeper::default();
        keeper.keep(token("a", at(60)), Some(T0));
        assert!(keeper.usable(at(53)).is_some());
        assert!(keeper.usable(at(54)).is_none(), "less than a tenth left");
    }

    #[test]
    fn a_fresh_mint_refused_before_any_success_is_not_renewed() {
        let mut keeper = Keeper::default();
        keeper.keep(token("a", at(3600)), Some(T0));
        let a = AccessToken::new("a");
        assert_eq!(said(keeper.after_rejection(&a, T0)), "refuse");
        keeper.accepted(&a);
        assert_eq!(said(keeper.after_rejection(&a, T0)), "renew");
    }

    #[test]
    fn a_stored_token_refused_is_renewed_and_its_replacement_is_not() {
        let mut keeper = Keeper::default();
        keeper.keep(token("stored", at(3600)), None);
        let stored = AccessToken::new("stored");
        assert_eq!(said(keeper.after_rejection(&stored, T0)), "renew");
        keeper.keep(token("new", at(3600)), Some(T0));
        // A caller that was refused with the old token resends with the new one.
        assert_eq!(said(keeper.after_rejection(&stored, T0)), "resend new");
        assert_eq!(
            said(keeper.after_rejection(&AccessToken::new("new"), T0)),
            "refuse"
        );
    }

    #[test]
    fn every_wave_of_rejections_after_a_success_renews_again() {
        let mut keeper = Keeper::default();
        for (n, secret) in ["one", "two", "three"].into_iter().enumerate() {
            keeper.keep(token(secret, at(3600)), Some(T0));
            let held = AccessToken::new(secret);
            keeper.accepted(&held);
            assert_eq!(said(keeper.after_rejection(&held, T0)), "renew", "wave {n}");
        }
    }

    #[test]
    fn only_the_token_held_is_marked_accepted() {
        let mut keeper = Keeper::default();
        keeper.keep(token("new", at(3600)), Some(T0));
        keeper.accepted(&AccessToken::new("old"));
        assert_eq!(
            said(keeper.after_rejection(&AccessToken::new("new"), T0)),
            "refuse"
        );
    }
}
