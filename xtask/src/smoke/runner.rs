//! Scheduling only: every selected call on its own thread, calls that need `users_me`'s keys
//! waiting for them, paced per host and per API by `pacer`. The calls themselves (retries, a renewed token,
//! typed failures) are the session's.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use goto_auth::blocks::{CallError, Renewal, Scopes, Session, format_instant, percent_encode};

use super::catalog::{Call, Need, Role, USERS_ME};
use super::pacer::{Pacer, relock};

/// How one call went, before its answer is judged against a snapshot.
#[derive(Debug)]
pub struct Ran {
    /// The call.
    pub call: &'static Call,
    /// Time on the wire.
    pub elapsed: Duration,
    /// What came back.
    pub reply: Reply,
}

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
    /// GoTo declined the call for a reason about the account, not the API: the token lacks
    /// the scope (GoTo's own 403 `AUTHZ_INSUFFICIENT_SCOPE`), or the user lacks the role the
    /// call needs. Judged as skipped, with GoTo's status.
    Declined {
        /// The status GoTo answered with.
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

/// The values later calls take from `users_me`.
#[derive(Debug, Clone, Default)]
struct Keys {
    account_key: Option<String>,
    organizer_key: Option<String>,
    /// Why they are missing, when `users_me` did not give them.
    missing_because: Option<String>,
    /// `users_me` was answered: the session's token is good, so a call that needs a role and
    /// is refused was refused for the role.
    token_answered: bool,
}

/// Runs calls concurrently through one session.
pub struct Runner<'s> {
    session: &'s Session,
    scopes: Scopes,
    keys: (Mutex<Option<Keys>>, Condvar),
    pacer: Pacer,
    /// The date windows the report and webinar calls ask for, fixed once per run.
    windows: [(&'static str, String); 4],
}

impl<'s> Runner<'s> {
    /// A runner for calls with a token granted `scopes`.
    pub fn new(session: &'s Session, scopes: Scopes) -> Self {
        let now = SystemTime::now();
        let day = Duration::from_secs(24 * 3600);
        Runner {
            session,
            scopes,
            keys: (Mutex::new(None), Condvar::new()),
            pacer: Pacer::default(),
            windows: [
                ("{start}", format_instant(now - 7 * day)),
                ("{end}", format_instant(now)),
                ("{from}", format_instant(now - 14 * day)),
                ("{to}", format_instant(now + 14 * day)),
            ],
        }
    }

    /// Runs `calls`, each on its own thread, and returns how each went, in the same order. A
    /// panic in a call is a bug: it is not caught, so its message shows and the run stops.
    pub fn run(&self, calls: &[&'static Call]) -> Vec<Ran> {
        if !calls.iter().any(|call| call.name == USERS_ME) {
            self.publish_keys(Keys::default());
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = calls
                .iter()
                .map(|&call| scope.spawn(move || self.run_one(call)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    fn run_one(&self, call: &'static Call) -> Ran {
        let (elapsed, reply) = self.attempt(call);
        if call.name == USERS_ME {
            self.publish_keys(keys_from(&reply));
        }
        Ran {
            call,
            elapsed,
            reply,
        }
    }

    fn attempt(&self, call: &'static Call) -> (Duration, Reply) {
        let scopes = call.scopes();
        if !scopes.is_empty() && !self.scopes.contains_any(scopes) {
            let reason = format!("the token lacks the scope {}", scopes.join(" or "));
            return (Duration::ZERO, Reply::Skipped(reason));
        }
        let path = match self.fill_path(call) {
            Ok(path) => path,
            Err(reason) => return (Duration::ZERO, Reply::Skipped(reason)),
        };
        // A call that needs a role goes after `users_me`. When that was answered, the token is
        // good: a refusal is about the role, and renewing the token would change nothing.
        let renewal = if call.role.is_some() && self.wait_for_keys().token_answered {
            Renewal::Never
        } else {
            Renewal::Allowed
        };
        let (result, elapsed) = self
            .session
            .call_paced("GET", &path, None, &self.pacer, renewal);
        let reply = match result {
            Ok(answer) => match answer.json {
                Some(body) => Reply::Answered {
                    status: answer.status,
                    body,
                },
                None => Reply::Failed {
                    status: Some(answer.status),
                    detail: "the answer has no body".into(),
                },
            },
            Err(error @ CallError::InsufficientScope { status, .. }) => Reply::Declined {
                status,
                reason: error.detail(),
            },
            Err(CallError::Refused { status, .. })
                if renewal == Renewal::Never && matches!(status, 401 | 403) =>
            {
                Reply::Declined {
                    status,
                    reason: role_reason(call.role),
                }
            }
            Err(error) => Reply::Failed {
                status: error.status(),
                detail: error.detail(),
            },
        };
        (elapsed, reply)
    }

    fn fill_path(&self, call: &Call) -> Result<String, String> {
        let mut path = call.path.to_owned();
        if !call.needs.is_empty() {
            let keys = self.wait_for_keys();
            for need in call.needs {
                let (placeholder, value) = match need {
                    Need::AccountKey => ("{account_key}", &keys.account_key),
                    Need::OrganizerKey => ("{organizer_key}", &keys.organizer_key),
                };
                let Some(value) = value else {
                    return Err(keys
                        .missing_because
                        .clone()
                        .unwrap_or_else(|| format!("{USERS_ME} gave no {placeholder}")));
                };
                path = path.replace(placeholder, &percent_encode(value));
            }
        }
        for (placeholder, value) in &self.windows {
            path = path.replace(placeholder, &percent_encode(value));
        }
        Ok(path)
    }

    fn publish_keys(&self, keys: Keys) {
        let (lock, ready) = &self.keys;
        *relock(lock) = Some(keys);
        ready.notify_all();
    }

    fn wait_for_keys(&self) -> Keys {
        let (lock, ready) = &self.keys;
        let guard = ready
            .wait_while(relock(lock), |keys| keys.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        guard.clone().unwrap_or_default()
    }
}

/// Why a call that needs `role` is skipped when GoTo refuses it.
fn role_reason(role: Option<Role>) -> String {
    match role {
        Some(Role::AccountAdmin) | None => "needs an account administrator".into(),
    }
}

fn keys_from(reply: &Reply) -> Keys {
    let Reply::Answered { body, .. } = reply else {
        let because = match reply {
            Reply::Skipped(reason) | Reply::Declined { reason, .. } => {
                format!("needs {USERS_ME}, which was skipped: {reason}")
            }
            _ => format!("needs {USERS_ME}, which failed"),
        };
        return Keys {
            missing_because: Some(because),
            ..Keys::default()
        };
    };
    let text = |value: Option<&serde_json::Value>| {
        value.and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
    };
    Keys {
        account_key: text(body.pointer("/urn:scim:schemas:extension:getgo:1.0/accounts/0/value")),
        organizer_key: text(body.get("id")),
        missing_because: None,
        token_answered: true,
    }
}
