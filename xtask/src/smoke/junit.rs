//! `smoke --junit PATH`: the run as a JUnit XML report, the format CI systems read (GitHub
//! test reporters, GitLab, Jenkins, Buildkite).
//!
//! One `testsuite` named `smoke` inside a `testsuites` root (the layout pytest, nextest and
//! newman write), one `testcase` per call with its time on the wire in seconds. A skipped call
//! carries a `skipped` element and a failing one a `failure` element, each with the reason as
//! its `message`; a new snapshot that CI could not record counts as a failure, as it fails the
//! run. Every text is escaped for XML and passed through [`public_text`].

use std::fmt::Write as _;

use super::export::{Totals, public_text};
use super::outcome::{CallRecord, Verdict};

/// The report for `records`.
pub fn render(records: &[CallRecord], totals: &Totals) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\"",
        totals.calls,
        totals.failing,
        totals.skipped,
        seconds(totals.wall)
    );
    let _ = writeln!(xml, "<testsuites name=\"smoke\" {counts}>");
    let _ = writeln!(xml, "  <testsuite name=\"smoke\" {counts}>");
    for record in records {
        let _ = writeln!(
            xml,
            "    <testcase name=\"{}\" classname=\"smoke\" time=\"{}\">",
            attribute(record.name),
            seconds(record.elapsed)
        );
        let reason = public_text(&reason(record));
        if record.verdict == Verdict::Skipped {
            let _ = writeln!(xml, "      <skipped message=\"{}\"/>", attribute(&reason));
        } else if record.verdict.fails() {
            let _ = writeln!(
                xml,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                attribute(&reason),
                record.verdict.label(),
                text(&reason)
            );
        }
        let _ = writeln!(
            xml,
            "      <system-out>{}</system-out>",
            text(&public_text(&line(record)))
        );
        xml.push_str("    </testcase>\n");
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// The report of a run that made no call (the token could not be had): one `testcase` named
/// `token` with an `error` element saying why, so a CI reporter shows the reason, not an empty
/// suite.
pub fn render_not_run(reason: &str, wall: std::time::Duration) -> String {
    let reason = public_text(reason);
    let counts = format!(
        "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"{}\"",
        seconds(wall)
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"smoke\" {counts}>\n\
         \x20 <testsuite name=\"smoke\" {counts}>\n\
         \x20   <testcase name=\"token\" classname=\"smoke\" time=\"{}\">\n\
         \x20     <error message=\"{}\" type=\"token\">{}</error>\n\
         \x20   </testcase>\n\
         \x20 </testsuite>\n\
         </testsuites>\n",
        seconds(wall),
        attribute(&reason),
        text(&reason)
    )
}

/// Why the call was skipped or failed, in one message.
fn reason(record: &CallRecord) -> String {
    match (record.verdict, record.detail.is_empty()) {
        (Verdict::Skipped, true) => "skipped".into(),
        (_, false) => record.detail.clone(),
        (verdict, true) => verdict.label().into(),
    }
}

/// The call as the human table shows it: method, path, status, verdict, detail.
fn line(record: &CallRecord) -> String {
    let status = record
        .status
        .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let mut line = format!(
        "{} {}: {status}, {}",
        record.method,
        record.path,
        record.verdict.label()
    );
    if !record.detail.is_empty() {
        let _ = write!(line, ": {}", record.detail);
    }
    line
}

fn seconds(duration: std::time::Duration) -> String {
    format!("{:.3}", duration.as_secs_f64())
}

/// Character data: `&`, `<` and `>` escaped, and the two code points XML 1.0 cannot hold
/// replaced.
fn text(value: &str) -> String {
    escape(value, false)
}

/// An attribute value in double quotes: also `"` and `'`, and line breaks and tabs as character
/// references, which attribute-value normalisation would otherwise turn into spaces.
fn attribute(value: &str) -> String {
    escape(value, true)
}

fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if c.is_control() && !matches!(c, '\n' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn record(
        name: &'static str,
        status: Option<u16>,
        verdict: Verdict,
        detail: &str,
    ) -> CallRecord {
        CallRecord {
            name,
            method: "GET",
            path: "/users/v1/users?accountKey={account_key}",
            status,
            elapsed: Duration::from_millis(1234),
            verdict,
            detail: detail.into(),
        }
    }

    #[test]
    fn one_suite_with_a_case_per_call_and_the_reason_of_each_skip_and_failure() {
        let records = [
            record("users_me", Some(200), Verdict::Ok, ""),
            record(
                "admin_me",
                Some(401),
                Verdict::Skipped,
                "needs an account administrator",
            ),
            record(
                "users_lines",
                Some(200),
                Verdict::Changed,
                "shape differs from xtask/snapshots/sandbox/users_lines.snap",
            ),
            record(
                "webinars",
                Some(500),
                Verdict::Failed,
                "UNKNOWN_ERROR: <b>\"bad\" & 'worse'</b>\nsecond line",
            ),
        ];
        let xml = render(&records, &Totals::of(&records, Duration::from_millis(2500)));
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="smoke" tests="4" failures="2" errors="0" skipped="1" time="2.500">
  <testsuite name="smoke" tests="4" failures="2" errors="0" skipped="1" time="2.500">
    <testcase name="users_me" classname="smoke" time="1.234">
      <system-out>GET /users/v1/users?accountKey={account_key}: 200, ok</system-out>
    </testcase>
    <testcase name="admin_me" classname="smoke" time="1.234">
      <skipped message="needs an account administrator"/>
      <system-out>GET /users/v1/users?accountKey={account_key}: 401, skipped: needs an account administrator</system-out>
    </testcase>
    <testcase name="users_lines" classname="smoke" time="1.234">
      <failure message="shape differs from xtask/snapshots/sandbox/users_lines.snap" type="changed">shape differs from xtask/snapshots/sandbox/users_lines.snap</failure>
      <system-out>GET /users/v1/users?accountKey={account_key}: 200, changed: shape differs from xtask/snapshots/sandbox/users_lines.snap</system-out>
    </testcase>
    <testcase name="webinars" classname="smoke" time="1.234">
      <failure message="UNKNOWN_ERROR: &lt;b&gt;&quot;bad&quot; &amp; &apos;worse&apos;&lt;/b&gt;&#10;second line" type="failed">UNKNOWN_ERROR: &lt;b&gt;"bad" &amp; 'worse'&lt;/b&gt;
second line</failure>
      <system-out>GET /users/v1/users?accountKey={account_key}: 500, failed: UNKNOWN_ERROR: &lt;b&gt;"bad" &amp; 'worse'&lt;/b&gt;
second line</system-out>
    </testcase>
  </testsuite>
</testsuites>
"#;
        assert_eq!(xml, expected);
    }

    #[test]
    fn a_new_snapshot_fails_only_when_it_could_not_be_recorded() {
        let records = [
            record(
                "a",
                Some(200),
                Verdict::New { recorded: true },
                "recorded a.snap",
            ),
            record("b", Some(200), Verdict::New { recorded: false }, ""),
        ];
        let xml = render(&records, &Totals::of(&records, Duration::ZERO));
        assert!(xml.contains("tests=\"2\" failures=\"1\""), "{xml}");
        assert!(xml.contains("<failure message=\"new\" type=\"new\">new</failure>"));
        assert_eq!(xml.matches("<failure").count(), 1);
    }

    #[test]
    fn text_that_xml_cannot_hold_is_replaced_and_addresses_are_hidden() {
        let records = [record(
            "users_me",
            None,
            Verdict::Failed,
            "no user dana.admin@example.test\u{0}\u{FFFF}\r",
        )];
        let xml = render(&records, &Totals::of(&records, Duration::ZERO));
        assert!(
            xml.contains("message=\"no user [email] \u{FFFD}&#13;\""),
            "{xml}"
        );
        assert!(xml.contains(": no answer, failed:"));
        assert!(!xml.contains('@') && !xml.contains('\u{0}'));
    }
}
