//! What one call's result means for the run, as a pure function: an answer, a skip for a reason
//! about the account or the server (a missing scope, a missing role, a path the sandbox does not
//! serve), or a failure with GoTo's message.

use goto_auth::blocks::{Answer, CallError, Renewal};

use super::catalog::Call;

/// What came back from one call.
#[derive(Debug)]
pub enum Reply {
    /// A 2xx JSON answer, the only kind compared with a snapshot.
    Answered {
        /// The status.
        status: u16,
        /// The body.
        body: serde_json::Value,
    },
    /// The call did not run, for this reason.
    Skipped(String),
    /// The call ran, and the answer says it cannot run here for a reason about the account or
    /// the server, not the API: the token lacks the scope (GoTo's own 403
    /// `AUTHZ_INSUFFICIENT_SCOPE`), the user lacks the call's role, or the sandbox does not
    /// serve the path. Judged as skipped, with the status.
    Declined {
        /// The status of the answer.
        status: u16,
        /// Why, in words.
        reason: String,
    },
    /// No usable answer.
    Failed {
        /// The status, when an answer came.
        status: Option<u16>,
        /// What went wrong.
        detail: String,
    },
}

/// The error code the sandbox answers a path it does not serve with (404, documented in its
/// README). It is the sandbox's own, so a proxy's or GoTo's plain 404 is never mistaken for it:
/// a call GoTo has and the sandbox lacks is skipped against the sandbox and runs against GoTo.
pub const SANDBOX_NOT_SERVED: &str = "SANDBOX_NOT_SERVED";

/// How `call` went, from the session's `result`. `renewal` is `Never` for a call with a role
/// sent after `users_me` answered: a refusal then comes from a good token.
pub fn reply(call: &Call, result: Result<Answer, CallError>, renewal: Renewal) -> Reply {
    let error = match result {
        Ok(Answer {
            status,
            json: Some(body),
        }) => return Reply::Answered { status, body },
        Ok(Answer { status, json: None }) => {
            return Reply::Failed {
                status: Some(status),
                detail: "the answer has no body".into(),
            };
        }
        Err(error) => error,
    };
    match error {
        CallError::InsufficientScope { status, .. } => Reply::Declined {
            status,
            reason: error.detail(),
        },
        CallError::Refused {
            status, summary, ..
        } if status == 404 && error_code(&summary) == SANDBOX_NOT_SERVED => Reply::Declined {
            status,
            reason: "not served by the sandbox".into(),
        },
        CallError::Refused {
            status, summary, ..
        } if renewal == Renewal::Never => match call.role {
            // Only the role's own refusal is a skip: any other code (a suspended account, …)
            // is a failure, with GoTo's words and no advice about renewing a token that is good.
            Some(role)
                if status == role.refused_status && error_code(&summary) == role.refused_code =>
            {
                Reply::Declined {
                    status,
                    reason: format!("needs {}", role.who),
                }
            }
            _ => Reply::Failed {
                status: Some(status),
                detail: summary,
            },
        },
        error => Reply::Failed {
            status: error.status(),
            detail: error.detail(),
        },
    }
}

/// The error code of a refusal's summary (`CODE: message`, or the code alone).
fn error_code(summary: &str) -> &str {
    summary
        .split_once(": ")
        .map_or(summary, |(code, _)| code)
        .trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smoke::catalog::find;

    fn refused(status: u16, summary: &str) -> Result<Answer, CallError> {
        Err(CallError::Refused {
            method: "GET".into(),
            path: "/x".into(),
            status,
            summary: summary.into(),
            hint: None,
        })
    }

    fn describe(reply: Reply) -> String {
        match reply {
            Reply::Answered { status, .. } => format!("answered {status}"),
            Reply::Skipped(reason) => format!("skipped: {reason}"),
            Reply::Declined { status, reason } => format!("declined {status}: {reason}"),
            Reply::Failed { status, detail } => format!("failed {status:?}: {detail}"),
        }
    }

    /// The sandbox's code is the one the sandbox sends.
    #[test]
    fn the_code_is_the_sandboxs() {
        assert_eq!(SANDBOX_NOT_SERVED, goto_sandbox::NOT_SERVED);
    }

    #[test]
    fn only_the_sandboxs_own_404_is_a_skip() {
        let call = find("meeting").unwrap();
        let sandbox = refused(
            404,
            "SANDBOX_NOT_SERVED: The GoTo sandbox does not serve GET /x.",
        );
        assert_eq!(
            describe(reply(call, sandbox, Renewal::Allowed)),
            "declined 404: not served by the sandbox"
        );
        for other in [
            "NOT_FOUND: No route",
            "404 Not Found nginx",
            "NotFound: Meeting 1",
        ] {
            let described = describe(reply(call, refused(404, other), Renewal::Allowed));
            assert_eq!(described, format!("failed Some(404): {other}"));
        }
    }

    /// Issue #19, case 6: only the Admin API's 401 `not.authenticated` after `users_me`
    /// answered is a missing role.
    #[test]
    fn only_the_roles_own_refusal_is_a_skip() {
        let admin = find("admin_me").unwrap();
        let role = refused(401, "not.authenticated: not.authenticated");
        assert_eq!(
            describe(reply(admin, role, Renewal::Never)),
            "declined 401: needs an account administrator"
        );
        for (status, summary) in [
            (401, "ACCOUNT_SUSPENDED: The account is suspended"),
            (403, "ACCOUNT_SUSPENDED: The account is suspended"),
            (403, "not.authenticated: not.authenticated"),
            (401, "AUTHN_INVALID_TOKEN: The access token is not valid."),
        ] {
            let described = describe(reply(admin, refused(status, summary), Renewal::Never));
            assert_eq!(described, format!("failed Some({status}): {summary}"));
        }
        // Without users_me's answer, the token itself may be at fault: the session's own
        // failure (after its renewal) stands.
        let before = describe(reply(
            admin,
            refused(401, "not.authenticated"),
            Renewal::Allowed,
        ));
        assert!(before.starts_with("failed Some(401)"), "{before}");
    }
}
