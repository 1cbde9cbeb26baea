//! Hostile answers: a server's text is data, never control. A token endpoint that echoes our own
//! credentials back (the Basic credential, the PAT with lower-case percent escapes), server text
//! full of terminal control sequences, bidirectional overrides and workflow-command lines, and a
//! `$GITHUB_ENV` whose last line has no final newline.

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

/// Text a hostile server appends to what it says: a screen clear, a window-title OSC, BEL, NUL,
/// a CR that would overwrite the line, a C1 CSI, a right-to-left override, and two lines that
/// GitHub's runner would execute as workflow commands.
const HOSTILE: &str = "\x1b[2J\x1b]0;pwned\x07\0\rHIDDEN\u{9b}31m\u{202e}gnp.exe\n::warning title=x::injected\r\n  ::add-mask::everything";

fn queue(sandbox: &Sandbox, path: &str, kind: FaultKind) {
    sandbox.inject(Fault {
        path_prefix: path.into(),
        times: 1,
        kind,
    });
}

fn json_fault(status: u16, body: serde_json::Value) -> FaultKind {
    FaultKind::Respond {
        status,
        content_type: Some("application/json".into()),
        body: body.to_string().into_bytes(),
        retry_after: None,
    }
}

/// What a terminal or a CI runner would act on: a control character other than a line feed, a
/// bidirectional control, or a line that starts a workflow command.
fn assert_inert(stream: &str, text: &str) {
    for c in text.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{stream} carries {c:?} raw:\n{text:?}"
        );
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::"),
            "{stream} has a line a runner would execute: {line:?}"
        );
    }
}

#[test]
fn err_a_token_endpoint_that_echoes_the_basic_credential_and_the_pat_has_them_redacted() {
    let sandbox = Sandbox::start();
    // The seeded PAT has `+`, `/` and `=`, so its percent-encoded form differs from it.
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    queue(
        &sandbox,
        "/oauth/token",
        FaultKind::Echo {
            status: 401,
            suffix: String::new(),
        },
    );
    let before = ws.contents();
    // The scanner looks for every form of the client secret, the PAT and the Basic credential:
    // raw, base64, and percent-encoded in upper- and lower-case hex.
    let run = ws
        .xtask(&["token", "--force"])
        .secret(&basic_credential(seed::CLIENT_ID, seed::CLIENT_SECRET))
        .run();
    run.assert_code(1)
        .assert_stderr_contains("invalid_client")
        .assert_stderr_contains("Authorization: Basic [redacted]")
        .assert_stderr_contains("GOTO_CLIENT_ID");
    // The server really did echo them, in the forms the scanner looks for.
    let sent = sandbox.requests();
    let echoed = String::from_utf8_lossy(&sent[0].body).to_lowercase();
    assert!(echoed.contains("%2b") && echoed.contains("%3d"), "{echoed}");
    assert_eq!(
        ws.contents(),
        before,
        "a failed run leaves the file as it was"
    );
}

#[test]
fn err_server_text_reaches_the_terminal_and_the_runner_escaped() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    queue(
        &sandbox,
        "/oauth/token",
        json_fault(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": format!("PAT revoked{HOSTILE}")}),
        ),
    );
    let run = ws
        .xtask(&["token", "--force"])
        .env("GITHUB_ACTIONS", "true")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("PAT revoked\\x1b[2J\\x1b]0;pwned\\x07\\0\\rHIDDEN\\u{9b}31m\\u{202e}gnp.exe\\n::warning title=x::injected");
    assert_inert("stderr", &run.stderr);

    // An API's own message, through `api` and through smoke's table and annotations.
    let message = format!("Not allowed{HOSTILE}");
    queue(
        &sandbox,
        "/identity/v1/Users/me",
        json_fault(
            403,
            serde_json::json!({"errorCode": "FORBIDDEN", "message": message}),
        ),
    );
    let run = ws
        .xtask(&["api", "/identity/v1/Users/me"])
        .env("GITHUB_ACTIONS", "true")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("Not allowed\\x1b[2J");
    assert_inert("stderr", &run.stderr);
    assert_eq!(run.stdout, "");

    queue(
        &sandbox,
        "/identity/v1/Users/me",
        json_fault(
            404,
            serde_json::json!({"errorCode": "NOT_FOUND", "message": message}),
        ),
    );
    let run = ws
        .xtask(&["smoke", "--only", "users_me"])
        .env("GITHUB_ACTIONS", "true")
        .env("CI", "true")
        .run();
    run.assert_code(1);
    assert_inert(
        "stderr",
        &run.stderr.replace("\n::error title=", "\nERROR title="),
    );
    assert!(run.stderr.contains("::error title=smoke"), "{}", run.stderr);
}

#[test]
fn ok_an_answer_full_of_control_characters_is_printed_as_json_escapes() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let name = format!("Dana{HOSTILE}");
    queue(
        &sandbox,
        "/identity/v1/Users/me",
        json_fault(200, serde_json::json!({"userName": name})),
    );
    let run = ws.xtask(&["api", "/identity/v1/Users/me"]).run();
    run.assert_code(0);
    assert_inert("stdout", &run.stdout);
    let back: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(back["userName"], name, "the same text, escaped only");
}

#[test]
fn ok_github_env_without_a_final_newline_gets_the_token_on_a_line_of_its_own() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let github_env = ws.dir().join("github_env");
    std::fs::write(&github_env, "FOO=bar").unwrap();
    // The token is minted first, so the scanner can allow it where `--github-env` prints it:
    // in the mask command on stdout.
    ws.xtask(&["token"]).run().assert_code(0);
    let token = ws.value("GOTO_ACCESS_TOKEN").unwrap();
    let run = ws
        .xtask(&["token", "--github-env"])
        .env("GITHUB_ENV", github_env.to_str().unwrap())
        .env("GITHUB_ACTIONS", "true")
        .allow_on_stdout(&token)
        .run();
    run.assert_code(0);
    let expires_at = ws.value("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap();
    assert_eq!(
        std::fs::read_to_string(&github_env).unwrap(),
        format!("FOO=bar\nGOTO_ACCESS_TOKEN={token}\nGOTO_ACCESS_TOKEN_EXPIRES_AT={expires_at}\n")
    );
    let parsed: Vec<(String, String)> = dotenvy::from_path_iter(&github_env)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        parsed[0],
        ("FOO".into(), "bar".into()),
        "FOO keeps its value"
    );
}
