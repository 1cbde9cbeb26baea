//! The terminal report: one line per call, then the counts and times; and `--list`.

use std::time::Duration;

use super::catalog::{self, CALLS};
use super::outcome::{CallRecord, Verdict};
use crate::ui::{Style, Ui};

/// Prints the table and the summary line to stderr. `wall` is the run's wall time; `dir` the
/// snapshot directory as the user should read it.
pub fn print(ui: &Ui, records: &[CallRecord], wall: Duration, dir: &str) {
    for record in records {
        let style = match record.verdict {
            Verdict::Ok => Style::Green,
            Verdict::New { recorded: true } | Verdict::Skipped => Style::Yellow,
            _ => Style::Red,
        };
        let status = record.status.map_or("-".into(), |s| s.to_string());
        // A call skipped before it was sent has no time; one GoTo declined has.
        let elapsed = if record.verdict == Verdict::Skipped && record.status.is_none() {
            "-".to_owned()
        } else {
            format!("{} ms", record.elapsed.as_millis())
        };
        let verdict = ui.paint(style, &format!("{:8}", record.verdict.label()));
        let line = format!(
            "  {:22} {status:>4} {elapsed:>8}  {verdict} {}",
            record.name, record.detail
        );
        ui.line(line.trim_end());
    }
    let count = |label: &str| {
        records
            .iter()
            .filter(|r| r.verdict.label() == label)
            .count()
    };
    let total: Duration = records.iter().map(|r| r.elapsed).sum();
    ui.line(&format!(
        "{} ok, {} changed, {} new, {} skipped, {} failed in {:.2} s (calls took {:.2} s in all, {:.2} s on the critical path); snapshots in {dir}",
        count("ok"),
        count("changed"),
        count("new"),
        count("skipped"),
        count("failed"),
        wall.as_secs_f64(),
        total.as_secs_f64(),
        critical_path(records).as_secs_f64(),
    ));
}

/// The longest chain of calls that had to run one after another: each call after the calls it
/// waited for (for their values, or `users_me` for a call with a role), the slowest chain
/// counted. No scheduler can finish the run sooner, so the wall time is judged against it.
pub fn critical_path(records: &[CallRecord]) -> Duration {
    let mut finished: Vec<Option<Duration>> = vec![None; records.len()];
    (0..records.len())
        .map(|index| finish(records, index, &mut finished))
        .max()
        .unwrap_or_default()
}

/// When the call at `index` finished, counted from the start: its own time after the latest of
/// its sources'. A checked catalog has no cycle, so the recursion ends.
fn finish(records: &[CallRecord], index: usize, finished: &mut [Option<Duration>]) -> Duration {
    if let Some(done) = finished[index] {
        return done;
    }
    let sources = catalog::find(records[index].name).map_or_else(Vec::new, |call| call.sources());
    let waited = sources
        .iter()
        .filter_map(|name| records.iter().position(|record| record.name == *name))
        .map(|source| finish(records, source, finished))
        .max()
        .unwrap_or_default();
    let done = waited + records[index].elapsed;
    finished[index] = Some(done);
    done
}

/// `--list`: a line per call (name, the scopes that allow it, what it proves), or with `--json`
/// one object, `{"calls": [{"name", "scopes", "about"}, …]}`.
pub fn listing(json: bool) -> String {
    if json {
        // A struct, not `json!`, keeps the fields in reading order.
        #[derive(serde::Serialize)]
        struct Listed<'a> {
            name: &'a str,
            scopes: &'a [&'a str],
            about: &'a str,
        }
        #[derive(serde::Serialize)]
        struct List<'a> {
            calls: Vec<Listed<'a>>,
        }
        let calls: Vec<_> = CALLS
            .iter()
            .map(|call| Listed {
                name: call.name,
                scopes: call.scopes(),
                about: call.about,
            })
            .collect();
        let text = serde_json::to_string_pretty(&List { calls });
        return text.expect("the list always serialises") + "\n";
    }
    let mut text = String::new();
    for call in CALLS {
        let scopes = if call.scopes().is_empty() {
            "(any token)".to_owned()
        } else {
            call.scopes().join(" | ")
        };
        text.push_str(&format!("{:22} {scopes:22} {}\n", call.name, call.about));
    }
    text
}
