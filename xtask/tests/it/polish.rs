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
