//! Small things that must read right: an unusable `$GITHUB_ENV` found before the exchange, usage
//! errors that are usage errors, a closed stdout, a long `Retry-After` explained, `smoke --list
//! --json`, and advice that works.

use crate::support::*;

#[test]
fn err_unusable_github_env_exits_2_before_the_exchange() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let directory = ws.dir().join("a-directory");
    std::fs::create_dir(&directory).unwrap();
    let missing = ws.dir().join("no-such-dir/github_env");
    for (path, why) in [
        (&directory, "which is a directory"),
        (&missing, "does not exist"),
    ] {
        let run = ws
            .xtask(&["token", "--github-env"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ENV", path.to_str().unwrap())
            .run();
        run.assert_code(2)
            .assert_stderr_contains("$GITHUB_ENV names")
            .assert_stderr_contains(why);
        assert_eq!(run.stdout, "", "no mask line for a token never minted");
        assert_eq!(token_requests(&sandbox), 0, "no exchange");
        assert_eq!(ws.contents(), before);
    }
    assert!(!missing.exists());
}

#[test]
fn err_api_method_with_a_space_is_a_usage_error() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["api", "GE T", "/identity/v1/Users/me"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("`GE T` is not an HTTP method");
    assert!(sandbox.requests().is_empty(), "nothing was sent");
}

#[test]
fn ok_token_print_into_a_closed_pipe_exits_quietly() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let mut command = ws.xtask(&["token", "--print"]).into_command();
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the token is printed, as `| true` or `| head -c0` does.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(
        ws.value("GOTO_ACCESS_TOKEN").is_some(),
        "the token is stored"
    );
    let token = ws.value("GOTO_ACCESS_TOKEN").unwrap();
    assert!(!stderr.contains(&token));
}

#[test]
fn err_api_429_with_a_long_retry_after_explains_the_wait() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(goto_sandbox::Fault {
        path_prefix: "/identity/".into(),
        times: 1,
        kind: goto_sandbox::FaultKind::Respond {
            status: 429,
            content_type: Some("application/json".into()),
            body: br#"{"errorCode":"TOO_MANY_REQUESTS","message":"Rate limit exceeded"}"#.to_vec(),
            retry_after: Some("120".into()),
        },
    });
    let run = ws.xtask(&["api", "/identity/v1/Users/me"]).run();
    run.assert_code(1)
        .assert_stderr_contains("answered 429: TOO_MANY_REQUESTS: Rate limit exceeded")
        .assert_stderr_contains(
            "it asks to wait 120 s (Retry-After), longer than the 30 s this tool waits; GoTo \
             allows about 10 requests per second per API; try again later",
        );
    let calls = sandbox
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/identity/"))
        .count();
    assert_eq!(calls, 1, "a wait longer than the cap is not waited for");
}

#[test]
fn ok_smoke_list_json_is_json() {
    let run = xtask(&["smoke", "--list", "--json"]).run();
    run.assert_code(0);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    let names: Vec<_> = list["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|call| call["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, super::smoke::CALLS);
    assert_eq!(list["calls"][0]["scopes"][0], "identity:scim.me");
    assert!(list["calls"][0]["about"].is_string());
}

#[test]
fn err_changed_snapshot_diff_shows_the_recorded_line_before_the_answered_one() {
    let sandbox = Sandbox::start();
    sandbox.set_shape_drift("/users/v1/lines", true);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws
        .xtask(&["smoke", "--only", "users_lines"])
        .env("CI", "true")
        .run();
    run.assert_code(1);
    // The first character of every line: `-` recorded, `+` answered, ` ` shared.
    let marks: Vec<char> = run
        .stderr
        .lines()
        .filter_map(|line| line.chars().next())
        .collect();
    assert!(
        marks.contains(&'-') && marks.contains(&'+'),
        "{}",
        run.stderr
    );
    assert!(
        !marks.windows(2).any(|pair| pair == ['+', '-']),
        "an answered line before the recorded one it replaces:\n{}",
        run.stderr
    );
}

#[test]
fn err_env_file_in_a_missing_directory_says_to_create_it_not_to_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("missing/x.env");
    let run = xtask(&["token"]).env_file(&env_file).run();
    run.assert_code(2)
        .assert_stderr_contains("does not exist: create it (mkdir -p ")
        .assert_stderr_contains("or fix the --env-file path");
    // And `init`, should the user try it anyway, says the same instead of failing obscurely.
    let run = xtask(&["init"]).env_file(&env_file).run();
    run.assert_code(2)
        .assert_stderr_contains("its directory")
        .assert_stderr_contains("does not exist; create it (mkdir -p ");
    assert!(!env_file.exists());
}

#[test]
fn ok_completion_scripts_offer_the_smoke_call_names_for_only() {
    // PowerShell's generator completes no option values at all; the other three do.
    for shell in ["bash", "zsh", "fish"] {
        let run = xtask(&["completions", shell]).run();
        run.assert_code(0);
        for name in super::smoke::CALLS {
            assert!(run.stdout.contains(name), "{shell} offers {name}");
        }
    }
    let run = xtask(&["completions", "bash"]).run();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("xtask.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    // `xtask smoke --only us<Tab>`, as bash asks for it.
    let probe = format!(
        "source '{}'; COMP_WORDS=(xtask smoke --only us); COMP_CWORD=3; \
         COMP_LINE='xtask smoke --only us'; COMP_POINT=21; _xtask xtask us --only; \
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let completed = std::process::Command::new("bash")
        .args(["-c", &probe])
        .output()
        .unwrap();
    assert!(completed.status.success(), "{completed:?}");
    let offered: Vec<String> = String::from_utf8_lossy(&completed.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let expected: Vec<&str> = super::smoke::CALLS
        .into_iter()
        .filter(|name| name.starts_with("us"))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(offered, expected);
}
