//! Processes and the sandbox's env file: `sandbox` and `demo` serve the sandbox from inside the
//! xtask's own process. A real SIGINT, SIGTERM or SIGHUP sent to the real xtask must end the
//! server too: the xtask has no child process that could outlive it (checked in `/proc` before
//! the signal), and nothing listens on the sandbox's port after. `demo` must remove its
//! temporary directory (which holds the sandbox's credentials and a token), and the xtask must
//! end by the signal it got, so a shell reports 128 + N. Also: `sandbox --env-file` writes its
//! lines there but never over real credentials, and `demo` ignores `--env-file` and says so.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

use crate::support::*;

/// The signals that must end `sandbox` and `demo` with their child.
const SIGNALS: [Signal; 3] = [Signal::INT, Signal::TERM, Signal::HUP];

/// Long enough for the xtask to start its sandbox on a busy machine.
const STARTUP: Duration = Duration::from_secs(60);

/// The pids of the live processes whose parent is `parent`, with their command names.
fn children_of(parent: u32) -> Vec<(u32, String)> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid …"; comm may hold spaces and parentheses.
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let open = stat.find('(').unwrap_or(0);
        let mut rest = stat[close + 1..].split_whitespace();
        let (state, ppid) = (rest.next(), rest.next().and_then(|p| p.parse::<u32>().ok()));
        if ppid == Some(parent) && state != Some("Z") {
            children.push((pid, stat[open + 1..close].to_owned()));
        }
    }
    children
}

/// Checks that the xtask serves its sandbox itself: it has no child process at all, so no
/// sandbox process can be left behind when it ends.
#[track_caller]
fn serves_in_process(xtask: u32) {
    let children = children_of(xtask);
    assert!(
        children.is_empty(),
        "the xtask serves the sandbox itself, with no child process: {children:?}"
    );
}

/// Whether something accepts connections on `address` (`127.0.0.1:PORT`).
fn listening(address: &str) -> bool {
    std::net::TcpStream::connect(address).is_ok()
}

/// Waits for `child` to end, killing it and failing the test after `limit`.
#[track_caller]
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the xtask did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads lines from `reader` until one satisfies `found`; fails with everything read otherwise.
#[track_caller]
fn read_until(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    found: impl Fn(&str) -> bool,
) -> (String, Vec<String>) {
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("UTF-8 output");
        if found(&line) {
            return (line, seen);
        }
        seen.push(line);
    }
    panic!(
        "the output ended before the expected line:\n{}",
        seen.join("\n")
    );
}

/// Starts `cargo xtask sandbox ARGS` and reads the five lines it prints on stdout.
fn start_sandbox(args: &[&str]) -> (Child, Vec<(String, String)>) {
    let mut command = xtask(&[&["sandbox"][..], args].concat()).into_command();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start xtask sandbox");
    let started = Instant::now();
    let mut stdout = BufReader::new(child.stdout.take().expect("piped")).lines();
    let mut lines = Vec::new();
    while lines.len() < 5 {
        match stdout.next() {
            Some(line) => {
                let line = line.expect("UTF-8");
                let (key, value) = line.split_once('=').expect("KEY=value");
                lines.push((key.to_owned(), value.to_owned()));
            }
            None => {
                let mut stderr = String::new();
                let _ = child
                    .stderr
                    .take()
                    .expect("piped")
                    .read_to_string(&mut stderr);
                let _ = child.wait();
                panic!(
                    "the sandbox printed {} lines and ended:\n{stderr}",
                    lines.len()
                );
            }
        }
    }
    assert!(started.elapsed() < STARTUP);
    (child, lines)
}

#[test]
fn ok_a_signal_ends_sandbox_and_its_server_and_the_xtask_dies_by_it() {
    for signal in SIGNALS {
        let (mut xtask, lines) = start_sandbox(&[]);
        assert_eq!(lines[0].0, "GOTO_AUTH_URL");
        assert!(lines[0].1.starts_with("http://127.0.0.1:"), "{lines:?}");
        serves_in_process(xtask.id());
        let address = lines[0].1.trim_start_matches("http://").to_owned();
        assert!(listening(&address), "the sandbox serves");

        kill_process(Pid::from_child(&xtask), signal).expect("send the signal");
        let status = wait_at_most(&mut xtask, Duration::from_secs(20));
        assert_eq!(
            status.signal(),
            Some(signal.as_raw()),
            "{signal:?}: {status}"
        );
        assert!(
            !listening(&address),
            "{signal:?}: something still listens on {address}"
        );
    }
}

#[test]
fn ok_a_signal_ends_demo_its_server_and_its_temporary_directory() {
    for signal in SIGNALS {
        // 0.5 s of latency per answer keeps the demo busy in its smoke step for a second or more.
        let mut xtask = xtask(&["demo", "--latency", "500"])
            .into_command()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start xtask demo");
        let mut stderr = BufReader::new(xtask.stderr.take().expect("piped")).lines();
        let (line, _) = read_until(&mut stderr, |line| line.contains("demo env file "));
        let env_file = PathBuf::from(line.split("demo env file ").nth(1).unwrap().trim());
        let address = line
            .split("sandbox listening at http://")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("the demo names its sandbox: {line}"))
            .to_owned();
        let dir = env_file.parent().unwrap().to_owned();
        // Signal once the token is stored: the directory then holds credentials and a token.
        let (_, seen) = read_until(&mut stderr, |line| line.contains("4. cargo xtask smoke"));
        assert!(
            dotenv_value(&env_file, "GOTO_ACCESS_TOKEN").is_some(),
            "the demo stored a token:\n{}",
            seen.join("\n")
        );
        serves_in_process(xtask.id());
        assert!(listening(&address), "the demo's sandbox serves");

        kill_process(Pid::from_child(&xtask), signal).expect("send the signal");
        let status = wait_at_most(&mut xtask, Duration::from_secs(20));
        let rest: Vec<String> = stderr.map_while(Result::ok).collect();
        assert_eq!(
            status.signal(),
            Some(signal.as_raw()),
            "{signal:?}: {status}\n{}",
            rest.join("\n")
        );
        assert!(
            !listening(&address),
            "{signal:?}: something still listens on {address}"
        );
        assert!(
            !dir.exists(),
            "{signal:?}: the demo left {} behind",
            dir.display()
        );
        for line in seen.iter().chain(&rest) {
            for secret in seed_secrets() {
                assert!(!line.contains(&secret), "a secret on stderr: {line}");
            }
        }
    }
}

#[test]
fn ok_sandbox_writes_its_lines_to_the_env_file_named_and_token_works_with_it() {
    let ws = Workspace::with_contents("# mine\nAPP_MODE=dev\n");
    let path = ws.env_file.to_str().unwrap();
    let (mut xtask, lines) = start_sandbox(&["--env-file", path]);
    let contents = ws.contents();
    assert!(contents.starts_with("# mine\nAPP_MODE=dev\n"), "{contents}");
    for (key, value) in &lines {
        assert_eq!(ws.value(key).as_deref(), Some(value.as_str()), "{key}");
    }
    // The file is ready to use as it is, with the advice's own command.
    ws.xtask(&["token"]).run().assert_code(0);
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());

    kill_process(Pid::from_child(&xtask), Signal::TERM).expect("send the signal");
    let status = wait_at_most(&mut xtask, Duration::from_secs(20));
    assert_eq!(status.signal(), Some(Signal::TERM.as_raw()));
    let mut stderr = String::new();
    xtask
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains(&format!("wrote these lines to {path}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("`cargo xtask token --env-file {path}`")),
        "the advice keeps the file: {stderr}"
    );
}

#[test]
fn err_sandbox_never_overwrites_real_credentials() {
    let real = "GOTO_CLIENT_ID=my-real-client\nGOTO_CLIENT_SECRET=my-real-secret-value\nGOTO_PAT=my-real-pat-value\n";
    let ws = Workspace::with_contents(real);
    let run = ws
        .xtask(&["sandbox"])
        .secret("my-real-secret-value")
        .secret("my-real-pat-value")
        .run();
    run.assert_code(2)
        .assert_stderr_contains("GOTO_CLIENT_ID, GOTO_CLIENT_SECRET, GOTO_PAT")
        .assert_stderr_contains("will not overwrite real credentials");
    assert_eq!(ws.contents(), real, "the file is untouched");
    assert_eq!(run.stdout, "", "no sandbox lines printed for a refused run");
}

#[test]
fn ok_demo_ignores_env_file_and_says_so() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=mine\n");
    let before = std::fs::metadata(&ws.env_file).unwrap();
    let run = ws.xtask(&["demo"]).run();
    run.assert_code(0).assert_stderr_contains(&format!(
        "the demo uses a temporary env file of its own; {} is neither read nor written",
        ws.env_file.display()
    ));
    assert_eq!(ws.contents(), "GOTO_CLIENT_ID=mine\n");
    let after = std::fs::metadata(&ws.env_file).unwrap();
    assert_eq!(
        std::os::unix::fs::MetadataExt::mtime_nsec(&before),
        std::os::unix::fs::MetadataExt::mtime_nsec(&after)
    );
    assert!(
        !run.stderr.contains("--env-file"),
        "the demo's advice does not name the ignored file:\n{}",
        run.stderr
    );
}
