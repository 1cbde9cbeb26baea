//! Scheduling only: every selected call on its own thread, each starting as soon as the calls it
//! takes values from have answered (so the critical path is the floor), paced per host and per
//! API by `pacer`. The calls themselves (retries, a renewed token, typed failures) are the
//! session's; the judging of each answer is `verdicts`'.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use goto_auth::blocks::{Renewal, Scopes, Session, format_instant, percent_encode};

use super::catalog::{Call, USERS_ME};
use super::pacer::{Pacer, Ranked, ranks, relock};
use super::plan::{self, Found};
use super::verdicts;
pub use super::verdicts::Reply;

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

/// What a finished call leaves for the calls that take values from it.
#[derive(Debug, Clone)]
enum Left {
    Answered(Arc<serde_json::Value>),
    /// No answer to take from, and why, as "was skipped: …" or "failed".
    Nothing(String),
}

/// Runs calls concurrently through one session.
pub struct Runner<'s> {
    session: &'s Session,
    scopes: Scopes,
    /// Each finished call's answer, by name, and a signal for the calls waiting on them.
    board: (Mutex<HashMap<&'static str, Left>>, Condvar),
    pacer: Pacer,
    /// Each selected call's rank for the pacer: the longest chain of calls waiting on it.
    ranks: HashMap<&'static str, usize>,
    /// The date windows the report and webinar calls ask for, fixed once per run.
    windows: [(&'static str, String); 4],
}

impl<'s> Runner<'s> {
    /// A runner for calls with a token granted `scopes`.
    pub fn new(session: &'s Session, scopes: Scopes) -> Self {
        let now = SystemTime::now();
        let day = Duration::from_secs(24 * 3600);
        let [start, end, from, to] = plan::WINDOWS;
        Runner {
            session,
            scopes,
            board: (Mutex::new(HashMap::new()), Condvar::new()),
            pacer: Pacer::default(),
            ranks: HashMap::new(),
            windows: [
                (start, format_instant(now - 7 * day)),
                (end, format_instant(now)),
                (from, format_instant(now - 14 * day)),
                (to, format_instant(now + 14 * day)),
            ],
        }
    }

    /// Runs `calls` (a checked catalog's selection: every call they take values from is among
    /// them), each on its own thread, and returns how each went, in the same order. A panic in
    /// a call is a bug: it is not caught, so its message shows and the run stops.
    pub fn run(&mut self, calls: &[&'static Call]) -> Vec<Ran> {
        self.ranks = ranks(calls);
        self.run_ranked(calls)
    }

    fn run_ranked(&self, calls: &[&'static Call]) -> Vec<Ran> {
        for call in calls {
            for source in call.sources() {
                if !calls.iter().any(|c| c.name == source) {
                    self.publish(source, Left::Nothing("was not selected".into()));
                }
            }
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
        // Whatever happens here, the calls waiting on this one must hear of it.
        let mut guard = Publish {
            runner: self,
            name: call.name,
            left: Left::Nothing("failed".into()),
        };
        let (elapsed, reply) = self.attempt(call);
        guard.left = match &reply {
            Reply::Answered { body, .. } => Left::Answered(Arc::new(body.clone())),
            Reply::Skipped(reason) | Reply::Declined { reason, .. } => {
                Left::Nothing(format!("was skipped: {reason}"))
            }
            Reply::Failed { .. } => Left::Nothing("failed".into()),
        };
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
        let sources = self.wait_for(&call.sources());
        let path = match self.fill_path(call, &sources) {
            Ok(path) => path,
            Err(reply) => return (Duration::ZERO, reply),
        };
        // A call that needs a role goes after `users_me`. When that was answered, the token is
        // good: a refusal is about the role, and renewing the token would change nothing.
        let token_answered = matches!(sources.get(USERS_ME), Some(Left::Answered(_)));
        let renewal = if call.role.is_some() && token_answered {
            Renewal::Never
        } else {
            Renewal::Allowed
        };
        let pace = Ranked {
            pacer: &self.pacer,
            rank: self.ranks.get(call.name).copied().unwrap_or(0),
        };
        let (result, elapsed) = self.session.call_paced("GET", &path, None, &pace, renewal);
        (elapsed, verdicts::reply(call, result, renewal))
    }

    /// The call's path with every value filled in, percent-encoded; or why it cannot be sent.
    fn fill_path(&self, call: &Call, sources: &HashMap<&str, Left>) -> Result<String, Reply> {
        let mut path = call.path.to_owned();
        for take in call.takes {
            let (from, placeholder) = (take.from, take.placeholder);
            let answer = match sources.get(from) {
                Some(Left::Answered(answer)) => answer,
                Some(Left::Nothing(why)) => {
                    return Err(Reply::Skipped(format!("needs {from}, which {why}")));
                }
                None => unreachable!("the runner waited for every source"),
            };
            let value = match plan::find_value(answer, take.pointer) {
                Found::Text(value) => value,
                Found::EmptyList { at } if at.is_empty() => {
                    return Err(Reply::Skipped(format!(
                        "{from} gave no {placeholder}: its answer is an empty list"
                    )));
                }
                Found::EmptyList { at } => {
                    return Err(Reply::Skipped(format!(
                        "{from} gave no {placeholder}: {at} is empty"
                    )));
                }
                found @ (Found::Nothing | Found::NotText) => {
                    let what = match found {
                        Found::Nothing => "nothing",
                        _ => "no string or number",
                    };
                    return Err(Reply::Failed {
                        status: None,
                        detail: format!(
                            "{from}'s answer has {what} at {} for {placeholder}: check the \
                             pointer, or the answer changed",
                            take.pointer
                        ),
                    });
                }
            };
            path = path.replace(placeholder, &percent_encode(&value));
        }
        for (placeholder, value) in &self.windows {
            path = path.replace(placeholder, &percent_encode(value));
        }
        Ok(path)
    }

    fn publish(&self, name: &'static str, left: Left) {
        let (lock, changed) = &self.board;
        relock(lock).insert(name, left);
        changed.notify_all();
    }

    /// Waits until every call in `names` has finished, and returns what each left.
    fn wait_for(&self, names: &[&'static str]) -> HashMap<&'static str, Left> {
        if names.is_empty() {
            return HashMap::new();
        }
        let (lock, changed) = &self.board;
        let board = changed
            .wait_while(relock(lock), |board| {
                !names.iter().all(|name| board.contains_key(name))
            })
            .unwrap_or_else(PoisonError::into_inner);
        names
            .iter()
            .map(|name| (*name, board[name].clone()))
            .collect()
    }
}

/// Publishes a call's result when the call's thread is done with it, even by a panic, so that no
/// call waits for ever on one that will never answer.
struct Publish<'r, 's> {
    runner: &'r Runner<'s>,
    name: &'static str,
    left: Left,
}

impl Drop for Publish<'_, '_> {
    fn drop(&mut self) {
        let left = std::mem::replace(&mut self.left, Left::Nothing(String::new()));
        self.runner.publish(self.name, left);
    }
}
