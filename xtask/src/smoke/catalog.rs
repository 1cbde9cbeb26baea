//! The smoke calls, as data: every read-only call the sandbox serves, and the values each takes
//! from earlier answers. The scopes a call needs come from the table the sandbox authorizes by,
//! [`goto_apis::SCOPES`], whose comment says which source gave which name.

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
    /// whatever the token's scopes, as GoTo's admin guides say and live tokens were seen to get.
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
    /// Values it takes from `users_me`.
    pub needs: &'static [Need],
    /// The role the token's user must have, if any. Such a call is sent after `users_me`
    /// answered, without renewing the token: a refusal then means the user lacks the role, and
    /// the call is skipped, not failed.
    pub role: Option<Role>,
    /// What it proves, for `--list`.
    pub about: &'static str,
}

impl Call {
    /// The scopes that allow it, any one of which will do; empty when any valid token will.
    pub fn scopes(&self) -> &'static [&'static str] {
        goto_apis::accepted_scopes(self.path)
    }
}

/// The call whose answer supplies [`Need`]s.
pub const USERS_ME: &str = "users_me";

/// The catalog, in the order results are printed.
pub const CALLS: &[Call] = &[
    Call {
        name: USERS_ME,
        path: "/identity/v1/Users/me",
        needs: &[],
        role: None,
        about: "SCIM: the token's user, as GoTo's PAT guide suggests",
    },
    Call {
        name: "admin_me",
        path: "/admin/rest/v1/me",
        needs: &[],
        role: Some(Role::AccountAdmin),
        about: "Admin API: the user and accounts (admins only)",
    },
    Call {
        name: "users_lines",
        path: "/users/v1/lines",
        needs: &[],
        role: None,
        about: "GoTo Connect: the user's phone lines",
    },
    Call {
        name: "users_list",
        path: "/users/v1/users?accountKey={account_key}",
        needs: &[Need::AccountKey],
        role: None,
        about: "GoTo Connect: the account's users",
    },
    Call {
        name: "phone_numbers",
        path: "/voice-admin/v1/phone-numbers?accountKey={account_key}",
        needs: &[Need::AccountKey],
        role: None,
        about: "Voice Admin: the account's phone numbers",
    },
    Call {
        name: "extensions",
        path: "/voice-admin/v1/extensions?accountKey={account_key}",
        needs: &[Need::AccountKey],
        role: None,
        about: "Voice Admin: the account's extensions",
    },
    Call {
        name: "report_summaries",
        path: "/call-events-report/v1/report-summaries?accountKey={account_key}&startTime={start}&endTime={end}",
        needs: &[Need::AccountKey],
        role: None,
        about: "Call reports: the last 7 days' calls",
    },
    Call {
        name: "notification_channels",
        path: "/notification-channel/v1/channels",
        needs: &[],
        role: None,
        about: "Notification channels of the token's user",
    },
    Call {
        name: "webinars",
        path: "/G2W/rest/v2/organizers/{organizer_key}/webinars?fromTime={from}&toTime={to}",
        needs: &[Need::OrganizerKey],
        role: None,
        about: "GoToWebinar: the organizer's webinars around now",
    },
    Call {
        name: "upcoming_meetings",
        path: "/G2M/rest/upcomingMeetings",
        needs: &[],
        role: None,
        about: "GoToMeeting: upcoming meetings",
    },
];

/// The call named `name`.
pub fn find(name: &str) -> Option<&'static Call> {
    CALLS.iter().find(|call| call.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalog and the sandbox read one table: every call must be in it.
    #[test]
    fn every_call_is_in_the_scope_table() {
        for call in CALLS {
            assert!(goto_apis::is_listed(call.path), "{}", call.name);
        }
        let report = find("report_summaries").unwrap();
        assert_eq!(
            report.scopes(),
            ["cr.v1.read", "call-events-report.v1.read"]
        );
    }
}
