//! The snapshot store: each answer's shape compared, as text, with `{dir}/{name}.snap`.
//!
//! The files are insta's: a YAML header between `---` lines (`source`, `description`), then the
//! snapshot text. A first run records the snapshot; a changed shape shows a line diff on stderr
//! and, outside CI, leaves `{name}.snap.new` in the same format, which `cargo insta review` and
//! `cargo insta accept` pick up as they would one insta wrote. The comparison itself is ours:
//! insta's assertion reports a mismatch by panicking and prints advice meant for `cargo test`
//! runs, neither of which fits a command.

use std::path::{Path, PathBuf};

use goto_auth::BaseUrl;

use super::outcome::{CallRecord, Verdict};
use super::runner::{Ran, Reply};
use super::shape;
use crate::ui::{Style, Ui};

/// What a snapshot written by smoke names as its source: the catalog the call comes from.
const SOURCE: &str = "xtask/src/smoke/catalog.rs";

/// Where snapshots live and whether this run may write them.
pub struct SnapshotStore {
    /// The directory, absolute.
    dir: PathBuf,
    /// The directory as the user should read it.
    shown: String,
    /// In CI nothing is written: a missing or changed snapshot fails the run.
    ci: bool,
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
        Ok(SnapshotStore { dir, shown, ci })
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
        let recorded = std::fs::read_to_string(&snap).ok();
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
                match write_snapshot(&snap, &description, &text) {
                    Ok(()) => (Verdict::New { recorded: true }, format!("recorded {shown}")),
                    Err(error) => (Verdict::Failed, format!("could not write {shown}: {error}")),
                }
            };
            return record;
        };
        let old = normalize(contents_of(&recorded));
        let new = normalize(&text);
        if old == new {
            record.verdict = Verdict::Ok;
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
            let pending = snap.with_extension("snap.new");
            match write_snapshot(&pending, &description, &text) {
                Ok(()) => record
                    .detail
                    .push_str("; `cargo insta review` to accept it"),
                Err(error) => record
                    .detail
                    .push_str(&format!("; could not write it: {error}")),
            }
        }
        record
    }
}

/// Writes a snapshot file exactly as insta 1.x does: its YAML header (`source`, then
/// `description`), `---`, the contents without trailing whitespace, one newline.
pub fn write_snapshot(path: &Path, description: &str, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = format!(
        "---\nsource: {}\ndescription: {}\n---\n{}\n",
        yaml_string(SOURCE),
        yaml_string(description),
        normalize(text)
    );
    std::fs::write(path, file)
}

/// The contents of a snapshot file: what follows its header.
fn contents_of(file: &str) -> &str {
    match file.strip_prefix("---\n") {
        Some(rest) => rest
            .split_once("\n---\n")
            .map_or(rest, |(_, contents)| contents),
        None => file,
    }
}

/// Snapshot text as insta compares it: line endings as `\n`, no trailing whitespace.
fn normalize(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// A YAML scalar as insta's emitter writes it: plain when YAML reads it back unchanged,
/// else double-quoted with escapes.
fn yaml_string(text: &str) -> String {
    let needs_quotes = text.is_empty()
        || text.starts_with(' ')
        || text.ends_with(' ')
        || text.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'])
        || text.contains(|c: char| {
            matches!(
                c,
                ':' | '{' | '}' | '[' | ']' | ',' | '#' | '`' | '"' | '\'' | '\\'
            ) || c.is_control()
        })
        || [
            "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE",
            "false", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ]
        .contains(&text)
        || text.parse::<f64>().is_ok();
    if !needs_quotes {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
    fn descriptions_are_quoted_as_insta_quotes_them() {
        assert_eq!(yaml_string("GET /users/v1/lines"), "GET /users/v1/lines");
        assert_eq!(
            yaml_string("GET /users/v1/users?accountKey={account_key}"),
            "\"GET /users/v1/users?accountKey={account_key}\""
        );
    }

    #[test]
    fn contents_follow_the_header() {
        let file = "---\nsource: a\ndescription: b\n---\nstatus: 200\nshape: {}\n";
        assert_eq!(contents_of(file), "status: 200\nshape: {}\n");
        assert_eq!(normalize("a\r\nb\n\n"), "a\nb");
    }

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
