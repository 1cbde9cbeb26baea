//! What the machine-readable reports (JUnit, JSON, GitHub) share: the totals of a run, and the
//! rule for the text they carry out of the machine.
//!
//! The reports are uploaded as CI artifacts and shown on dashboards, so they hold no more than
//! the snapshots do: no secret and no personal value. The records' details were scrubbed of
//! token-shaped text where they quote a server; [`public_text`] also hides email addresses,
//! which a server's message may name, and control characters, which no report can carry.

use std::time::Duration;

use super::outcome::{CallRecord, Verdict};

/// The counts of a run, by verdict, and its wall time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub calls: usize,
    pub ok: usize,
    pub changed: usize,
    pub new: usize,
    pub skipped: usize,
    pub failed: usize,
    /// How many verdicts fail the run (a new snapshot under CI fails too).
    pub failing: usize,
    pub wall: Duration,
}

impl Totals {
    pub fn of(records: &[CallRecord], wall: Duration) -> Totals {
        let mut totals = Totals {
            calls: records.len(),
            wall,
            ..Totals::default()
        };
        for record in records {
            match record.verdict {
                Verdict::Ok => totals.ok += 1,
                Verdict::Changed => totals.changed += 1,
                Verdict::New { .. } => totals.new += 1,
                Verdict::Skipped => totals.skipped += 1,
                Verdict::Failed => totals.failed += 1,
            }
            if record.verdict.fails() {
                totals.failing += 1;
            }
        }
        totals
    }

    /// The summary line of the human report, reused by the GitHub job summary.
    pub fn sentence(&self) -> String {
        format!(
            "{} ok, {} changed, {} new, {} skipped, {} failed in {:.2} s",
            self.ok,
            self.changed,
            self.new,
            self.skipped,
            self.failed,
            self.wall.as_secs_f64()
        )
    }
}

/// `text` as a report may carry it: every email address replaced by `[email]`, and control
/// characters other than line breaks and tabs replaced by spaces; then the personal values
/// [`super::personal::mask`] finds (emails in other encodings, phone numbers, long keys).
pub fn public_text(text: &str) -> String {
    let is_address_char =
        |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '@' | '\'');
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let address = word.trim_end_matches('.');
        if is_email(address) {
            out.push_str("[email]");
            out.push_str(&word[address.len()..]);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_address_char(c) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    super::personal::mask(&out)
}

/// Whether `word` looks like an address: something, `@`, and a domain with a dot inside it.
fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain
            .split_once('.')
            .is_some_and(|(host, rest)| !host.is_empty() && !rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(verdict: Verdict) -> CallRecord {
        CallRecord {
            name: "users_me",
            method: "GET",
            path: "/identity/v1/Users/me",
            status: Some(200),
            elapsed: Duration::from_millis(5),
            verdict,
            detail: String::new(),
        }
    }

    #[test]
    fn totals_count_each_verdict_and_what_fails() {
        let records = [
            record(Verdict::Ok),
            record(Verdict::Ok),
            record(Verdict::Changed),
            record(Verdict::New { recorded: true }),
            record(Verdict::New { recorded: false }),
            record(Verdict::Skipped),
            record(Verdict::Failed),
        ];
        let totals = Totals::of(&records, Duration::from_millis(1500));
        assert_eq!(
            (totals.calls, totals.ok, totals.changed, totals.new),
            (7, 2, 1, 2)
        );
        assert_eq!((totals.skipped, totals.failed, totals.failing), (1, 1, 3));
        assert_eq!(
            totals.sentence(),
            "2 ok, 1 changed, 2 new, 1 skipped, 1 failed in 1.50 s"
        );
    }

    #[test]
    fn public_text_hides_addresses_and_control_characters_only() {
        assert_eq!(
            public_text("no user o'hara@example.com (dana.admin@example.test.)"),
            "no user [email] ([email].)"
        );
        assert_eq!(
            public_text("scope call-events-report.v1.read\u{7}\u{1b}[0m"),
            "scope call-events-report.v1.read  [0m"
        );
        assert_eq!(
            public_text("a@b, @handle, x@localhost"),
            "a@b, @handle, x@localhost"
        );
    }
}
