//! GoTo's read-only API paths as data, shared by the sandbox (which authorizes requests by it)
//! and `cargo xtask smoke` (which skips a call the token has no scope for), so the two cannot
//! disagree.
//!
//! It has no dependencies and no logic beyond two lookups: the sandbox's server stack stays out
//! of the xtask's build, and this crate adds nothing measurable to it.

#![warn(missing_docs)]

/// Which scopes each API path accepts, by path prefix. A token needs any one of a path's
/// scopes; the first is the one a refusal names. An empty list means any valid token will do.
///
/// Where GoTo's sources disagree on a name, every name they give is listed:
///
/// - Report summaries (`/call-events-report/v1/report-summaries`): `cr.v1.read` is the scope
///   two live integrations use and the one GoTo's OAuth-client scope picker shows (as "call
///   history"); `call-events-report.v1.read` is the name a published third-party summary of
///   GoTo's reference gives. Either one runs the call.
/// - Notification channels (`/notification-channel/v1/channels`): GoTo's Notification Channel
///   guide names no dedicated scope and only says to use the same user and token as for the
///   subscriptions made on the channel; the same third-party summary names
///   `notification-channel.v1.read`. Since the guide requires none, any valid token runs the
///   call, which includes a token holding `notification-channel.v1.read`.
///
/// Every other name is the one GoTo's scope picker and its API guides agree on. The token
/// endpoint needs no scope and is not listed.
pub const SCOPES: &[(&str, &[&str])] = &[
    ("/identity/v1/Users/me", &["identity:scim.me"]),
    ("/admin/rest/v1/me", &["identity:"]),
    ("/users/v1/lines", &["users.v1.lines.read"]),
    ("/users/v1/users", &["users.v1.read"]),
    ("/voice-admin/v1/phone-numbers", &["voice-admin.v1.read"]),
    ("/voice-admin/v1/extensions", &["voice-admin.v1.read"]),
    (
        "/call-events-report/v1/report-summaries",
        &["cr.v1.read", "call-events-report.v1.read"],
    ),
    ("/notification-channel/v1/channels", &[]),
    ("/G2W/rest/v2/organizers/", &["collab:"]),
    ("/G2M/rest/upcomingMeetings", &["collab:"]),
    ("/G2M/rest/meetings/", &["collab:"]),
];

/// The scopes [`SCOPES`] accepts on `path` (query and all), any one of which will do; empty
/// when any valid token will do, or when the table does not know the path.
pub fn accepted_scopes(path: &str) -> &'static [&'static str] {
    SCOPES
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(&[], |(_, scopes)| *scopes)
}

/// Whether the table knows `path`.
pub fn is_listed(path: &str) -> bool {
    SCOPES.iter().any(|(prefix, _)| path.starts_with(prefix))
}

/// The API a path belongs to: its first segment (`users`, `G2W`, `oauth`, …), the unit GoTo
/// rate-limits (about 10 requests per second each), so one busy API does not slow the others.
pub fn api_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_scopes_and_api() {
        assert_eq!(
            accepted_scopes("/call-events-report/v1/report-summaries?accountKey=1"),
            ["cr.v1.read", "call-events-report.v1.read"]
        );
        assert_eq!(
            accepted_scopes("/G2W/rest/v2/organizers/42/webinars"),
            ["collab:"]
        );
        assert_eq!(accepted_scopes("/G2M/rest/meetings/318664941"), ["collab:"]);
        assert_eq!(
            accepted_scopes("/G2W/rest/v2/organizers/42/webinars/7/registrants"),
            ["collab:"]
        );
        assert!(accepted_scopes("/notification-channel/v1/channels").is_empty());
        assert!(is_listed("/notification-channel/v1/channels"));
        assert!(!is_listed("/no/such/path"));
        assert_eq!(api_of("/users/v1/users?accountKey=1"), "users");
        assert_eq!(api_of("/G2W/rest/v2/organizers/1/webinars"), "G2W");
        assert_eq!(api_of("/oauth/token"), "oauth");
        assert_eq!(api_of("/identity?x=1"), "identity");
    }
}
