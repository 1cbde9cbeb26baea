//! `cargo xtask status` and `cargo xtask init`.

use std::os::unix::fs::PermissionsExt;

use crate::support::*;

#[test]
fn ok_status_masks_secrets_and_reports_the_token() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.xtask(&["status"]).run();
    before
        .assert_code(0)
        // The advice keeps the test's own env file, as every remedy does for a chosen file.
        .assert_stderr_contains(&format!(
            "none yet: run `cargo xtask token --env-file {}`",
            ws.env_file.display()
        ));
    ws.xtask(&["token"]).run().assert_code(0);
    let run = ws.xtask(&["status"]).run();
    run.assert_code(0)
        .assert_stderr_contains("GOTO_CLIENT_SECRET")
        .assert_stderr_contains("set, hidden")
        .assert_stderr_contains("valid until")
        .assert_stderr_contains(seed::ADMIN_EMAIL)
        .assert_stderr_contains("local sandbox");
    assert!(
        !run.stderr.contains(seed::CLIENT_ID),
        "the client id is shown masked"
    );
    assert_eq!(run.stdout, "");
    assert_eq!(token_requests(&sandbox), 1, "status sends nothing");
}

#[test]
fn ok_status_json() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let run = ws.xtask(&["status", "--json"]).run();
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert_eq!(json["token"]["valid"], true);
    assert_eq!(json["token"]["minted_for_current_credentials"], true);
    assert_eq!(json["token"]["principal"], seed::ADMIN_EMAIL);
    assert_eq!(json["keys"]["GOTO_PAT"]["set"], true);
    assert_eq!(json["keys"]["GOTO_PAT"]["from"], "file");
    assert_eq!(json["api_url"], sandbox.base_url());
}

#[test]
fn err_status_with_missing_keys_reports_then_exits_2() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=abcdef\n");
    let run = ws.xtask(&["status"]).run();
    run.assert_code(2)
        .assert_stderr_contains("GOTO_PAT")
        .assert_stderr_contains("not set");
}

#[test]
fn ok_init_creates_a_private_file_and_never_overwrites() {
    let ws = Workspace::with_contents("");
    let env_file = ws.dir().join("new.env");
    let run = xtask(&["init"]).env_file(&env_file).run();
    run.assert_code(0)
        .assert_stderr_contains("developer.logmeininc.com/clients")
        .assert_stderr_contains("myaccount.goto.com");
    let mode = std::fs::metadata(&env_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.example")).unwrap();
    assert_eq!(std::fs::read_to_string(&env_file).unwrap(), example);

    std::fs::write(&env_file, "GOTO_PAT=mine\n").unwrap();
    xtask(&["init"])
        .env_file(&env_file)
        .run()
        .assert_code(0)
        .assert_stderr_contains("already exists");
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        "GOTO_PAT=mine\n"
    );
}

#[test]
fn ok_env_example_lists_every_key() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../.env.example")).unwrap();
    for key in [
        "GOTO_CLIENT_ID",
        "GOTO_CLIENT_SECRET",
        "GOTO_PAT",
        "GOTO_AUTH_URL",
        "GOTO_API_URL",
        "GOTO_ACCESS_TOKEN",
        "GOTO_ACCESS_TOKEN_EXPIRES_AT",
        "GOTO_TOKEN_SCOPE",
        "GOTO_TOKEN_PRINCIPAL",
        "GOTO_TOKEN_MINTED_FOR",
    ] {
        assert!(example.contains(key), "{key} is explained in .env.example");
    }
}
