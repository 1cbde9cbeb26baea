//! `smoke --junit`, `smoke --json` and the GitHub Actions output, read back as their consumers
//! read them: the JUnit file with an XML parser, the JSON with serde_json, the job summary from
//! a file in the test's own directory.

use std::path::Path;

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

/// A 404 whose message holds everything a report must escape, and an email address it must
/// not carry.
const AWKWARD_MESSAGE: &str = r#"{"errorCode":"NOT_FOUND","message":"No <channel> & \"x\" for o'hara@example.com\r\n100% gone"}"#;

fn not_found_with_awkward_text(path: &str) -> Fault {
    Fault {
        path_prefix: path.into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 404,
            content_type: Some("application/json".into()),
            body: AWKWARD_MESSAGE.as_bytes().to_vec(),
            retry_after: None,
        },
    }
}

/// Fails when a report file holds a secret, the token, or an email address.
#[track_caller]
fn assert_public(ws: &Workspace, text: &str) {
    let mut secrets = seed_secrets();
    secrets.extend(ws.value("GOTO_ACCESS_TOKEN"));
    for secret in secrets {
        assert!(!text.contains(&secret), "a secret in a report:\n{text}");
    }
    assert!(!text.contains('@'), "an email address in a report:\n{text}");
}

#[test]
fn ok_junit_has_one_suite_a_case_per_call_and_the_reason_of_each_skip_and_failure() {
    let sandbox = Sandbox::start();
    // The viewer's token has one scope: ten calls are skipped, two run.
    let ws = Workspace::for_sandbox(&sandbox, seed::IDENTITY_ONLY_PAT);
    sandbox.inject(not_found_with_awkward_text("/notification-channel/"));
    let report = ws.dir().join("smoke.xml");
    let run = ws
        .xtask(&["smoke", "--junit", report.to_str().unwrap()])
        .env("CI", "true")
        .run();
    run.assert_code(1);
    let text = std::fs::read_to_string(&report).expect("the JUnit report is written");
    assert_public(&ws, &text);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.attribute("name"), Some("smoke"));
    assert_eq!(suite.attribute("tests"), Some("12"));
    assert_eq!(suite.attribute("failures"), Some("1"));
    assert_eq!(suite.attribute("skipped"), Some("10"));
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names, super::smoke::CALLS);
    for case in &cases {
        let seconds: f64 = case.attribute("time").unwrap().parse().expect("seconds");
        assert!((0.0..30.0).contains(&seconds), "{seconds}");
    }
    let case = |name: &str| {
        *cases
            .iter()
            .find(|c| c.attribute("name") == Some(name))
            .unwrap()
    };
    let child = |name: &str, tag: &str| case(name).children().find(|n| n.has_tag_name(tag));
    assert!(child("users_me", "failure").is_none() && child("users_me", "skipped").is_none());
    let skipped = child("users_lines", "skipped").expect("a skipped element");
    assert!(
        skipped
            .attribute("message")
            .unwrap()
            .contains("users.v1.lines.read"),
        "{skipped:?}"
    );
    let failure = child("notification_channels", "failure").expect("a failure element");
    let message = failure.attribute("message").unwrap();
    assert!(
        message.contains(r#"No <channel> & "x" for [email]\r\n100% gone"#),
        "the parser gives back the server's words, its line break shown escaped (a server's \
         text is data): {message:?}"
    );
}

#[test]
fn ok_json_is_one_object_on_stdout_with_every_call_and_the_totals() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws.xtask(&["smoke", "--json"]).env("CI", "true").run();
    run.assert_code(0)
        .assert_stderr_contains("12 ok, 0 changed");
    assert_public(&ws, &run.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON object and nothing else");
    let calls = report["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 12);
    for (call, name) in calls.iter().zip(super::smoke::CALLS) {
        assert_eq!(call["name"], name);
        assert_eq!(call["method"], "GET");
        assert!(call["path"].as_str().unwrap().starts_with('/'));
        assert_eq!(call["status"], 200);
        assert!(call["milliseconds"].is_u64());
        assert_eq!(call["verdict"], "ok");
        assert!(call["detail"].is_null());
    }
    assert_eq!(
        calls[3]["path"], "/users/v1/users?accountKey={account_key}",
        "the template, not the account's key"
    );
    let totals = &report["totals"];
    assert_eq!(totals["calls"], 12);
    assert_eq!(totals["ok"], 12);
    assert_eq!(totals["failed"], 0);
    assert!(totals["milliseconds"].is_u64());
    assert_eq!(report["passed"], true);
}

#[test]
fn err_json_still_reports_when_calls_fail() {
    let sandbox = Sandbox::start();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(not_found_with_awkward_text("/G2M/"));
    let run = ws
        .xtask(&[
            "smoke",
            "--json",
            "--only",
            "users_lines",
            "--only",
            "upcoming_meetings",
        ])
        .env("CI", "true")
        .run();
    run.assert_code(1);
    assert_public(&ws, &run.stdout);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let calls = report["calls"].as_array().unwrap();
    let call = |name: &str| calls.iter().find(|c| c["name"] == name).unwrap();
    assert_eq!(call("users_lines")["verdict"], "changed");
    assert!(
        call("users_lines")["detail"]
            .as_str()
            .unwrap()
            .contains("users_lines.snap")
    );
    assert_eq!(call("upcoming_meetings")["verdict"], "failed");
    assert_eq!(call("upcoming_meetings")["status"], 404);
    assert!(
        call("upcoming_meetings")["detail"]
            .as_str()
            .unwrap()
            .contains("[email]")
    );
    assert_eq!(report["totals"]["changed"], 1);
    assert_eq!(report["totals"]["failed"], 1);
    assert_eq!(report["passed"], false);
}

#[test]
fn ok_github_actions_get_annotations_and_the_table_in_the_job_summary() {
    let sandbox = Sandbox::start();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(not_found_with_awkward_text("/G2M/"));
    let summary = ws.dir().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let run = ws
        .xtask(&["smoke", "--json"])
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .run();
    run.assert_code(1);
    let annotations: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(
        annotations,
        [
            "::error title=smoke%3A users_lines changed::GET /users/v1/lines answered 200: shape differs from xtask/snapshots/sandbox/users_lines.snap (the diff is on stderr)",
            "::error title=smoke%3A upcoming_meetings failed::GET /G2M/rest/upcomingMeetings answered 404: NOT_FOUND: No <channel> & \"x\" for [email]\\r\\n100%25 gone",
        ]
    );
    assert!(
        !run.stdout.contains("::"),
        "stdout holds the JSON alone: {}",
        run.stdout
    );
    serde_json::from_str::<serde_json::Value>(&run.stdout).expect("JSON on stdout");
    let text = std::fs::read_to_string(&summary).unwrap();
    let table = text
        .strip_prefix("# earlier step\n")
        .expect("appended after what earlier steps wrote");
    assert_public(&ws, table);
    assert!(table.starts_with("### GoTo smoke\n\n| call |"), "{table}");
    assert!(
        table.contains("| users\\_me | GET /identity/v1/Users/me | 200 |"),
        "{table}"
    );
    assert!(table.contains("| changed | shape differs"), "{table}");
    assert!(
        // `meeting` is skipped: the upcoming meetings it takes its id from failed.
        table.contains("9 ok, 1 changed, 0 new, 1 skipped, 1 failed in "),
        "{table}"
    );
}

#[test]
fn ok_outside_github_actions_no_annotation_and_no_summary() {
    let sandbox = Sandbox::start();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let summary = ws.dir().join("summary.md");
    let run = ws
        .xtask(&["smoke", "--only", "users_lines"])
        .env("CI", "true")
        .env("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())
        .run();
    run.assert_code(1);
    assert!(!run.stderr.contains("::error"), "{}", run.stderr);
    assert!(!Path::new(&summary).exists());
}

#[test]
fn err_junit_path_that_cannot_be_written_fails_the_run_after_the_calls() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let report = ws.dir().join("no-such-dir/smoke.xml");
    let run = ws
        .xtask(&[
            "smoke",
            "--only",
            "users_me",
            "--junit",
            report.to_str().unwrap(),
        ])
        .env("CI", "true")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("could not write the JUnit report");
    assert!(!report.exists());
}
