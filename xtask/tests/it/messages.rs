//! Messages and defaults that tell the truth: `api --data` is a POST as in `gh api`, and a GET
//! with a body is refused before anything is sent; retries that ran out say how many attempts
//! were made and what the last answer was, and a retry line reads right for a broken
//! connection as for an answer.

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

#[test]
fn ok_api_data_without_a_method_is_a_post_with_the_body() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let body = r#"{"channelNickname":"smoke","channelType":"Webhook"}"#;
    let run = ws
        .xtask(&["api", "/notification-channel/v1/channels", "--data", body])
        .run();
    let sent: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path == "/notification-channel/v1/channels")
        .collect();
    assert_eq!(sent.len(), 1, "one request, not retried: {}", run.stderr);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].body, body.as_bytes());
    assert_eq!(sent[0].header("content-type"), Some("application/json"));
}

#[test]
fn err_api_get_with_data_is_refused_before_any_request() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    for method in ["GET", "get", "HEAD"] {
        let run = ws
            .xtask(&["api", method, "/users/v1/lines", "--data", "{}"])
            .run();
        run.assert_code(2)
            .assert_stderr_contains("carries no body, so --data cannot go with it");
        assert_eq!(run.stdout, "");
    }
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

fn queue(sandbox: &Sandbox, path: &str, times: usize, kind: FaultKind) {
    sandbox.inject(Fault {
        path_prefix: path.into(),
        times,
        kind,
    });
}

fn status(status: u16, retry_after: Option<&str>) -> FaultKind {
    FaultKind::Respond {
        status,
        content_type: Some("application/json".into()),
        body: br#"{"errorCode":"TOO_MANY_REQUESTS","message":"Too many requests"}"#.to_vec(),
        retry_after: retry_after.map(str::to_owned),
    }
}

#[test]
fn err_token_after_four_429s_says_how_many_attempts_and_the_last_answer() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    queue(&sandbox, "/oauth/token", 4, status(429, Some("1")));
    let run = ws.xtask(&["token"]).run();
    run.assert_code(1)
        .assert_stderr_contains(
            "the token endpoint answered 429; retrying in 1.0 s (attempt 2 of 4)",
        )
        .assert_stderr_contains(&format!(
            "after 4 attempts, {}/oauth/token answered 429 Too Many Requests (Retry-After: 1): \
             GoTo allows about 10 requests per second per API",
            sandbox.base_url()
        ));
    assert!(
        !run.stderr.contains("longer than"),
        "a 1 s wait was honoured, not refused:\n{}",
        run.stderr
    );
    assert_eq!(token_requests(&sandbox), 4);
    assert_eq!(ws.contents(), before);
}

#[test]
fn err_a_retry_after_beyond_the_cap_is_reported_as_such_after_one_attempt() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    queue(&sandbox, "/oauth/token", 1, status(429, Some("3600")));
    let run = ws.xtask(&["token"]).run();
    run.assert_code(1).assert_stderr_contains(
        "answered 429 Too Many Requests and asks to wait 3600 s (Retry-After), longer than the \
         30 s this tool waits",
    );
    assert!(!run.stderr.contains("attempts,"), "{}", run.stderr);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn ok_a_dropped_connection_is_retried_in_words_that_fit() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    queue(&sandbox, "/oauth/token", 1, FaultKind::Drop);
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("the token endpoint could not be reached (");
    assert!(
        !run.stderr.contains("answered the connection"),
        "{}",
        run.stderr
    );
}

#[test]
fn err_smoke_after_retries_ran_out_says_how_many_attempts_and_the_last_answer() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    queue(
        &sandbox,
        "/users/v1/lines",
        4,
        FaultKind::Respond {
            status: 503,
            content_type: Some("application/json".into()),
            body: br#"{"errorCode":"UNAVAILABLE","message":"try later"}"#.to_vec(),
            retry_after: Some("0".into()),
        },
    );
    let run = ws
        .xtask(&["smoke", "--only", "users_lines"])
        .env("CI", "true")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("/users/v1/lines answered 503; retrying");
    let line = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("users_lines "))
        .unwrap();
    assert!(
        line.contains(" 503 ")
            && line.contains("failed   after 4 attempts, UNAVAILABLE: try later"),
        "{line}"
    );
}
