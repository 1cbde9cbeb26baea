//! The smoke calls, as data: one [`Call`] entry per call, and nothing else to edit. `--only`,
//! `--list`, completions, snapshots, JUnit, JSON and the job summary all read [`CALLS`].
//!
//! A call may take values from any earlier call's answer ([`Take`]: the earlier call's name and a
//! JSON pointer into its answer). The scheduler starts it as soon as those calls have answered;
//! `plan::check` refuses an unknown name or a cycle before anything is sent. Where the shared
//! scope table ([`goto_apis::SCOPES`], which the sandbox authorizes by) knows a path, an entry
//! leaves its scopes to it ([`Scopes::Table`]); any other call names its own ([`Scopes::Any`]).

/// A value a call takes from an earlier call's answer, put into its path percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    /// The placeholder in the path, braces included: `{webinar_key}`.
    pub placeholder: &'static str,
    /// The name of the call whose answer holds the value.
    pub from: &'static str,
    /// Where in that answer (RFC 6901): `/_embedded/webinars/0/webinarKey`. A string is taken
    /// as it is, a number in its decimal form.
    pub pointer: &'static str,
}

/// `placeholder` = the value at `pointer` in the answer of the call named `from`.
pub const fn take(placeholder: &'static str, from: &'static str, pointer: &'static str) -> Take {
    Take {
        placeholder,
        from,
        pointer,
    }
}

/// The scopes that allow a call, any one of which will do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scopes {
    /// Whatever the shared scope table says for the path (it must know the path).
    Table,
    /// These, for a path the table does not know; empty when any valid token will do.
    #[allow(
        dead_code,
        reason = "every built-in call is on a path the table knows; a team's own call on another path names its scopes here"
    )]
    Any(&'static [&'static str]),
}

/// A role in the GoTo account that a call needs beyond its scope, and the answer that means
/// the token's user lacks it. A call with a role is sent after [`USERS_ME`] answered, without
/// renewing the token: only that refusal is then skipped; any other answer is judged as usual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    /// Who has the role, for the skip's reason: "needs {who}".
    pub who: &'static str,
    /// The status GoTo refuses a user without the role with.
    pub refused_status: u16,
    /// The error code of that refusal.
    pub refused_code: &'static str,
}

/// An account administrator: the Admin API answers everyone else 401 `not.authenticated`,
/// whatever the token's scopes, as GoTo's admin guides say and live tokens were seen to get.
pub const ACCOUNT_ADMIN: Role = Role {
    who: "an account administrator",
    refused_status: 401,
    refused_code: "not.authenticated",
};

/// One smoke call.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// Its name, used for `--only`, by later calls' [`Take`]s, and as the snapshot's file name.
    pub name: &'static str,
    /// The path and query. Placeholders are filled from [`Take`]s, or by the runner:
    /// `{from}`/`{to}` (a window of 14 days either side of now) and `{start}`/`{end}` (the last
    /// 7 days).
    pub path: &'static str,
    /// The values it takes from earlier answers.
    pub takes: &'static [Take],
    /// The scopes that allow it.
    pub scopes: Scopes,
    /// The role the token's user must have, if any.
    pub role: Option<Role>,
    /// What it proves, for `--list`.
    pub about: &'static str,
}

impl Call {
    /// The scopes that allow it, any one of which will do; empty when any valid token will.
    pub fn scopes(&self) -> &'static [&'static str] {
        match self.scopes {
            Scopes::Table => goto_apis::accepted_scopes(self.path),
            Scopes::Any(scopes) => scopes,
        }
    }

    /// The calls that must answer before this one is sent: those it takes values from, and
    /// [`USERS_ME`] for a call with a role (its answer tells a refusal of the role from a
    /// refusal of the token).
    pub fn sources(&self) -> Vec<&'static str> {
        let mut sources: Vec<&'static str> = self.takes.iter().map(|take| take.from).collect();
        if self.role.is_some() {
            sources.push(USERS_ME);
        }
        sources.dedup();
        sources
    }
}

/// The call whose answer proves the token works (and supplies the account and organizer keys).
pub const USERS_ME: &str = "users_me";

const ACCOUNT_KEY: Take = take(
    "{account_key}",
    USERS_ME,
    "/urn:scim:schemas:extension:getgo:1.0/accounts/0/value",
);
/// The user key is the GoToWebinar organizer key.
const ORGANIZER_KEY: Take = take("{organizer_key}", USERS_ME, "/id");

/// The catalog, in the order results are printed.
pub const CALLS: &[Call] = &[
    Call {
        name: USERS_ME,
        path: "/identity/v1/Users/me",
        takes: &[],
        scopes: Scopes::Table,
        role: None,
        about: "SCIM: the token's user, as GoTo's PAT guide suggests",
    },
    Call {
        name: "admin_me",
        path: "/admin/rest/v1/me",
        takes: &[],
        scopes: Scopes::Table,
        role: Some(ACCOUNT_ADMIN),
        about: "Admin API: the user and accounts (admins only)",
    },
    Call {
        name: "users_lines",
        path: "/users/v1/lines",
        takes: &[],
        scopes: Scopes::Table,
        role: None,
        about: "GoTo Connect: the user's phone lines",
    },
    Call {
        name: "users_list",
        path: "/users/v1/users?accountKey={account_key}",
        takes: &[ACCOUNT_KEY],
        scopes: Scopes::Table,
        role: None,
        about: "GoTo Connect: the account's users",
    },
    Call {
        name: "phone_numbers",
        path: "/voice-admin/v1/phone-numbers?accountKey={account_key}",
        takes: &[ACCOUNT_KEY],
        scopes: Scopes::Table,
        role: None,
        about: "Voice Admin: the account's phone numbers",
    },
    Call {
        name: "extensions",
        path: "/voice-admin/v1/extensions?accountKey={account_key}",
        takes: &[ACCOUNT_KEY],
        scopes: Scopes::Table,
        role: None,
        about: "Voice Admin: the account's extensions",
    },
    Call {
        name: "report_summaries",
        path: "/call-events-report/v1/report-summaries?accountKey={account_key}&startTime={start}&endTime={end}",
        takes: &[ACCOUNT_KEY],
        scopes: Scopes::Table,
        role: None,
        about: "Call reports: the last 7 days' calls",
    },
    Call {
        name: "notification_channels",
        path: "/notification-channel/v1/channels",
        takes: &[],
        scopes: Scopes::Table,
        role: None,
        about: "Notification channels of the token's user",
    },
    Call {
        name: "webinars",
        path: "/G2W/rest/v2/organizers/{organizer_key}/webinars?fromTime={from}&toTime={to}",
        takes: &[ORGANIZER_KEY],
        scopes: Scopes::Table,
        role: None,
        about: "GoToWebinar: the organizer's webinars around now",
    },
    Call {
        name: "webinar_registrants",
        path: "/G2W/rest/v2/organizers/{organizer_key}/webinars/{webinar_key}/registrants",
        takes: &[
            ORGANIZER_KEY,
            take(
                "{webinar_key}",
                "webinars",
                "/_embedded/webinars/0/webinarKey",
            ),
        ],
        scopes: Scopes::Table,
        role: None,
        about: "GoToWebinar: the registrants of the first webinar found",
    },
    Call {
        name: "upcoming_meetings",
        path: "/G2M/rest/upcomingMeetings",
        takes: &[],
        scopes: Scopes::Table,
        role: None,
        about: "GoToMeeting: upcoming meetings",
    },
    Call {
        name: "meeting",
        path: "/G2M/rest/meetings/{meeting_id}",
        takes: &[take("{meeting_id}", "upcoming_meetings", "/0/meetingId")],
        scopes: Scopes::Table,
        role: None,
        about: "GoToMeeting: the first upcoming meeting, by its id",
    },
];

/// The call named `name`.
pub fn find(name: &str) -> Option<&'static Call> {
    CALLS.iter().find(|call| call.name == name)
}

/// Every call's name, in catalog order: `--only`'s possible values and its completions.
pub fn names() -> impl Iterator<Item = &'static str> {
    CALLS.iter().map(|call| call.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in calls leave their scopes to the table the sandbox authorizes by, so every
    /// path must be in it.
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
        assert_eq!(find("meeting").unwrap().scopes(), ["collab:"]);
    }

    #[test]
    fn a_role_waits_for_users_me_and_takes_wait_for_their_calls() {
        let admin = find("admin_me").unwrap();
        assert_eq!(admin.sources(), [USERS_ME]);
        let registrants = find("webinar_registrants").unwrap();
        assert_eq!(registrants.sources(), [USERS_ME, "webinars"]);
        assert!(find("users_lines").unwrap().sources().is_empty());
    }
}
