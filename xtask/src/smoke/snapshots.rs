//! The snapshot store: each answer's shape compared, as text, with `{dir}/{name}.snap`.
//!
//! The files are insta's ([`super::snapshot_file`]). A first run records the snapshot; a changed
//! shape shows a line diff on stderr and, outside CI, leaves `{name}.snap.new` in the same
//! format, which `cargo insta review` and `cargo insta accept` pick up as they would one insta
//! wrote; once the shape matches again, a `.snap.new` left from before is removed. A `.snap`
//! that cannot be read as text fails its call by name rather than pass for a missing one. The
//! comparison itself is ours: insta's assertion reports a mismatch by panicking and prints
//! advice meant for `cargo test` runs, neither of which fits a command.

use std::cell::Cell;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use goto_auth::blocks::BaseUrl;

use super::outcome::{CallRecord, Verdict};
use super::runner::{Ran, Reply};
use super::shape;
use super::snapshot_file::{self, contents_of, normalize};
use crate::ui::{Style, Ui};

/// Where snapshots live and whether this run may write them.
pub struct SnapshotStore {
    /// The directory, absolute.
    dir: PathBuf,
    /// The directory as the user should read it.
    shown: String,
    /// In CI nothing is written: a missing or changed snapshot fails the run.
    ci: bool,
    /// Whether this run left a `.snap.new` for review, so that the closing advice can offer
    /// `cargo insta review` only for a file that is there.
    wrote_pending: Cell<bool>,
}

impl SnapshotStore {
    /// Sandbox answers (a loopback `GOTO_API_URL`) and live answers are kept apart: the sandbox's
    /// are committed and checked in CI, the live ones belong to whoever runs against GoTo.
    /// `--snapshots DIR` chooses another directory (one per account or environment, say).
    pub fn new(
        api_url: Option<&BaseUrl>,
        chosen: Option<&Path>,
        ci: bool,
    ) -> anyhow::Result<SnapshotStore> {
        let (dir, shown) = match chosen {
            Some(dir) => (std::path::absolute(dir)?, dir.display().to_string()),
            None => {
                let kind = if api_url.is_some_and(BaseUrl::is_loopback) {
                    "sandbox"
                } else {
                    "live"
                };
                let relative = format!("xtask/snapshots/{kind}");
                (crate::project_root().join(&relative), relative)
            }
        };
        Ok(SnapshotStore {
            dir,
            shown,
            ci,
            wrote_pending: Cell::new(false),
        })
    }

    /// Whether a judged call left a `.snap.new` for `cargo insta review`.
    pub fn wrote_pending(&self) -> bool {
        self.wrote_pending.get()
    }

    /// The directory as the user should read it.
    pub fn display_dir(&self) -> &str {
        &self.shown
    }

    /// Judges one call: a skip or failure as it is, an answer against its snapshot. A changed
    /// shape's diff goes to `ui` (stderr).
    pub fn judge(&self, ran: Ran, ui: &Ui) -> CallRecord {
        let call = ran.call;
        let mut record = CallRecord {
            name: call.name,
            method: "GET",
            path: call.path,
            status: None,
            elapsed: ran.elapsed,
            verdict: Verdict::Failed,
            detail: String::new(),
        };
        let (status, body) = match ran.reply {
            Reply::Skipped(reason) => {
                record.verdict = Verdict::Skipped;
                record.detail = reason;
                return record;
            }
            Reply::Declined { status, reason } => {
                record.verdict = Verdict::Skipped;
                record.status = Some(status);
                record.detail = reason;
                return record;
            }
            Reply::Failed { status, detail } => {
                record.status = status;
                record.detail = detail;
                return record;
            }
            Reply::Answered { status, body } => (status, body),
        };
        record.status = Some(status);
        let snap = self.dir.join(format!("{}.snap", call.name));
        let shown = format!("{}/{}.snap", self.shown, call.name);
        // The catalog's template, not the filled path, so headers do not change with keys and dates.
        let description = format!("{} {}", record.method, record.path);
        let pending = snap.with_extension("snap.new");
        // Only a file that is not there is a missing snapshot. One that cannot be read as text is
        // refused by name, here and in CI: overwriting it would lose what it holds.
        let recorded = match std::fs::read_to_string(&snap) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == ErrorKind::NotFound => None,
            Err(error) if error.kind() == ErrorKind::InvalidData => {
                record.detail = format!(
                    "{shown} is not UTF-8 text, so smoke cannot compare with it; restore it \
                     from version control, or delete it to record the shape afresh"
                );
                return record;
            }
            Err(error) => {
                record.detail = format!("could not read {shown}: {error}");
                return record;
            }
        };
        let actual = shape::shape(&body);
        let actual = match recorded.as_deref().and_then(shape::recorded_shape) {
            Some(recorded) => shape::fill_empty_arrays(actual, &recorded),
            None => actual,
        };
        let text = shape::snapshot_text(status, &actual);
        let Some(recorded) = recorded else {
            (record.verdict, record.detail) = if self.ci {
                let detail =
                    "no snapshot committed; CI records none (run smoke locally and commit it)";
                (Verdict::New { recorded: false }, detail.to_owned())
            } else {
                // A first run records the snapshot, rather than leaving a `.snap.new` for
                // review: there is nothing to compare it with yet.
                match snapshot_file::write(&snap, &description, &text) {
                    Ok(()) => (Verdict::New { recorded: true }, format!("recorded {shown}")),
                    Err(error) => (Verdict::Failed, format!("could not write {shown}: {error}")),
                }
            };
            if record.verdict != Verdict::Failed {
                self.remove_stale(&pending, &shown, &mut record.detail);
            }
            return record;
        };
        let old = normalize(contents_of(&recorded));
        let new = normalize(&text);
        if old == new {
            record.verdict = Verdict::Ok;
            self.remove_stale(&pending, &shown, &mut record.detail);
            return record;
        }
        ui.line(&ui.paint(
            Style::Bold,
            &format!(
                "{}: the shape differs from {shown} (-recorded +answered)",
                call.name
            ),
        ));
        for line in line_diff(&old, &new) {
            ui.line(&line);
        }
        record.verdict = Verdict::Changed;
        record.detail = format!("shape differs from {shown} (the diff is on stderr)");
        if !self.ci {
            match snapshot_file::write(&pending, &description, &text) {
                Ok(()) => {
                    self.wrote_pending.set(true);
                    record
                        .detail
                        .push_str("; `cargo insta review` to accept it");
                }
                Err(error) => record
                    .detail
                    .push_str(&format!("; could not write it: {error}")),
            }
        }
        record
    }

    /// Removes `pending`, a `.snap.new` an earlier run left, now that the snapshot holds the
    /// answer's shape again: left there, it would offer `cargo insta review` a change that no
    /// longer exists. CI writes nothing, so it removes nothing either. Says so in `detail`.
    fn remove_stale(&self, pending: &Path, shown: &str, detail: &mut String) {
        if self.ci {
            return;
        }
        let note = match std::fs::remove_file(pending) {
            Ok(()) => format!("removed the stale {shown}.new"),
            Err(error) if error.kind() == ErrorKind::NotFound => return,
            Err(error) => format!("could not remove the stale {shown}.new: {error}"),
        };
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        detail.push_str(&note);
    }
}

/// A line diff of two snapshot texts: `-` for a recorded line, `+` for an answered one, two
/// spaces for a line both share. Snapshots are short, so the plain longest-common-subsequence
/// table is enough.
fn line_diff(old: &str, new: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(format!("  {}", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || common[i + 1][j] >= common[i][j + 1]) {
            // Recorded first, then answered, as `diff -u` and insta show a change.
            out.push(format!("- {}", a[i]));
            i += 1;
        } else {
            out.push(format!("+ {}", b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_removed_and_added_lines() {
        assert_eq!(
            line_diff("a\nb\nc", "a\nc\nd"),
            ["  a", "- b", "  c", "+ d"]
        );
        assert_eq!(
            line_diff("a\nold\nc", "a\nnew\nc"),
            ["  a", "- old", "+ new", "  c"]
        );
    }
}
