//! GoTo's refusals that are about the account, not the API: its own insufficient-scope answer
//! and the Admin API's refusal of a user who is not an administrator. Both are `skipped` with
//! the reason, cost no second token exchange, and leave smoke's exit code at 0.

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

fn respond_403(path: &str, body: &[u8]) -> Fault {
    Fault {
        path_prefix: path.into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 403,
            content_type: Some("application/json".into()),
            body: body.to_vec(),
            retry_after: None,
        },
    }
}

/// The line smoke prints for `call`.
fn line<'a>(run: &'a Run, call: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{call} ")))
        .unwrap_or_else(|| panic!("no line for {call}:\n{}", run.stderr))
}

#[test]
fn ok_gotos_insufficient_scope_is_a_skip_naming_the_scope_with_one_exchange() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // The token's scope list holds cr.v1.read, so smoke sends the call; GoTo refuses it.
    sandbox.refuse_scope("/call-events-report/", "call-events-report.v1.read");
    let run = ws.xtask(&["smoke", "--json"]).env("CI", "true").run();
    run.assert_code(0)
        .assert_stderr_contains("11 ok, 0 changed, 0 new, 1 skipped, 0 failed");
    let line = line(&run, "report_summaries");
    assert!(
        line.contains(" 403 ")
            && line.contains("skipped")
            && line.contains("the token lacks the scope call-events-report.v1.read"),
        "{line}"
    );
    assert!(!run.stderr.contains("[redacted]"), "{}", run.stderr);
    assert!(!run.stderr.contains("exchanging the PAT once more"));
    assert_eq!(token_requests(&sandbox), 1, "no re-exchange");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let call = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "report_summaries")
        .unwrap()
        .clone();
    assert_eq!(call["verdict"], "skipped");
    assert_eq!(call["status"], 403);
    assert_eq!(
        call["detail"],
        "GoTo answered that the token lacks the scope call-events-report.v1.read"
    );
}

#[test]
fn ok_insufficient_scope_in_the_webinar_envelope_is_a_skip_too() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.refuse_scope("/G2M/", "collab:");
    let run = ws
        .xtask(&["smoke", "--only", "upcoming_meetings"])
        .env("CI", "true")
        .run();
    run.assert_code(0);
    assert!(
        line(&run, "upcoming_meetings").contains(" 403 ")
            && line(&run, "upcoming_meetings")
                .contains("skipped  GoTo answered that the token lacks the scope collab:"),
        "{}",
        run.stderr
    );
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn ok_insufficient_scope_without_a_scope_name_is_a_skip_that_names_the_code() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond_403(
        "/users/v1/lines",
        br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"Insufficient scope"}"#,
    ));
    let run = ws
        .xtask(&["smoke", "--only", "users_lines"])
        .env("CI", "true")
        .run();
    run.assert_code(0);
    assert!(
        line(&run, "users_lines").contains(
            "skipped  GoTo answered that the token lacks a scope this call needs (AUTHZ_INSUFFICIENT_SCOPE)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_a_403_without_gotos_scope_code_stays_a_failure() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond_403(
        "/call-events-report/",
        br#"{"errorCode":"FORBIDDEN","message":"Access denied"}"#,
    ));
    let run = ws
        .xtask(&["smoke", "--only", "report_summaries"])
        .env("CI", "true")
        .run();
    run.assert_code(1);
    let line = line(&run, "report_summaries");
    assert!(
        line.contains(" 403 ") && line.contains("failed") && line.contains("FORBIDDEN"),
        "{line}"
    );
}

#[test]
fn ok_a_members_smoke_skips_the_admin_call_and_exits_0_without_a_second_exchange() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::MEMBER_PAT);
    let run = ws.xtask(&["smoke"]).env("CI", "true").run();
    // The member organises no webinars and no meetings: the detail calls have nothing to ask for.
    run.assert_code(0)
        .assert_stderr_contains("9 ok, 0 changed, 0 new, 3 skipped, 0 failed");
    let admin = line(&run, "admin_me");
    assert!(
        admin.contains(" 401 ") && admin.contains("skipped  needs an account administrator"),
        "{admin}"
    );
    assert!(!run.stderr.contains("exchanging the PAT once more"));
    assert_eq!(token_requests(&sandbox), 1, "no re-exchange");
    // The token stored by the one exchange is reused by the next run: nothing is rewritten.
    let stored = ws.contents();
    let again = ws
        .xtask(&["smoke", "--only", "admin_me"])
        .env("CI", "true")
        .run();
    again.assert_code(0);
    assert!(
        line(&again, "users_me").contains(" ok"),
        "users_me runs to tell the refusals apart"
    );
    assert!(line(&again, "admin_me").contains("needs an account administrator"));
    assert_eq!(token_requests(&sandbox), 1);
    assert_eq!(ws.contents(), stored);
}

#[test]
fn ok_an_admin_call_refused_with_an_expired_token_is_renewed_not_skipped() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    sandbox.expire_issued_tokens();
    let run = ws
        .xtask(&["smoke", "--only", "admin_me"])
        .env("CI", "true")
        .run();
    run.assert_code(0)
        .assert_stderr_contains("exchanging the PAT once more");
    assert!(line(&run, "admin_me").contains(" ok"), "{}", run.stderr);
    assert_eq!(token_requests(&sandbox), 2);
}
