//! `GoTo::from_env()` reads the process environment, which a test must not change in a process
//! whose other tests run at the same time: the test runs this test binary again as a child with
//! the environment `cargo xtask exec` gives a program, and the child checks the client.

use std::process::Command;
use std::time::{Duration, SystemTime};

use goto_auth::GoTo;
use serde_json::Value;

use crate::support::*;

/// Set in the child's environment: which scenario it plays.
const CHILD: &str = "GOTO_AUTH_IT_CHILD";

/// Runs `scenario` in a child with only these variables, and returns its combined output.
fn run_child(scenario: &str, variables: &[(&str, String)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "from_env::child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env(CHILD, scenario);
    for (key, value) in variables {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the child failed:\n{text}");
    assert!(
        text.contains("CHILD CHECKED"),
        "the child did not run:\n{text}"
    );
    text
}

#[test]
fn ok_from_env_with_only_a_token_uses_it_until_it_expires_then_says_it_cannot_renew() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    // Whole seconds: 1 to 2 s from now, time enough for the child's first two calls.
    let expires_at = humantime::format_rfc3339_seconds(SystemTime::now() + Duration::from_secs(2));
    run_child(
        "token-only",
        &[
            ("GOTO_ACCESS_TOKEN", token),
            ("GOTO_ACCESS_TOKEN_EXPIRES_AT", expires_at.to_string()),
            ("GOTO_API_URL", sandbox.base_url()),
        ],
    );
    assert_eq!(
        sandbox
            .requests()
            .iter()
            .filter(|request| request.path == "/oauth/token")
            .count(),
        0,
        "nothing to exchange with"
    );
}

#[test]
fn ok_from_env_with_the_three_credentials_exchanges_and_keeps_the_token_in_memory() {
    let sandbox = Sandbox::start();
    run_child(
        "credentials",
        &[
            ("GOTO_CLIENT_ID", seed::CLIENT_ID.to_owned()),
            ("GOTO_CLIENT_SECRET", seed::CLIENT_SECRET.to_owned()),
            ("GOTO_PAT", seed::PAT.to_owned()),
            ("GOTO_AUTH_URL", sandbox.base_url()),
            ("GOTO_API_URL", sandbox.base_url()),
        ],
    );
}

/// The child: plays the scenario its parent names. Run by the test runner itself (no scenario
/// set), it says on stderr that it did not run: its parents above are the tests.
#[test]
#[expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the child reports to its parent on its output"
)]
fn child() {
    let Ok(scenario) = std::env::var(CHILD) else {
        eprintln!("from_env::child runs only as a child of the from_env tests; it did not run");
        return;
    };
    match scenario.as_str() {
        "token-only" => {
            let goto = GoTo::from_env().expect("a token is configuration enough");
            for _ in 0..2 {
                let me: Value = goto.get("/identity/v1/Users/me").unwrap();
                assert_eq!(me["userName"], seed::ADMIN_EMAIL);
            }
            // Until the token has expired, and a little more.
            let expires_at = std::env::var("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap();
            let expires_at = humantime::parse_rfc3339(&expires_at).unwrap();
            let left = expires_at
                .duration_since(SystemTime::now())
                .unwrap_or_default();
            std::thread::sleep(left + Duration::from_millis(200));
            let error = goto.get::<Value>("/identity/v1/Users/me").unwrap_err();
            let text = error.to_string();
            assert!(text.contains("has expired"), "{text}");
            assert!(text.contains("GOTO_CLIENT_ID"), "{text}");
            assert!(error.is_configuration());
        }
        "credentials" => {
            let goto = GoTo::from_env().unwrap();
            let dir = std::env::current_dir().unwrap();
            let before: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
            for _ in 0..3 {
                let me: Value = goto.get("/identity/v1/Users/me").unwrap();
                assert_eq!(me["userName"], seed::ADMIN_EMAIL);
            }
            let after: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
            assert_eq!(before.len(), after.len(), "no file written");
        }
        other => panic!("no scenario {other}"),
    }
    println!("CHILD CHECKED");
}
