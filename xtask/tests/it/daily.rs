//! "Using the token elsewhere": `token --header`, `token --github-env`, `api --paginate` and
//! `completions`, through the real binary against the sandbox (`exec` has its own module).

use std::process::{Command, Stdio};

use crate::support::*;

/// A workspace whose env file already holds a token, and that token.
fn with_token(sandbox: &Sandbox) -> (Workspace, String) {
    let ws = Workspace::for_sandbox(sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let token = ws.value("GOTO_ACCESS_TOKEN").expect("token stored");
    (ws, token)
}

#[test]
fn ok_token_header_prints_only_the_header_and_curl_can_use_it() {
    let sandbox = Sandbox::start();
    let (ws, token) = with_token(&sandbox);
    let run = ws
        .xtask(&["token", "--header"])
        .allow_on_stdout(&token)
        .run();
    run.assert_code(0);
    assert_eq!(run.stdout, format!("Authorization: Bearer {token}\n"));
    assert_eq!(token_requests(&sandbox), 1, "the stored token is reused");

    // `curl -H @-` reads the header from stdin, as the README shows.
    let mut curl = Command::new("curl")
        .args(["-sS", "-f", "-H", "@-"])
        .arg(format!("{}/identity/v1/Users/me", sandbox.base_url()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl is installed (see README, Development)");
    std::io::Write::write_all(&mut curl.stdin.take().unwrap(), run.stdout.as_bytes()).unwrap();
    let answer = curl.wait_with_output().unwrap();
    assert!(answer.status.success(), "curl with the header: {answer:?}");
    assert!(String::from_utf8_lossy(&answer.stdout).contains(seed::ADMIN_EMAIL));
}

#[test]
fn err_token_header_conflicts_with_print() {
    let ws = Workspace::with_contents("");
    let run = ws.xtask(&["token", "--header", "--print"]).run();
    run.assert_code(2)
        .assert_stderr_contains("cannot be used with");
}

#[test]
fn ok_token_github_env_masks_first_then_appends_token_and_expiry() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let github_env = ws.dir().join("github_env");
    std::fs::write(&github_env, "EARLIER_STEP=kept\n").unwrap();
    // The token is not known before the run: let the scanner allow whatever the file gets by
    // checking stdout's shape here instead.
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["token", "--github-env", "--env-file"])
        .arg(&ws.env_file)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_ENV", &github_env);
    for (key, _) in std::env::vars() {
        if key.starts_with("GOTO_") || key == "CI" {
            command.env_remove(key);
        }
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let token = ws
        .value("GOTO_ACCESS_TOKEN")
        .expect("token stored in the env file too");
    let expires_at = ws.value("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap();
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("::add-mask::{token}\n"),
        "stdout holds the mask command and nothing else"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains(&token), "no token on stderr: {stderr}");
    assert!(stderr.contains("GITHUB_ENV"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&github_env).unwrap(),
        format!(
            "EARLIER_STEP=kept\nGOTO_ACCESS_TOKEN={token}\nGOTO_ACCESS_TOKEN_EXPIRES_AT={expires_at}\n"
        )
    );

    // A second step reuses the stored token and appends it again.
    let run = ws
        .xtask(&["token", "--github-env"])
        .env("GITHUB_ENV", github_env.to_str().unwrap())
        .allow_on_stdout(&token)
        .run();
    run.assert_code(0);
    assert_eq!(run.stdout, format!("::add-mask::{token}\n"));
    assert_eq!(token_requests(&sandbox), 1);
    let text = std::fs::read_to_string(&github_env).unwrap();
    assert_eq!(text.matches("GOTO_ACCESS_TOKEN=").count(), 2);
}

#[test]
fn err_token_github_env_without_github_env_exits_2_before_any_request() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let run = ws
        .xtask(&["token", "--github-env"])
        .env_remove("GITHUB_ENV")
        .run();
    run.assert_code(2)
        .assert_stderr_contains("GITHUB_ENV is not set");
    assert_eq!(run.stdout, "");
    assert_eq!(
        token_requests(&sandbox),
        0,
        "no token is minted to be thrown away"
    );
    assert_eq!(ws.contents(), before);
}

#[test]
fn ok_completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = xtask(&["completions", shell]).run();
        run.assert_code(0);
        for word in ["exec", "completions", "github-env", "header", "paginate"] {
            assert!(run.stdout.contains(word), "{shell} completes {word}");
        }
    }
    xtask(&["completions", "tcsh"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("possible values: bash, zsh, fish, powershell");
}

#[test]
fn ok_bash_completions_parse_and_complete() {
    let run = xtask(&["completions", "bash"]).run();
    run.assert_code(0);
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("xtask.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(syntax.status.success(), "bash -n: {syntax:?}");
    // Source it and ask for the completions of `xtask ex`, as bash would on Tab.
    let probe = format!(
        "source '{}'; COMP_WORDS=(xtask ex); COMP_CWORD=1; COMP_LINE='xtask ex'; COMP_POINT=8; _xtask xtask ex xtask; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let completed = Command::new("bash").args(["-c", &probe]).output().unwrap();
    assert!(completed.status.success(), "{completed:?}");
    assert_eq!(String::from_utf8_lossy(&completed.stdout).trim(), "exec");
}

/// `api` with these words and the env file of `ws`, stdout parsed as JSON.
fn api_json(ws: &Workspace, words: &[&str]) -> serde_json::Value {
    let run = ws.xtask(words).run();
    run.assert_code(0);
    serde_json::from_str(&run.stdout).expect("JSON on stdout")
}

/// How many requests the sandbox saw for `path` (query excluded).
fn requests_to(sandbox: &Sandbox, path: &str) -> usize {
    sandbox.requests().iter().filter(|r| r.path == path).count()
}

#[test]
fn ok_api_paginate_follows_next_page_markers() {
    let sandbox = Sandbox::start();
    let (ws, _) = with_token(&sandbox);
    let path = "/voice-admin/v1/phone-numbers";
    let all = api_json(
        &ws,
        &[
            "api",
            &format!("{path}?accountKey={}&pageSize=100", seed::ACCOUNT_KEY),
        ],
    );
    assert_eq!(requests_to(&sandbox, path), 1);
    let paged = api_json(
        &ws,
        &[
            "api",
            "--paginate",
            &format!("{path}?accountKey={}&pageSize=2", seed::ACCOUNT_KEY),
        ],
    );
    assert_eq!(seed::PHONE_NUMBER_COUNT, 5, "the test expects 3 pages of 2");
    assert_eq!(requests_to(&sandbox, path), 1 + 3, "one request per page");
    assert_eq!(paged, all["items"], "every record, in order, as one array");
    let markers: Vec<_> = sandbox
        .requests()
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.query.as_deref().unwrap_or("").contains("pageMarker="))
        .collect();
    assert_eq!(markers, [false, false, true, true]);
}

#[test]
fn ok_api_paginate_follows_webinar_page_numbers() {
    let sandbox = Sandbox::start();
    let (ws, _) = with_token(&sandbox);
    let path = format!("/G2W/rest/v2/organizers/{}/webinars", seed::ADMIN_USER_KEY);
    let query = "fromTime=2000-01-01T00:00:00Z&toTime=2100-01-01T00:00:00Z";
    let all = api_json(&ws, &["api", &format!("{path}?{query}&size=200")]);
    let paged = api_json(
        &ws,
        &["api", &format!("{path}?{query}&size=1"), "--paginate"],
    );
    const { assert!(seed::ADMIN_WEBINAR_COUNT >= 3, "at least three pages") };
    assert_eq!(
        requests_to(&sandbox, &path),
        1 + seed::ADMIN_WEBINAR_COUNT,
        "one request per page"
    );
    assert_eq!(paged, all["_embedded"]["webinars"]);
    assert_eq!(paged.as_array().unwrap().len(), seed::ADMIN_WEBINAR_COUNT);
}

#[test]
fn err_api_paginate_refuses_what_is_not_a_list_or_not_a_get() {
    let sandbox = Sandbox::start();
    let (ws, _) = with_token(&sandbox);
    ws.xtask(&["api", "--paginate", "/identity/v1/Users/me"])
        .run()
        .assert_code(1)
        .assert_stderr_contains("cannot page through /identity/v1/Users/me");
    ws.xtask(&["api", "POST", "/users/v1/lines", "--paginate"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("--paginate follows the pages of a list");
    ws.xtask(&[
        "api",
        "GET",
        "/users/v1/lines",
        "--paginate",
        "--data",
        "{}",
    ])
    .run()
    .assert_code(2)
    .assert_stderr_contains("without --data");
}
