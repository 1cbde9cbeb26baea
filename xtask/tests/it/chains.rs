//! Smoke calls that take values from earlier answers (a webinar's registrants, a meeting by the
//! id `upcoming_meetings` gave), what happens when there is nothing to take or the pointer finds
//! nothing, a call the sandbox does not serve, and the Admin API's answers that are and are not a
//! missing role (issue #19, case 6).

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

fn smoke(ws: &Workspace, only: &[&str]) -> Run {
    let mut args = vec!["smoke"];
    for name in only {
        args.extend(["--only", name]);
    }
    ws.xtask(&args).env("CI", "true").run()
}

/// The line smoke prints for `call`.
fn line<'a>(run: &'a Run, call: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|line| line.trim_start().starts_with(&format!("{call} ")))
        .unwrap_or_else(|| panic!("no line for {call}:\n{}", run.stderr))
}

/// The GET paths the sandbox received, in arrival order.
fn paths(sandbox: &Sandbox) -> Vec<String> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path.clone())
        .collect()
}

fn respond(path: &str, times: usize, status: u16, body: &[u8]) -> Fault {
    Fault {
        path_prefix: path.into(),
        times,
        kind: FaultKind::Respond {
            status,
            content_type: Some("application/json".into()),
            body: body.to_vec(),
            retry_after: None,
        },
    }
}

#[test]
fn ok_chained_calls_run_after_their_source_with_its_value() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = smoke(&ws, &["webinar_registrants", "meeting"]);
    run.assert_code(0)
        .assert_stderr_contains("5 ok, 0 changed, 0 new, 0 skipped, 0 failed");
    for call in ["webinar_registrants", "meeting"] {
        assert!(line(&run, call).contains(" 200 "), "{}", run.stderr);
    }
    let paths = paths(&sandbox);
    let position = |wanted: &str| {
        paths
            .iter()
            .position(|path| path == wanted)
            .unwrap_or_else(|| panic!("{wanted} was not asked for: {paths:?}"))
    };
    let webinars = position(&format!(
        "/G2W/rest/v2/organizers/{}/webinars",
        seed::ADMIN_USER_KEY
    ));
    let registrants = position(&format!(
        "/G2W/rest/v2/organizers/{}/webinars/{}/registrants",
        seed::ADMIN_USER_KEY,
        seed::FIRST_WEBINAR_KEY
    ));
    assert!(position("/identity/v1/Users/me") < webinars && webinars < registrants);
    let upcoming = position("/G2M/rest/upcomingMeetings");
    let meeting = position(&format!("/G2M/rest/meetings/{}", seed::FIRST_MEETING_ID));
    assert!(upcoming < meeting, "{paths:?}");
}

#[test]
fn ok_a_value_is_percent_encoded_into_the_path() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond(
        "/G2M/rest/upcomingMeetings",
        1,
        200,
        br#"[{"meetingId":"12/3 4"}]"#,
    ));
    let run = smoke(&ws, &["meeting"]);
    // The sandbox has no such meeting; what matters is the path it was asked.
    assert!(line(&run, "meeting").contains(" 404 "), "{}", run.stderr);
    let asked = sandbox
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/G2M/rest/meetings/"))
        .expect("the meeting was asked for");
    assert_eq!(asked.path, "/G2M/rest/meetings/12%2F3%204");
}

#[test]
fn ok_an_empty_source_list_skips_the_chained_calls_naming_the_value() {
    let sandbox = Sandbox::start();
    // The member organises no webinars and no meetings.
    let ws = Workspace::for_sandbox(&sandbox, seed::MEMBER_PAT);
    let run = smoke(&ws, &["webinar_registrants", "meeting"]);
    run.assert_code(0)
        .assert_stderr_contains("3 ok, 0 changed, 0 new, 2 skipped, 0 failed");
    let registrants = line(&run, "webinar_registrants");
    assert!(
        registrants
            .contains("skipped  webinars gave no {webinar_key}: /_embedded/webinars is empty"),
        "{registrants}"
    );
    let meeting = line(&run, "meeting");
    assert!(
        meeting.contains(
            "skipped  upcoming_meetings gave no {meeting_id}: its answer is an empty list"
        ),
        "{meeting}"
    );
    assert!(
        !paths(&sandbox)
            .iter()
            .any(|p| p.ends_with("/registrants") || p.starts_with("/G2M/rest/meetings/")),
        "nothing is sent for a skipped call"
    );
}

#[test]
fn err_a_pointer_that_finds_nothing_in_a_non_empty_answer_fails() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // A meeting record without `meetingId`: the pointer `/0/meetingId` finds nothing.
    sandbox.inject(respond(
        "/G2M/rest/upcomingMeetings",
        1,
        200,
        br#"[{"meetingKey":"318664941"}]"#,
    ));
    let run = smoke(&ws, &["meeting"]);
    run.assert_code(1);
    let meeting = line(&run, "meeting");
    assert!(
        meeting.contains("failed")
            && meeting.contains(
                "upcoming_meetings's answer has nothing at /0/meetingId for {meeting_id}"
            ),
        "{meeting}"
    );
}

#[test]
fn ok_a_source_that_failed_or_was_skipped_skips_its_chained_call() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond(
        "/G2M/rest/upcomingMeetings",
        1,
        400,
        br#"{"int_err_code":"InvalidRequest","msg":"no"}"#,
    ));
    let run = smoke(&ws, &["meeting"]);
    run.assert_code(1);
    assert!(line(&run, "upcoming_meetings").contains("failed"));
    assert!(
        line(&run, "meeting").contains("skipped  needs upcoming_meetings, which failed"),
        "{}",
        run.stderr
    );
    let viewer = Workspace::for_sandbox(&sandbox, seed::IDENTITY_ONLY_PAT);
    let run = smoke(&viewer, &["webinar_registrants"]);
    run.assert_code(0);
    assert!(line(&run, "webinar_registrants").contains("the token lacks the scope collab:"));
}

#[test]
fn ok_a_call_the_sandbox_does_not_serve_is_skipped_and_a_plain_404_fails() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.stop_serving("/G2M/rest/meetings/");
    let run = smoke(&ws, &["meeting"]);
    run.assert_code(0)
        .assert_stderr_contains("1 ok, 0 changed, 0 new, 1 skipped, 0 failed");
    let meeting = line(&run, "meeting");
    assert!(
        meeting.contains(" 404 ") && meeting.contains("skipped  not served by the sandbox"),
        "{meeting}"
    );
    // A proxy's or GoTo's own 404 is not the sandbox's mark: it fails.
    let proxy = Sandbox::start();
    let ws = Workspace::for_sandbox(&proxy, seed::PAT);
    proxy.inject(respond(
        "/G2M/rest/meetings/",
        1,
        404,
        br#"{"errorCode":"NOT_FOUND","message":"No route"}"#,
    ));
    let run = smoke(&ws, &["meeting"]);
    run.assert_code(1);
    assert!(
        line(&run, "meeting").contains("failed   NOT_FOUND: No route"),
        "{}",
        run.stderr
    );
}

/// Issue #19, case 6: after `users_me` answered, only the Admin API's 401 `not.authenticated`
/// is a missing role; a suspended account (401 or 403) and a 5xx fail with GoTo's message.
#[test]
fn err_admin_refusals_other_than_the_missing_role_fail_with_gotos_message() {
    let suspended = br#"{"errorCode":"ACCOUNT_SUSPENDED","message":"The account is suspended."}"#;
    for status in [401, 403] {
        let sandbox = Sandbox::start();
        let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
        sandbox.inject(respond("/admin/rest/v1/me", 1, status, suspended));
        let run = smoke(&ws, &["admin_me"]);
        run.assert_code(1);
        let admin = line(&run, "admin_me");
        assert!(
            admin.contains(&format!(" {status} "))
                && admin.contains("failed   ACCOUNT_SUSPENDED: The account is suspended."),
            "{admin}"
        );
        assert!(!admin.contains("administrator"), "{admin}");
        assert_eq!(token_requests(&sandbox), 1, "a good token is not renewed");
    }
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond(
        "/admin/rest/v1/me",
        10,
        503,
        br#"{"errorCode":"SERVICE_UNAVAILABLE","message":"Down for maintenance."}"#,
    ));
    let run = smoke(&ws, &["admin_me"]);
    run.assert_code(1);
    let admin = line(&run, "admin_me");
    assert!(
        admin.contains(" 503 ")
            && admin.contains("failed")
            && admin.contains("Down for maintenance."),
        "{admin}"
    );
    // The member's own refusal stays a skip (see `refusals`), here by the sandbox's real answer.
    let sandbox = Sandbox::start();
    let member = Workspace::for_sandbox(&sandbox, seed::MEMBER_PAT);
    let run = smoke(&member, &["admin_me"]);
    run.assert_code(0);
    assert!(line(&run, "admin_me").contains("skipped  needs an account administrator"));
}
