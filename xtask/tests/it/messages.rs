//! Messages and defaults that tell the truth: `api --data` is a POST as in `gh api`, and a GET
//! with a body is refused before anything is sent.

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
