//! The command line itself.

use crate::support::*;

#[test]
fn ok_no_arguments_prints_the_help() {
    let run = xtask(&[]).run();
    run.assert_code(0);
    for command in ["token", "smoke", "api", "status", "init", "sandbox", "demo"] {
        assert!(
            run.stdout.contains(command),
            "help lists {command}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn ok_env_file_is_accepted_before_or_after_the_subcommand() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=abcdef\n");
    let path = ws.env_file.to_str().unwrap();
    let after = xtask(&["status", "--json", "--env-file", path]).run();
    let before = xtask(&["--env-file", path, "status", "--json"]).run();
    assert_eq!(after.stdout, before.stdout);
    assert!(after.stdout.contains(path));
}

#[test]
fn err_unknown_subcommand_and_bad_values_are_usage_errors() {
    xtask(&["tokn"]).run().assert_code(2);
    xtask(&["token", "--timeout", "zero"]).run().assert_code(2);
    xtask(&["token", "--print", "--json"]).run().assert_code(2);
}

#[test]
fn err_a_mistyped_command_gets_a_suggestion() {
    xtask(&["tokn"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("a similar subcommand exists: 'token'");
}

#[test]
fn err_a_mistyped_only_name_gets_a_suggestion_and_the_list() {
    let ws = Workspace::with_contents("");
    let run = ws.xtask(&["smoke", "--only", "user_me"]).run();
    run.assert_code(2)
        .assert_stderr_contains("a similar value exists: 'users_me'")
        .assert_stderr_contains("admin_me");
}

#[test]
fn err_remedies_keep_a_chosen_env_file() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("ci.env");
    let run = xtask(&["token"]).env_file(&plain).run();
    run.assert_code(2).assert_stderr_contains(&format!(
        "`cargo xtask init --env-file {}`",
        plain.display()
    ));
    // A path with a space is quoted, so the advice can be pasted into a shell as printed.
    std::fs::create_dir(dir.path().join("my env")).unwrap();
    let spaced = dir.path().join("my env").join(".env");
    let run = xtask(&["status"]).env_file(&spaced).run();
    run.assert_stderr_contains(&format!(
        "`cargo xtask init --env-file '{}'`",
        spaced.display()
    ));
}
