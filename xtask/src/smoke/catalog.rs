//! The smoke calls, as data: every read-only call the sandbox serves, with the scope each needs
//! (goto-api.md §4.1) and the values it takes from earlier answers.

/// A value a call needs from an earlier call's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The account key: `urn:scim:schemas:extension:getgo:1.0.accounts[0].value` of `users_me`.
    AccountKey,
    /// The organizer key: `id` of `users_me` (the user key is the GoToWebinar organizer key).
    OrganizerKey,
}

/// A role in the GoTo account that a call needs beyond its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An account administrator: the Admin API answers everyone else 401 `not.authenticated`,
    /// whatever the token's scopes (goto-api.md §4, §6).
    AccountAdmin,
}

/// One smoke call.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// Its name, used for `--only` and as the snapshot's file name.
    pub name: &'static str,
    /// The path and query, with `{account_key}`, `{organizer_key}`, `{from}`/`{to}` (a window
    /// around now for webinars) and `{start}`/`{end}` (the last 7 days for call reports).
    pub path: &'static str,
    /// The scopes that allow it, any one of which will do; empty when any valid token will.
    pub scopes: &'static [&'static str],
    /// Values it takes from `users_me`.
    pub needs: &'static [Need],
    /// The role the token's user must have, if any. Such a call is sent after `users_me`
    /// answered, without renewing the token: a refusal then means the user lacks the role, and
    /// the call is skipped, not failed.
    pub role: Option<Role>,
    /// What it proves, for `--list`.
    pub about: &'static str,
}

/// The call whose answer supplies [`Need`]s.
pub const USERS_ME: &str = "users_me";

/// The catalog, in the order results are printed.
pub const CALLS: &[Call] = &[
    Call {
        name: USERS_ME,
        path: "/identity/v1/Users/me",
        scopes: &["identity:scim.me"],
        needs: &[],
        role: None,
        about: "SCIM: the token's user, as GoTo's PAT guide suggests",
    },
    Call {
        name: "admin_me",
        path: "/admin/rest/v1/me",
        scopes: &["identity:"],
        needs: &[],
        role: Some(Role::AccountAdmin),
        about: "Admin API: the user and accounts (admins only)",
    },
    Call {
        name: "users_lines",
        path: "/users/v1/lines",
        scopes: &["users.v1.lines.read"],
        needs: &[],
        role: None,
        about: "GoTo Connect: the user's phone lines",
    },
    Call {
        name: "users_list",
        path: "/users/v1/users?accountKey={account_key}",
        scopes: &["users.v1.read"],
        needs: &[Need::AccountKey],
        role: None,
        about: "GoTo Connect: the account's users",
    },
    Call {
        name: "phone_numbers",
        path: "/voice-admin/v1/phone-numbers?accountKey={account_key}",
        scopes: &["voice-admin.v1.read"],
        needs: &[Need::AccountKey],
        role: None,
        about: "Voice Admin: the account's phone numbers",
    },
    Call {
        name: "extensions",
        path: "/voice-admin/v1/extensions?accountKey={account_key}",
        scopes: &["voice-admin.v1.read"],
        needs: &[Need::AccountKey],
        role: None,
        about: "Voice Admin: the account's extensions",
    },
    Call {
        name: "report_summaries",
        path: "/call-events-report/v1/report-summaries?accountKey={account_key}&startTime={start}&endTime={end}",
        scopes: &["cr.v1.read"],
        needs: &[Need::AccountKey],
        role: None,
        about: "Call reports: the last 7 days' calls",
    },
    Call {
        name: "notification_channels",
        path: "/notification-channel/v1/channels",
        scopes: &[],
        needs: &[],
        role: None,
        about: "Notification channels of the token's user",
    },
    Call {
        name: "webinars",
        path: "/G2W/rest/v2/organizers/{organizer_key}/webinars?fromTime={from}&toTime={to}",
        scopes: &["collab:"],
        needs: &[Need::OrganizerKey],
        role: None,
        about: "GoToWebinar: the organizer's webinars around now",
    },
    Call {
        name: "upcoming_meetings",
        path: "/G2M/rest/upcomingMeetings",
        scopes: &["collab:"],
        needs: &[],
        role: None,
        about: "GoToMeeting: upcoming meetings",
    },
];

/// The call named `name`.
pub fn find(name: &str) -> Option<&'static Call> {
    CALLS.iter().find(|call| call.name == name)
}

/// The API a path belongs to (its first segment), the unit GoTo rate-limits.
pub fn api_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .split(['/', '?'])
        .next()
        .unwrap_or_default()
}
