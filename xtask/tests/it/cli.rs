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
