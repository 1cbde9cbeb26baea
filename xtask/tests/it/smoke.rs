//! `cargo xtask smoke` and `cargo xtask api` against the sandbox. Smoke runs set CI=true, as
//! CI does: the committed sandbox snapshots are checked and nothing is written.

use std::path::Path;
use std::time::Duration;

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

pub const CALLS: [&str; 12] = [
    "users_me",
    "admin_me",
    "users_lines",
    "users_list",
    "phone_numbers",
    "extensions",
    "report_summaries",
    "notification_channels",
    "webinars",
    "webinar_registrants",
    "upcoming_meetings",
    "meeting",
];

fn smoke(ws: &Workspace, extra: &[&str]) -> Run {
    let mut args = vec!["smoke"];
    args.extend_from_slice(extra);
    ws.xtask(&args).env("CI", "true").run()
}

/// The line smoke prints for `call`.
fn line<'a>(run: &'a Run, call: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{call} ")))
        .unwrap_or_else(|| panic!("no line for {call}:\n{}", run.stderr))
}

fn snapshot_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots/sandbox"))
}

fn pending_snapshots() -> Vec<String> {
    std::fs::read_dir(snapshot_dir())
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".snap.new"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn ok_every_call_answers_and_matches_its_committed_snapshot() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = smoke(&ws, &[]);
    run.assert_code(0)
        .assert_stderr_contains("12 ok, 0 changed, 0 new, 0 skipped, 0 failed");
    for call in CALLS {
        let line = line(&run, call);
        assert!(line.contains(" 200 ") && line.contains(" ok"), "{line}");
        assert!(snapshot_dir().join(format!("{call}.snap")).exists());
    }
    for request in sandbox.requests().iter().filter(|r| r.method == "GET") {
        assert!(
            request
                .header("authorization")
                .is_some_and(|h| h.starts_with("Bearer "))
        );
        assert_eq!(request.header("accept"), Some("application/json"));
    }
}

#[test]
fn ok_committed_snapshots_hold_no_secret_or_personal_data() {
    for entry in std::fs::read_dir(snapshot_dir()).expect("sandbox snapshots are committed") {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for secret in seed_secrets() {
            assert!(!text.contains(&secret));
        }
        assert!(!text.contains('@'), "no email in a snapshot:\n{text}");
        assert!(!text.contains("eyJ"), "no token in a snapshot:\n{text}");
    }
}

#[test]
fn ok_dependent_calls_take_their_keys_from_users_me() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    smoke(&ws, &["--only", "users_list", "--only", "webinars"]).assert_code(0);
    let requests = sandbox.requests();
    let paths: Vec<String> = requests
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| format!("{}?{}", r.path, r.query.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        paths.len(),
        3,
        "users_me, then the two chosen calls: {paths:?}"
    );
    assert!(paths.iter().any(|p| p.starts_with("/identity/v1/Users/me")));
    assert!(
        paths.iter().any(|p| p.starts_with("/users/v1/users?")
            && p.contains(&format!("accountKey={}", seed::ACCOUNT_KEY))),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.starts_with(&format!(
            "/G2W/rest/v2/organizers/{}/webinars?",
            seed::ADMIN_USER_KEY
        ))),
        "{paths:?}"
    );
}

#[test]
fn ok_calls_without_their_scope_are_skipped_not_failed() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::IDENTITY_ONLY_PAT);
    let run = smoke(&ws, &[]);
    run.assert_code(0);
    assert!(line(&run, "users_me").contains(" ok"));
    assert!(
        line(&run, "notification_channels").contains(" ok"),
        "needs no scope"
    );
    for (call, scope) in [
        ("admin_me", "identity:"),
        ("users_lines", "users.v1.lines.read"),
        ("users_list", "users.v1.read"),
        ("phone_numbers", "voice-admin.v1.read"),
        ("extensions", "voice-admin.v1.read"),
        ("report_summaries", "cr.v1.read"),
        ("webinars", "collab:"),
        ("webinar_registrants", "collab:"),
        ("upcoming_meetings", "collab:"),
        ("meeting", "collab:"),
    ] {
        let line = line(&run, call);
        assert!(line.contains("skipped") && line.contains(scope), "{line}");
    }
    assert_eq!(
        sandbox
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count(),
        2
    );
}

/// Report summaries go by two scope names in GoTo's sources; a token holding only the one a
/// published summary gives runs the call as well as one holding `cr.v1.read`.
#[test]
fn ok_report_summaries_run_with_either_name_of_their_scope() {
    let sandbox = Sandbox::start();
    for scope in ["call-events-report.v1.read", "cr.v1.read"] {
        let pat = format!("pat-with-identity-and-{scope}");
        sandbox.add_pat(goto_sandbox::Pat {
            value: pat.clone(),
            user: goto_sandbox::UserId::Admin,
            scopes: vec!["identity:scim.me".to_owned(), scope.to_owned()],
            revoked: false,
        });
        let ws = Workspace::for_sandbox(&sandbox, &pat);
        let run = smoke(&ws, &["--only", "report_summaries"]);
        run.assert_code(0);
        let line = line(&run, "report_summaries");
        assert!(
            line.contains(" 200 ") && line.contains(" ok"),
            "{scope}: {line}"
        );
    }
}

#[test]
fn ok_list_goes_to_stdout_with_every_scope_name() {
    let run = crate::support::xtask(&["smoke", "--list"]).run();
    run.assert_code(0);
    assert_eq!(run.stderr, "");
    let report = run
        .stdout
        .lines()
        .find(|line| line.starts_with("report_summaries "))
        .expect("report_summaries is listed");
    assert!(
        report.contains("cr.v1.read | call-events-report.v1.read"),
        "{report}"
    );
    assert!(run.stdout.contains("(any token)"));
}

#[test]
fn err_changed_shape_fails_with_a_diff_and_writes_nothing_in_ci() {
    let sandbox = Sandbox::start();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = pending_snapshots();
    let run = smoke(&ws, &["--only", "users_lines"]);
    // CI leaves no `.snap.new`, so nothing here is for `cargo insta review`: the advice is to run
    // smoke locally.
    run.assert_code(1)
        .assert_stderr_contains("locally, where it leaves a `.snap.new` to accept");
    assert!(
        !run.stderr.contains("cargo insta review"),
        "no advice about a file CI did not write:\n{}",
        run.stderr
    );
    assert!(line(&run, "users_lines").contains("changed"));
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(
        output.contains("users_lines.snap"),
        "the diff names the snapshot:\n{output}"
    );
    assert_eq!(pending_snapshots(), before, "CI writes no snapshot file");
}

#[test]
fn ok_rejected_token_is_exchanged_once_more() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    sandbox.expire_issued_tokens();
    let run = smoke(&ws, &["--only", "users_me", "--only", "users_lines"]);
    run.assert_code(0)
        .assert_stderr_contains("exchanging the PAT once more");
    assert_eq!(
        token_requests(&sandbox),
        2,
        "one re-exchange, shared by both calls"
    );
}

#[test]
fn err_token_still_rejected_after_a_fresh_exchange_says_what_to_check() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // A cached token (from an earlier run) that the API rejects is renewed once. (A token the
    // run minted itself and that no call was accepted with is not: see `refusals`.)
    ws.xtask(&["token"]).run().assert_code(0);
    sandbox.inject(Fault {
        path_prefix: "/users/v1/lines".into(),
        times: 2,
        kind: FaultKind::Respond {
            status: 401,
            content_type: Some("application/json".into()),
            body:
                br#"{"errorCode":"AUTHN_INVALID_TOKEN","message":"The access token is not valid."}"#
                    .to_vec(),
            retry_after: None,
        },
    });
    let run = smoke(&ws, &["--only", "users_lines"]);
    run.assert_code(1);
    let line = line(&run, "users_lines");
    assert!(
        line.contains("failed")
            && line.contains("rejected the access token even after a fresh exchange"),
        "{line}"
    );
    assert_eq!(token_requests(&sandbox), 2);
}

#[test]
fn ok_429_is_retried_with_and_without_retry_after() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    for retry_after in [Some("1"), None] {
        sandbox.inject(Fault {
            path_prefix: "/users/v1/lines".into(),
            times: 1,
            kind: FaultKind::Respond {
                status: 429,
                content_type: Some("application/json".into()),
                body: br#"{"errorCode":"TOO_MANY_REQUESTS","message":"slow down"}"#.to_vec(),
                retry_after: retry_after.map(str::to_owned),
            },
        });
        let run = smoke(&ws, &["--only", "users_lines"]);
        run.assert_code(0)
            .assert_stderr_contains("answered 429; retrying");
    }
}

#[test]
fn ok_latency_runs_calls_concurrently() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    sandbox.set_latency(Duration::from_millis(300));
    let run = smoke(&ws, &[]);
    run.assert_code(0);
    // Ten calls of 300 ms each, one after another, would take 3 s; users_me and one dependent
    // call are the critical path.
    assert!(
        run.elapsed < Duration::from_millis(2500),
        "{:?}",
        run.elapsed
    );
}

#[test]
fn err_unknown_only_name_is_a_usage_error() {
    let ws = Workspace::with_contents("");
    ws.xtask(&["smoke", "--only", "nope"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("users_me");
}

#[test]
fn ok_api_prints_the_answer_as_json() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws.xtask(&["api", "/identity/v1/Users/me"]).run();
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(json["userName"], seed::ADMIN_EMAIL);
    let explicit = ws.xtask(&["api", "get", "/users/v1/lines"]).run();
    explicit.assert_code(0);
    assert!(
        serde_json::from_str::<serde_json::Value>(&explicit.stdout).unwrap()["items"].is_array()
    );
}

#[test]
fn err_api_failures_show_status_and_summary() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::IDENTITY_ONLY_PAT);
    let run = ws.xtask(&["api", "/users/v1/lines"]).run();
    run.assert_code(1)
        .assert_stderr_contains("answered 403")
        .assert_stderr_contains("AUTHZ_INSUFFICIENT_SCOPE")
        // GoTo's message names the scope, and redaction leaves it readable.
        .assert_stderr_contains("does not have the required scope: users.v1.lines.read");
    assert_eq!(run.stdout, "");
    ws.xtask(&["api", "/no/such/path"])
        .run()
        .assert_code(1)
        .assert_stderr_contains("answered 404");
    ws.xtask(&["api", "users"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("must start with `/`");
}

#[test]
fn ok_first_run_records_snapshots_and_ci_records_none() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("snapshots");
    let dir_arg = dir.to_str().unwrap();
    let first = ws
        .xtask(&["smoke", "--only", "users_lines", "--snapshots", dir_arg])
        .run();
    first.assert_code(0);
    assert!(
        line(&first, "users_lines").contains("new")
            && line(&first, "users_lines").contains("recorded")
    );
    let recorded = std::fs::read_to_string(dir.join("users_lines.snap")).expect("recorded");
    assert!(recorded.starts_with("---\n") && recorded.contains("status: 200\nshape: {"));
    let second = ws
        .xtask(&["smoke", "--only", "users_lines", "--snapshots", dir_arg])
        .run();
    second.assert_code(0);
    assert!(line(&second, "users_lines").contains(" ok"));

    let empty = ws.dir().join("empty");
    let ci = ws
        .xtask(&[
            "smoke",
            "--only",
            "users_lines",
            "--snapshots",
            empty.to_str().unwrap(),
        ])
        .env("CI", "true")
        .run();
    ci.assert_code(1);
    assert!(line(&ci, "users_lines").contains("new"));
    assert!(!empty.exists(), "CI writes no snapshot");
}

#[test]
fn err_changed_shape_outside_ci_leaves_a_pending_snapshot_for_review() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("snapshots");
    let args = [
        "smoke",
        "--only",
        "users_lines",
        "--snapshots",
        dir.to_str().unwrap(),
    ];
    ws.xtask(&args).run().assert_code(0);
    let accepted = std::fs::read_to_string(dir.join("users_lines.snap")).unwrap();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let run = ws.xtask(&args).run();
    run.assert_code(1)
        .assert_stderr_contains("cargo insta review");
    let pending =
        std::fs::read_to_string(dir.join("users_lines.snap.new")).expect("a .snap.new for review");
    assert!(pending.contains("externalId"), "{pending}");
    assert_eq!(
        std::fs::read_to_string(dir.join("users_lines.snap")).unwrap(),
        accepted
    );
}

#[test]
fn ok_api_renews_on_gotowebinars_403_invalid_token() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    sandbox.expire_issued_tokens();
    let path = format!(
        "/G2W/rest/v2/organizers/{}/webinars?fromTime=2020-01-01T00:00:00Z&toTime=2020-01-20T00:00:00Z",
        seed::ADMIN_USER_KEY
    );
    let run = ws.xtask(&["api", &path]).run();
    run.assert_code(0)
        .assert_stderr_contains("exchanging the PAT once more");
    assert_eq!(token_requests(&sandbox), 2);
}
