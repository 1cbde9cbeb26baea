//! What one smoke call came to, as plain data: the runner fills in how the call went, the
//! snapshot store the verdict, and every report (the terminal table, or any other format) reads
//! the same list of [`CallRecord`]s.

use std::time::Duration;

/// One call's result, in catalog order.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// The catalog name (`users_me`), also the snapshot's file name.
    pub name: &'static str,
    /// The HTTP method; smoke only reads, so `GET`.
    pub method: &'static str,
    /// The catalog's path template (`/users/v1/users?accountKey={account_key}`): the same on
    /// every run, unlike the filled-in path, which holds keys and dates.
    pub path: &'static str,
    /// The status of the answer, when one came.
    pub status: Option<u16>,
    /// Time on the wire, retries included; zero for a call that did not run.
    pub elapsed: Duration,
    /// How the call is judged.
    pub verdict: Verdict,
    /// One line for the person reading: why it was skipped or failed, where its snapshot was
    /// recorded or how it differs. Secret-free, like every text built from an answer.
    pub detail: String,
}

/// How a call is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The answer's shape matches the snapshot.
    Ok,
    /// The shape differs from the snapshot; the diff was shown and, outside CI, a `.snap.new`
    /// written for `cargo insta review`.
    Changed,
    /// No snapshot existed. `recorded` when this run wrote it (never in CI, where a missing
    /// snapshot fails the run).
    New {
        /// Whether the snapshot was written.
        recorded: bool,
    },
    /// The call did not run, or its answer says it cannot run here: a missing scope or role,
    /// nothing to take from an earlier answer, a path the sandbox does not serve.
    Skipped,
    /// No usable answer: a transport failure, a refused call, a body that is not JSON.
    Failed,
}

impl Verdict {
    /// Whether this verdict fails the run (exit 1).
    pub fn fails(self) -> bool {
        matches!(
            self,
            Verdict::Changed | Verdict::Failed | Verdict::New { recorded: false }
        )
    }

    /// The word the table shows.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Changed => "changed",
            Verdict::New { .. } => "new",
            Verdict::Skipped => "skipped",
            Verdict::Failed => "failed",
        }
    }
}
