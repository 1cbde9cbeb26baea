//! OAuth clients and personal access tokens the token endpoint knows.

use crate::UserId;
use crate::seed;

/// An OAuth client as registered at developer.logmeininc.com/clients.
///
/// Its `Debug` output shows the id only: the secret is a credential even in a sandbox, and tests
/// elsewhere in the workspace check that secrets never reach logs.
#[derive(Clone)]
pub struct Client {
    /// The client id, sent as the user name of the token request's Basic authorization.
    pub id: String,
    /// The client secret, sent as the password of the Basic authorization.
    pub secret: String,
    /// Whether the "Personal Access Token" grant type is switched on for this client.
    pub pat_grant_enabled: bool,
    /// The scopes enabled on the client; a PAT must not hold any scope outside them.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .field("pat_grant_enabled", &self.pat_grant_enabled)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A personal access token, as a user creates one at myaccount.goto.com → Developer Tools.
///
/// Its `Debug` output redacts the value, for the same reason as [`Client`]'s.
#[derive(Clone)]
pub struct Pat {
    /// The token itself, exactly as the user would paste it.
    pub value: String,
    /// The seeded user who created the token: the `principal` of every access token minted from it.
    pub user: UserId,
    /// The scopes chosen when the token was created; they become the access token's `scope`.
    pub scopes: Vec<String>,
    /// Whether the user has revoked the token (exchanges then answer `invalid_grant`).
    pub revoked: bool,
}

impl std::fmt::Debug for Pat {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Pat")
            .field("value", &"[redacted]")
            .field("user", &self.user)
            .field("scopes", &self.scopes)
            .field("revoked", &self.revoked)
            .finish()
    }
}

fn owned(scopes: &[&str]) -> Vec<String> {
    scopes.iter().map(|scope| (*scope).to_owned()).collect()
}

/// The clients described in [`seed`]: every scope of [`seed::ALL_SCOPES`] and
/// [`seed::ALTERNATIVE_SCOPES`].
pub(crate) fn seeded_clients() -> Vec<Client> {
    let mut scopes = owned(seed::ALL_SCOPES);
    scopes.extend(owned(seed::ALTERNATIVE_SCOPES));
    vec![
        Client {
            id: seed::CLIENT_ID.to_owned(),
            secret: seed::CLIENT_SECRET.to_owned(),
            pat_grant_enabled: true,
            scopes: scopes.clone(),
        },
        Client {
            id: seed::NO_PAT_GRANT_CLIENT_ID.to_owned(),
            secret: seed::NO_PAT_GRANT_CLIENT_SECRET.to_owned(),
            pat_grant_enabled: false,
            scopes,
        },
    ]
}

/// The personal access tokens described in [`seed`].
pub(crate) fn seeded_pats() -> Vec<Pat> {
    let mut overscoped = owned(seed::ALL_SCOPES);
    overscoped.push(seed::UNGRANTED_SCOPE.to_owned());
    vec![
        Pat {
            value: seed::GUIDE_PAT.to_owned(),
            user: UserId::Admin,
            scopes: owned(seed::ALL_SCOPES),
            revoked: false,
        },
        Pat {
            value: seed::PAT.to_owned(),
            user: UserId::Admin,
            scopes: owned(seed::ALL_SCOPES),
            revoked: false,
        },
        Pat {
            value: seed::MEMBER_PAT.to_owned(),
            user: UserId::Member,
            scopes: owned(seed::ALL_SCOPES),
            revoked: false,
        },
        Pat {
            value: seed::IDENTITY_ONLY_PAT.to_owned(),
            user: UserId::Viewer,
            scopes: owned(&["identity:scim.me"]),
            revoked: false,
        },
        Pat {
            value: seed::REVOKED_PAT.to_owned(),
            user: UserId::Member,
            scopes: owned(seed::ALL_SCOPES),
            revoked: true,
        },
        Pat {
            value: seed::OVERSCOPED_PAT.to_owned(),
            user: UserId::Admin,
            scopes: overscoped,
            revoked: false,
        },
    ]
}
