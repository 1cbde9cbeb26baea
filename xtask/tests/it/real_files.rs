//! Real files and real accounts: what a developer's actual setup throws at `token` and `status`.
//!
//! Every test runs the real binary against the sandbox. Devices, FIFOs, sockets, ownership and
//! bind mounts are real, not simulated. Three tests need root (`chown` to other users, and
//! `mount --bind` for the EBUSY of a bind-mounted file); CI runs as root. Run as another user,
//! they print on stderr that they did not run, and why.

#![allow(
    clippy::print_stderr,
    reason = "the figures (exchanges, FIFO times) and a test that could not run are reported on stderr"
)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use goto_sandbox::{Fault, FaultKind};

use crate::interop::assert_readers_agree;
use crate::support::*;

/// A 200 token answer from the token endpoint with these fields, for the next exchange.
fn token_answer(sandbox: &Sandbox, json: &serde_json::Value) {
    sandbox.inject(Fault {
        path_prefix: "/oauth/token".into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 200,
            content_type: Some("application/json".into()),
            body: json.to_string().into_bytes(),
            retry_after: None,
        },
    });
}

/// A token answer as GoTo sends it, for `principal`, with a token the sandbox accepts.
fn answer_for(principal: &str, access_token: &str) -> serde_json::Value {
    serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "identity:scim.me",
        "principal": principal,
    })
}

/// The credentials in the environment, so that a run needs nothing from the env file.
fn with_credentials(xtask: Xtask, sandbox: &Sandbox) -> Xtask {
    xtask
        .env("GOTO_CLIENT_ID", seed::CLIENT_ID)
        .env("GOTO_CLIENT_SECRET", seed::CLIENT_SECRET)
        .env("GOTO_PAT", seed::PAT)
        .env("GOTO_AUTH_URL", &sandbox.base_url())
        .env("GOTO_API_URL", &sandbox.base_url())
}

/// Whether this process runs as root; prints why a test did not run when not.
fn is_root(test: &str, needs: &str) -> bool {
    let output = Command::new("id").arg("-u").output().expect("run id -u");
    let root = String::from_utf8_lossy(&output.stdout).trim() == "0";
    if !root {
        {
            eprintln!("{test}: DID NOT RUN: it needs root ({needs}); CI runs it as root");
        }
    }
    root
}

/// Runs a spawned command to its end, failing the test if it is still running after `limit`:
/// a FIFO must never make a run block.
fn finishes_within(mut spawned: Spawned, limit: Duration) -> Run {
    let started = Instant::now();
    while !spawned.has_exited() {
        if started.elapsed() > limit {
            spawned.kill();
            panic!("the run was still going after {limit:?}: it blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    spawned.wait()
}

// The quoting rule: bare, single quotes, or double quotes for a value with `'`.

#[test]
fn ok_principal_with_an_apostrophe_is_stored_in_double_quotes_and_read_back_everywhere() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let access_token = sandbox.mint_token(seed::PAT);
    token_answer(&sandbox, &answer_for("o'hara@example.com", &access_token));
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("New access token for o'hara@example.com");
    assert!(
        ws.contents()
            .contains("\nGOTO_TOKEN_PRINCIPAL=\"o'hara@example.com\"\n"),
        "{}",
        ws.contents()
    );
    let values = assert_readers_agree(&ws.env_file);
    assert_eq!(values["GOTO_TOKEN_PRINCIPAL"], "o'hara@example.com");
    assert_eq!(values["GOTO_ACCESS_TOKEN"], access_token);
    // The stored token is reused, and `status` shows the principal as stored.
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("Reusing the stored access token for o'hara@example.com");
    ws.xtask(&["status"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("o'hara@example.com");
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn ok_principal_no_quoting_carries_is_left_empty_with_a_warning_and_the_token_stored() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let access_token = sandbox.mint_token(seed::PAT);
    token_answer(
        &sandbox,
        &answer_for("o'hara\"$x@example.com", &access_token),
    );
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("GOTO_TOKEN_PRINCIPAL is left empty in")
        .assert_stderr_contains("the token itself is stored");
    let values = assert_readers_agree(&ws.env_file);
    assert_eq!(values["GOTO_TOKEN_PRINCIPAL"], "");
    assert_eq!(values["GOTO_ACCESS_TOKEN"], access_token);
    ws.xtask(&["api", "/identity/v1/Users/me"])
        .run()
        .assert_code(0);
}

#[test]
fn err_token_no_quoting_carries_is_refused_and_nothing_written() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    token_answer(
        &sandbox,
        &answer_for("a@example.com", "tok'en\"value-0123456789"),
    );
    let run = ws
        .xtask(&["token"])
        .secret("tok'en\"value-0123456789")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("cannot write GOTO_ACCESS_TOKEN")
        .assert_stderr_contains("single quote");
    assert_eq!(ws.contents(), before);
    assert_eq!(names_in(ws.dir()), [".env"]);
}

// Only a regular file.

/// `token` and `status` on `path`, with the credentials in the environment: exit 2 naming
/// `kind`, no request, and back within seconds.
fn refused_as(sandbox: &Sandbox, path: &Path, kind: &str) -> Vec<Duration> {
    let mut times = Vec::new();
    for command in ["token", "status"] {
        let spawned = with_credentials(xtask(&[command]).env_file(path), sandbox).spawn();
        let run = finishes_within(spawned, Duration::from_secs(30));
        run.assert_code(2)
            .assert_stderr_contains(&format!("is {kind}, not a regular file"));
        times.push(run.elapsed);
    }
    assert_eq!(token_requests(sandbox), 0, "refused before any request");
    times
}

#[test]
fn err_directory_fifo_socket_and_device_are_refused_before_any_request() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();

    let directory = dir.path().join("a-directory");
    fs::create_dir(&directory).unwrap();
    refused_as(&sandbox, &directory, "a directory");
    assert!(directory.is_dir());

    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let times = refused_as(&sandbox, &fifo, "a FIFO (named pipe)");
    eprintln!("token and status on a FIFO returned (exit 2) after {times:?}");

    let socket = dir.path().join("socket");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    refused_as(&sandbox, &socket, "a socket");

    // /dev/null once became a regular file with mode 0666 holding the token.
    refused_as(&sandbox, Path::new("/dev/null"), "a character device");
    let null = fs::metadata("/dev/null").unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &null.file_type()
    ));

    // Through a symlink, too: what counts is what the link leads to.
    let link = dir.path().join("link.env");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    refused_as(&sandbox, &link, "a FIFO (named pipe)");
}

// Writable before the exchange.

#[test]
fn err_read_only_file_is_refused_before_the_exchange_even_for_root() {
    let sandbox = Sandbox::start();
    for mode in [0o400, 0o444, 0o500] {
        let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
        fs::set_permissions(&ws.env_file, fs::Permissions::from_mode(mode)).unwrap();
        let before = ws.contents();
        ws.xtask(&["token"])
            .run()
            .assert_code(2)
            .assert_stderr_contains(&format!("it is read-only (mode {mode:04o})"))
            .assert_stderr_contains("nothing was sent");
        assert_eq!(ws.contents(), before);
        assert_eq!(
            fs::metadata(&ws.env_file).unwrap().permissions().mode() & 0o7777,
            mode
        );
    }
    assert_eq!(token_requests(&sandbox), 0);
}

#[test]
fn err_missing_or_read_only_directory_is_found_before_the_exchange() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir/.env");
    with_credentials(xtask(&["token"]).env_file(&missing), &sandbox)
        .run()
        .assert_code(2)
        .assert_stderr_contains("its directory does not exist");

    let read_only = dir.path().join("read-only");
    fs::create_dir(&read_only).unwrap();
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o555)).unwrap();
    with_credentials(
        xtask(&["token"]).env_file(&read_only.join(".env")),
        &sandbox,
    )
    .run()
    .assert_code(2)
    .assert_stderr_contains("is read-only (mode 0555)");
    assert_eq!(token_requests(&sandbox), 0);
    assert_eq!(names_in(&read_only), Vec::<String>::new());
    fs::set_permissions(&read_only, fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn ok_existing_file_in_a_read_only_directory_is_written_in_place_with_a_warning() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let inode = fs::metadata(&ws.env_file).unwrap().ino();
    fs::set_permissions(ws.dir(), fs::Permissions::from_mode(0o555)).unwrap();
    let run = ws.xtask(&["token"]).run();
    fs::set_permissions(ws.dir(), fs::Permissions::from_mode(0o755)).unwrap();
    run.assert_code(0)
        .assert_stderr_contains("was written in place, not atomically");
    assert_eq!(fs::metadata(&ws.env_file).unwrap().ino(), inode);
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());
    assert_eq!(names_in(ws.dir()), [".env"]);
}

// Owner and group, bind mounts: need root.

#[test]
fn ok_root_writing_a_users_file_leaves_it_the_users() {
    if !is_root(
        "ok_root_writing_a_users_file_leaves_it_the_users",
        "chown to another user",
    ) {
        return;
    }
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    fs::set_permissions(&ws.env_file, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::chown(&ws.env_file, Some(4321), Some(8765)).unwrap();
    let inode = fs::metadata(&ws.env_file).unwrap().ino();
    ws.xtask(&["token"]).run().assert_code(0);
    let after = fs::metadata(&ws.env_file).unwrap();
    assert_eq!((after.uid(), after.gid()), (4321, 8765));
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_ne!(after.ino(), inode, "replaced atomically, by a new file");
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());
}

#[test]
fn err_a_user_who_cannot_keep_the_files_owner_is_refused_before_the_exchange() {
    if !is_root(
        "err_a_user_who_cannot_keep_the_files_owner_is_refused_before_the_exchange",
        "chown to other users, and running as one",
    ) {
        return;
    }
    // A shared, group-writable env file owned by a colleague (uid 4343), written by a user
    // (uid 4242) of the same group in a directory of their own: they may write the file, but a
    // replacement could not be given its owner back, so nothing is written and nothing sent.
    let (user, colleague, group) = (4242, 4343, 4242);
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let bin = tempfile::tempdir().unwrap();
    let program = bin.path().join("xtask");
    fs::copy(env!("CARGO_BIN_EXE_xtask"), &program).unwrap();
    fs::set_permissions(bin.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(ws.dir(), fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::chown(ws.dir(), Some(user), Some(group)).unwrap();
    fs::set_permissions(&ws.env_file, fs::Permissions::from_mode(0o660)).unwrap();
    std::os::unix::fs::chown(&ws.env_file, Some(colleague), Some(group)).unwrap();
    let before = ws.contents();

    let run = xtask_from(&program, &["token"])
        .env_file(&ws.env_file)
        .run_as(user, group)
        .run();
    run.assert_code(2)
        .assert_stderr_contains("without changing its owner or group (uid 4343, gid 4242)")
        .assert_stderr_contains("nothing was sent and nothing was changed");
    assert_eq!(token_requests(&sandbox), 0);
    assert_eq!(ws.contents(), before);
    let after = fs::metadata(&ws.env_file).unwrap();
    assert_eq!((after.uid(), after.gid()), (colleague, group));
    assert_eq!(names_in(ws.dir()), [".env"], "no temporary file is left");
}

#[test]
fn ok_bind_mounted_file_is_written_in_place_with_a_warning() {
    if !is_root(
        "ok_bind_mounted_file_is_written_in_place_with_a_warning",
        "mount --bind",
    ) {
        return;
    }
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // As `docker run -v ./.env:/app/.env` does: another file mounted over the env file's path.
    let source = ws.dir().join("host.env");
    fs::copy(&ws.env_file, &source).unwrap();
    let mounted = Command::new("mount")
        .arg("--bind")
        .arg(&source)
        .arg(&ws.env_file)
        .status()
        .expect("run mount");
    assert!(
        mounted.success(),
        "mount --bind failed (root without CAP_SYS_ADMIN?)"
    );
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(ws.env_file.clone());
    let before = ws.contents();

    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("was written in place, not atomically")
        .assert_stderr_contains("bind-mounted");
    // The host's file holds the token: nothing was lost.
    let host = fs::read_to_string(&source).unwrap();
    assert!(host.starts_with(&before), "{host}");
    assert!(dotenv_value(&source, "GOTO_ACCESS_TOKEN").is_some());
    assert_eq!(host, ws.contents());
    let leftovers: Vec<String> = names_in(ws.dir())
        .into_iter()
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // And the next run reuses it.
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("Reusing");
    assert_eq!(token_requests(&sandbox), 1);
}

// Foreign lines.

#[test]
fn ok_foreign_lines_are_kept_byte_identical_with_a_warning() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let original = format!(
        "{}APP_NAME=My App\nexport GREETING=hello world # hi\n",
        ws.contents()
    );
    fs::write(&ws.env_file, &original).unwrap();
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("line 7 (APP_NAME) of")
        .assert_stderr_contains("line 8 (GREETING) of")
        .assert_stderr_contains("it defines no GOTO_* key, so it is kept as it is");
    let after = ws.contents();
    assert!(after.starts_with(&original), "{after}");
    ws.xtask(&["status"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("line 7 (APP_NAME) of");
}

#[test]
fn err_malformed_goto_line_is_still_exit_2() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let original = format!("{}GOTO_TOKEN_SCOPE=two words\n", ws.contents());
    fs::write(&ws.env_file, &original).unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("line 7");
    assert_eq!(ws.contents(), original);
    assert_eq!(token_requests(&sandbox), 0);
}

// The cache decision under the lock.

#[test]
fn ok_twenty_concurrent_runs_make_one_exchange() {
    let sandbox = Sandbox::start();
    sandbox.set_latency(Duration::from_millis(100));
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let runs: Vec<Spawned> = (0..20).map(|_| ws.xtask(&["token"]).spawn()).collect();
    let runs: Vec<Run> = runs.into_iter().map(Spawned::wait).collect();
    for run in &runs {
        run.assert_code(0);
    }
    let exchanges = token_requests(&sandbox);
    eprintln!("20 concurrent `token` runs made {exchanges} exchange(s)");
    assert_eq!(exchanges, 1);
    let reused = runs
        .iter()
        .filter(|run| run.stderr.contains("Reusing the stored access token"))
        .count();
    assert_eq!(reused, 19);
    assert_eq!(names_in(ws.dir()), [".env"]);
}

// Temporary files and hard links.

#[test]
fn ok_clean_up_removes_only_our_own_temporary_files() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // A user's own file in the pattern the clean-up once matched, and one a killed run left.
    fs::write(ws.dir().join("..env.abc123.tmp"), "mine").unwrap();
    fs::write(
        ws.dir().join("..env.goto-auth.Xy12Ab.tmp"),
        "left by a killed run",
    )
    .unwrap();
    ws.xtask(&["token", "--force"]).run().assert_code(0);
    assert_eq!(names_in(ws.dir()), ["..env.abc123.tmp", ".env"]);
    assert_eq!(
        fs::read_to_string(ws.dir().join("..env.abc123.tmp")).unwrap(),
        "mine"
    );
}

#[test]
fn ok_a_hard_link_is_split_by_the_atomic_write() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let other = ws.dir().join("other-name.env");
    fs::hard_link(&ws.env_file, &other).unwrap();
    let before = ws.contents();
    ws.xtask(&["token"]).run().assert_code(0);
    // As README says: the env file is a new file; the other name keeps the old contents.
    assert_eq!(fs::read_to_string(&other).unwrap(), before);
    assert_ne!(
        fs::metadata(&other).unwrap().ino(),
        fs::metadata(&ws.env_file).unwrap().ino()
    );
}

// The token host as the guide writes it.

#[test]
fn ok_auth_url_with_the_guides_path_posts_once_to_oauth_token() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let contents = ws.contents().replace(
        &format!("GOTO_AUTH_URL={}\n", sandbox.base_url()),
        &format!("GOTO_AUTH_URL={}/oauth/token\n", sandbox.base_url()),
    );
    fs::write(&ws.env_file, contents).unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains(&format!("at {}/oauth/token (", sandbox.base_url()));
    let paths: Vec<String> = sandbox.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/oauth/token"]);
    // The same host as without the path: the stored token is reused.
    let bare = ws.contents().replace("/oauth/token\n", "\n");
    fs::write(&ws.env_file, bare).unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("Reusing");
}

// Time.

#[test]
fn ok_expiry_wording_is_right_for_any_distance() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let set_expiry = |text: &str| {
        goto_auth::blocks::update_file(&ws.env_file, &[("GOTO_ACCESS_TOKEN_EXPIRES_AT", text)])
            .unwrap();
    };
    set_expiry("2020-01-01T00:00:00Z");
    let status = ws.xtask(&["status"]).run();
    status
        .assert_code(0)
        .assert_stderr_contains("expired at 2020-01-01T00:00:00Z (")
        .assert_stderr_contains(" years ago)");
    assert!(!status.stderr.contains(" h "), "{}", status.stderr);
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("(the stored token expired ")
        .assert_stderr_contains(" years ago)");

    // An instant with an offset is the same moment in UTC.
    let stored = ws.value("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap();
    let utc = goto_auth::blocks::parse_instant(&stored).unwrap();
    let plus_five = goto_auth::blocks::format_instant(utc + Duration::from_secs(5 * 3600))
        .replace('Z', "+05:00");
    set_expiry(&plus_five);
    assert!(ws.contents().contains("+05:00"), "{}", ws.contents());
    ws.xtask(&["status"])
        .run()
        .assert_code(0)
        .assert_stderr_contains(&format!("valid until {stored} ("));
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("Reusing");
    assert_eq!(token_requests(&sandbox), 2);
}

// init.

#[test]
fn err_init_tells_a_directory_a_loop_and_a_dangling_link_apart() {
    let dir = tempfile::tempdir().unwrap();
    let directory = dir.path().join("a-directory");
    fs::create_dir(&directory).unwrap();
    let looping = dir.path().join("loop.env");
    std::os::unix::fs::symlink("loop.env", &looping).unwrap();
    let dangling = dir.path().join("dangling.env");
    std::os::unix::fs::symlink("nowhere.env", &dangling).unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (path, words) in [
        (&directory, "it is a directory, not a file".to_owned()),
        (
            &looping,
            "a symbolic link that loops back on itself".to_owned(),
        ),
        (
            &dangling,
            "a dangling symbolic link (to nowhere.env, which does not exist)".to_owned(),
        ),
        (&fifo, "it is a FIFO (named pipe), not a file".to_owned()),
    ] {
        let run = xtask(&["init"]).env_file(path).run();
        run.assert_code(2).assert_stderr_contains(&words);
        assert!(!run.stderr.contains("already exists"), "{}", run.stderr);
    }
    assert!(!dir.path().join("nowhere.env").exists());
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
