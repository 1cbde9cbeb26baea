//! Under GitHub Actions (`GITHUB_ACTIONS=true`): an `::error` annotation for every call that
//! fails the run (changed, failed, or a new snapshot CI could not record), and the table in
//! Markdown for the job summary (`$GITHUB_STEP_SUMMARY`).
//!
//! The annotations are workflow commands, one line each, escaped as GitHub's workflow-command
//! rules require (`%`, CR and LF in the message; also `:` and `,` in a property). They go to
//! stderr with the human lines: the runner reads workflow commands from both streams, and
//! stdout stays clean for `--json`.

use std::fmt::Write as _;

use super::export::{Totals, public_text};
use super::outcome::CallRecord;
use crate::github::escape_data;

/// One `::error` line per call whose verdict fails the run; empty when none does.
pub fn annotations(records: &[CallRecord]) -> String {
    let mut out = String::new();
    for record in records.iter().filter(|record| record.verdict.fails()) {
        let title = format!("smoke: {} {}", record.name, record.verdict.label());
        let mut message = format!("{} {}", record.method, record.path);
        if let Some(status) = record.status {
            let _ = write!(message, " answered {status}");
        }
        let detail = if record.detail.is_empty() {
            record.verdict.label().to_owned()
        } else {
            record.detail.clone()
        };
        let _ = write!(message, ": {detail}");
        let _ = writeln!(
            out,
            "::error title={}::{}",
            escape_property(&title),
            escape_data(&public_text(&message))
        );
    }
    out
}

/// The job summary: a heading, the table of calls, and the totals.
pub fn step_summary(records: &[CallRecord], totals: &Totals) -> String {
    let mut out = String::from("### GoTo smoke\n\n");
    out.push_str("| call | request | status | time | verdict | detail |\n");
    out.push_str("| --- | --- | ---: | ---: | --- | --- |\n");
    for record in records {
        let status = record
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let time = if record.status.is_none() && record.elapsed.is_zero() {
            "-".to_owned()
        } else {
            format!("{} ms", record.elapsed.as_millis())
        };
        let _ = writeln!(
            out,
            "| {} | {} {} | {status} | {time} | {} | {} |",
            cell(record.name),
            record.method,
            cell(record.path),
            record.verdict.label(),
            cell(&public_text(&record.detail))
        );
    }
    let _ = writeln!(out, "\n{}\n", totals.sentence());
    out
}

/// The annotation of a run that made no call, saying why.
pub fn not_run_annotation(reason: &str) -> String {
    format!(
        "::error title={}::{}\n",
        escape_property("smoke: no call ran"),
        escape_data(&public_text(reason))
    )
}

/// The job summary of a run that made no call: the heading and why.
pub fn step_summary_not_run(reason: &str) -> String {
    format!("### GoTo smoke\n\n{}\n\n", cell(&public_text(reason)))
}

/// A workflow command's property value: as a message, and `:` and `,` too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown table cell: HTML's special characters as entities, Markdown's punctuation
/// backslash-escaped (a `|` would end the cell), line breaks as `<br>`.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::smoke::outcome::Verdict;

    fn record(name: &'static str, verdict: Verdict, detail: &str) -> CallRecord {
        CallRecord {
            name,
            method: "GET",
            path: "/users/v1/lines",
            status: Some(200),
            elapsed: Duration::from_millis(42),
            verdict,
            detail: detail.into(),
        }
    }

    #[test]
    fn an_annotation_for_each_failing_call_escaped_as_github_requires() {
        let records = [
            record("users_me", Verdict::Ok, ""),
            record(
                "admin_me",
                Verdict::Skipped,
                "needs an account administrator",
            ),
            record(
                "users_lines",
                Verdict::Changed,
                "shape differs: 100% new\r\nkeys",
            ),
            record("extensions", Verdict::New { recorded: false }, ""),
        ];
        assert_eq!(
            annotations(&records),
            "::error title=smoke%3A users_lines changed::GET /users/v1/lines answered 200: shape differs: 100%25 new%0D%0Akeys\n\
             ::error title=smoke%3A extensions new::GET /users/v1/lines answered 200: new\n"
        );
        assert_eq!(annotations(&records[..2]), "");
    }

    #[test]
    fn the_summary_is_a_markdown_table_with_the_totals() {
        let mut failed = record(
            "webinars",
            Verdict::Failed,
            "a|b <i>x</i> *y* o'hara@example.com",
        );
        failed.status = None;
        failed.elapsed = Duration::ZERO;
        let records = [record("users_me", Verdict::Ok, ""), failed];
        let summary = step_summary(&records, &Totals::of(&records, Duration::from_millis(90)));
        assert_eq!(
            summary,
            "### GoTo smoke\n\n\
             | call | request | status | time | verdict | detail |\n\
             | --- | --- | ---: | ---: | --- | --- |\n\
             | users\\_me | GET /users/v1/lines | 200 | 42 ms | ok |  |\n\
             | webinars | GET /users/v1/lines | - | - | failed | a\\|b &lt;i&gt;x&lt;/i&gt; \\*y\\* \\[email\\] |\n\
             \n1 ok, 0 changed, 0 new, 0 skipped, 1 failed in 0.09 s\n\n"
        );
    }
}
