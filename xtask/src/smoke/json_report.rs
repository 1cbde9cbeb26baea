//! `smoke --json`: the run as one JSON object on stdout, for scripts and dashboards.
//!
//! `calls` holds every call in catalog order (name, method, the catalog's path template,
//! status or null, milliseconds on the wire, verdict, detail or null); `totals` the counts by
//! verdict, how many of them fail the run, and the wall time; `passed` whether the run exits 0.
//! The path is the template, so no account key or date reaches the report, and the detail goes
//! through [`public_text`]. A run that failed before its first call has no calls, zero totals,
//! and an `error` saying why no call ran; other runs have no `error` key.

use serde::Serialize;

use super::export::{Totals, public_text};
use super::outcome::CallRecord;

/// The report, with its fields in the order a reader expects them (a `json!` map would sort
/// them).
#[derive(Serialize)]
struct Report<'a> {
    calls: Vec<Call<'a>>,
    totals: Counts,
    passed: bool,
    /// Why no call ran, when the run failed before its first call.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct Call<'a> {
    name: &'a str,
    method: &'a str,
    path: &'a str,
    status: Option<u16>,
    milliseconds: u64,
    verdict: &'a str,
    detail: Option<String>,
}

#[derive(Serialize)]
struct Counts {
    calls: usize,
    ok: usize,
    changed: usize,
    new: usize,
    skipped: usize,
    failed: usize,
    failing: usize,
    milliseconds: u64,
}

/// The report for `records`, pretty-printed, with a final newline.
pub fn render(records: &[CallRecord], totals: &Totals) -> String {
    let report = Report {
        calls: records
            .iter()
            .map(|record| Call {
                name: record.name,
                method: record.method,
                path: record.path,
                status: record.status,
                milliseconds: millis(record.elapsed),
                verdict: record.verdict.label(),
                detail: (!record.detail.is_empty()).then(|| public_text(&record.detail)),
            })
            .collect(),
        totals: counts(totals),
        passed: totals.failing == 0,
        error: None,
    };
    finish(&report)
}

/// The report of a run that made no call (the token could not be had): no calls, zero totals,
/// `passed` false, and `error` saying why.
pub fn render_not_run(reason: &str, wall: std::time::Duration) -> String {
    let totals = Totals {
        wall,
        ..Totals::default()
    };
    finish(&Report {
        calls: Vec::new(),
        totals: counts(&totals),
        passed: false,
        error: Some(public_text(reason)),
    })
}

fn counts(totals: &Totals) -> Counts {
    Counts {
        calls: totals.calls,
        ok: totals.ok,
        changed: totals.changed,
        new: totals.new,
        skipped: totals.skipped,
        failed: totals.failed,
        failing: totals.failing,
        milliseconds: millis(totals.wall),
    }
}

fn finish(report: &Report<'_>) -> String {
    let mut text = serde_json::to_string_pretty(&report).expect("the report always serialises");
    text.push('\n');
    text
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Value, json};

    use super::*;
    use crate::smoke::outcome::Verdict;

    #[test]
    fn every_call_and_the_totals_in_one_object() {
        let records = [
            CallRecord {
                name: "users_me",
                method: "GET",
                path: "/identity/v1/Users/me",
                status: Some(200),
                elapsed: Duration::from_micros(203_900),
                verdict: Verdict::Ok,
                detail: String::new(),
            },
            CallRecord {
                name: "report_summaries",
                method: "GET",
                path: "/call-events-report/v1/report-summaries?accountKey={account_key}",
                status: Some(403),
                elapsed: Duration::from_millis(12),
                verdict: Verdict::Skipped,
                detail: "GoTo says the token lacks the scope call-events-report.v1.read".into(),
            },
            CallRecord {
                name: "webinars",
                method: "GET",
                path: "/G2W/rest/v2/organizers/{organizer_key}/webinars",
                status: None,
                elapsed: Duration::from_millis(30_000),
                verdict: Verdict::Failed,
                detail: "no answer from vera@example.test's host".into(),
            },
        ];
        let text = render(
            &records,
            &Totals::of(&records, Duration::from_millis(30_250)),
        );
        assert!(text.ends_with("}\n"));
        assert!(
            text.starts_with(
                "{\n  \"calls\": [\n    {\n      \"name\": \"users_me\",\n      \"method\""
            ),
            "fields in reading order:\n{text}"
        );
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            json!({
                "calls": [
                    {"name": "users_me", "method": "GET", "path": "/identity/v1/Users/me",
                     "status": 200, "milliseconds": 203, "verdict": "ok", "detail": null},
                    {"name": "report_summaries", "method": "GET",
                     "path": "/call-events-report/v1/report-summaries?accountKey={account_key}",
                     "status": 403, "milliseconds": 12, "verdict": "skipped",
                     "detail": "GoTo says the token lacks the scope call-events-report.v1.read"},
                    {"name": "webinars", "method": "GET",
                     "path": "/G2W/rest/v2/organizers/{organizer_key}/webinars",
                     "status": null, "milliseconds": 30000, "verdict": "failed",
                     "detail": "no answer from [email] host"},
                ],
                "totals": {"calls": 3, "ok": 1, "changed": 0, "new": 0, "skipped": 1,
                           "failed": 1, "failing": 1, "milliseconds": 30250},
                "passed": false,
            })
        );
    }
}
