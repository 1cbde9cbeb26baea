//! `cargo xtask exec -- CMD`: the xtask becomes CMD. The token and `GOTO_API_URL` are in CMD's
//! environment, the token is in the env file and its lock free before CMD starts, CMD has the
//! xtask's pid (so a signal sent to that pid is CMD's, on a terminal too), its exit code or the
//! signal that ends it is what the caller sees, and it starts with the signal mask and
//! dispositions a shell would give it. 127 and 126 are the xtask's own answers when CMD cannot be
//! started.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// `cargo xtask --env-file <ws> exec -- COMMAND…`: the env file goes before `--`, since
/// everything after it belongs to the command.
fn exec(ws: &Workspace, command: &[&str]) -> Xtask {
    let mut args = vec!["--env-file", ws.env_file.to_str().unwrap(), "exec", "--"];
    args.extend_from_slice(command);
    xtask(&args)
}

/// A workspace whose env file already holds a token.
fn with_token(sandbox: &Sandbox) -> Workspace {
    let ws = Workspace::for_sandbox(sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    ws
}

/// Waits until `path` exists, failing the test after 30 s.
fn wait_for(path: &Path) {
    let started = Instant::now();
    while !path.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the command never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ok_exec_gives_the_command_the_token_the_api_url_and_stdin() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let seen = ws.dir().join("seen-token");
    // The child proves it has the token without printing it: it writes it to a file.
    let script = format!(
        "printf %s \"$GOTO_ACCESS_TOKEN\" > '{}'; echo \"api=$GOTO_API_URL\"; read line; echo \"stdin=$line\"; echo to-stderr >&2; exit 0",
        seen.display()
    );
    let run = exec(&ws, &["sh", "-c", &script]).run_with_stdin(b"hello from the pipe\n");
    run.assert_code(0).assert_stderr_contains("to-stderr");
    let token = ws
        .value("GOTO_ACCESS_TOKEN")
        .expect("exec stores the token as token does");
    assert_eq!(std::fs::read_to_string(&seen).unwrap(), token);
    assert_eq!(
        run.stdout,
        format!("api={}\nstdin=hello from the pipe\n", sandbox.base_url())
    );
    assert_eq!(token_requests(&sandbox), 1);

    // A second run reuses the stored token.
    exec(&ws, &["true"]).run().assert_code(0);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn ok_exec_writes_the_token_and_frees_the_env_file_before_the_command_starts() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let (on_disk, seen) = (ws.dir().join("env-at-start"), ws.dir().join("seen-token"));
    // The command copies the env file as it finds it, then runs a forced `token` on the same
    // file: that takes the file's lock, so it would wait for ever had exec kept it (`timeout`
    // turns that into a failure).
    let script = format!(
        "cp '{env}' '{on_disk}'; printf %s \"$GOTO_ACCESS_TOKEN\" > '{seen}'; \
         env -u GOTO_ACCESS_TOKEN -u GOTO_API_URL timeout 60 '{xtask}' --env-file '{env}' token --force",
        env = ws.env_file.display(),
        on_disk = on_disk.display(),
        seen = seen.display(),
        xtask = env!("CARGO_BIN_EXE_xtask"),
    );
    let run = exec(&ws, &["sh", "-c", &script]).run();
    run.assert_code(0);
    let given = std::fs::read_to_string(&seen).unwrap();
    assert_eq!(
        dotenv_value(&on_disk, "GOTO_ACCESS_TOKEN").as_deref(),
        Some(given.as_str()),
        "the token CMD got was already in the env file when CMD started"
    );
    assert_eq!(
        token_requests(&sandbox),
        2,
        "the forced run inside CMD got the lock and exchanged"
    );
    assert_ne!(ws.value("GOTO_ACCESS_TOKEN").unwrap(), given);
}

#[test]
fn ok_exec_ends_with_the_commands_own_code_or_signal() {
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    let run = exec(&ws, &["sh", "-c", "exit 3"]).run();
    run.assert_code(3);
    assert_eq!(
        run.stderr, "",
        "the command's own failure gets no extra message"
    );
    // Killed by a signal, the process dies by that signal, as the command itself would: a shell
    // reports 128 + N.
    let output = exec(&ws, &["sh", "-c", "kill -KILL $$"])
        .into_command()
        .output()
        .unwrap();
    assert_eq!(output.status.signal(), Some(9), "{output:?}");
    assert_eq!((&*output.stdout, &*output.stderr), (&b""[..], &b""[..]));
    // The same, as a shell's `$?` shows it.
    let inner = exec(&ws, &["sh", "-c", "kill -TERM $$"]).into_command();
    let mut through_a_shell = Command::new("sh");
    through_a_shell
        .args(["-c", "\"$@\"; echo \"code=$?\"", "sh"])
        .arg(inner.get_program())
        .args(inner.get_args());
    for (key, value) in inner.get_envs() {
        match value {
            Some(value) => through_a_shell.env(key, value),
            None => through_a_shell.env_remove(key),
        };
    }
    let through_a_shell = through_a_shell.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&through_a_shell.stdout),
        "code=143\n"
    );
    // Arguments that look like options belong to the command.
    let run = exec(&ws, &["echo", "--force", "-n"]).run();
    run.assert_code(0);
    assert_eq!(run.stdout, "--force -n\n");
    // exec's own options go before `--`.
    let env_file = ws.env_file.to_str().unwrap();
    xtask(&[
        "--env-file",
        env_file,
        "exec",
        "--timeout",
        "5",
        "--",
        "true",
    ])
    .run()
    .assert_code(0);
    xtask(&[
        "--env-file",
        env_file,
        "exec",
        "--timeout",
        "0",
        "--",
        "true",
    ])
    .run()
    .assert_code(2)
    .assert_stderr_contains("--timeout");
}

#[test]
fn err_exec_missing_or_unrunnable_command_exits_127_or_126() {
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    exec(&ws, &["no-such-command-xtask-test"])
        .run()
        .assert_code(127)
        .assert_stderr_contains("could not run `no-such-command-xtask-test`: no such command");
    let script = ws.dir().join("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\nexit 0\n").unwrap();
    exec(&ws, &[script.to_str().unwrap()])
        .run()
        .assert_code(126)
        .assert_stderr_contains("permission denied");
    exec(&ws, &[ws.dir().to_str().unwrap()])
        .run()
        .assert_code(126)
        .assert_stderr_contains("could not run");
    ws.xtask(&["exec"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("<CMD>");
}

#[test]
fn err_exec_without_credentials_runs_nothing() {
    let ws = Workspace::with_contents("GOTO_CLIENT_ID=abc\n");
    let marker = ws.dir().join("ran");
    exec(&ws, &["touch", marker.to_str().unwrap()])
        .run()
        .assert_code(2)
        .assert_stderr_contains("GOTO_CLIENT_SECRET is not set");
    assert!(!marker.exists(), "the command must not run without a token");
}

#[test]
fn ok_exec_becomes_the_command_so_a_signal_to_its_pid_reaches_it() {
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    for (signal, code) in [("TERM", 7), ("INT", 8), ("HUP", 9)] {
        let ready = ws.dir().join(format!("ready-{signal}"));
        let got = ws.dir().join(format!("got-{signal}"));
        let script = format!(
            "trap 'echo {signal} > \"{got}\"; exit {code}' {signal}; echo $$ > '{ready}.tmp'; mv '{ready}.tmp' '{ready}'; while :; do sleep 0.05; done",
            got = got.display(),
            ready = ready.display()
        );
        let spawned = exec(&ws, &["sh", "-c", &script]).spawn();
        wait_for(&ready);
        assert_eq!(
            std::fs::read_to_string(&ready).unwrap().trim(),
            spawned.id().to_string(),
            "the command runs as the xtask's own process"
        );
        let kill = Command::new("kill")
            .args([format!("-{signal}"), spawned.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let run = spawned.wait();
        run.assert_code(code);
        assert_eq!(
            std::fs::read_to_string(&got).unwrap().trim(),
            signal,
            "the command received SIG{signal}"
        );
    }
    // A command that does not catch the signal dies by it.
    let ready = ws.dir().join("ready-plain");
    let script = format!("touch '{}'; exec sleep 60", ready.display());
    let mut child = exec(&ws, &["sh", "-c", &script])
        .into_command()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&ready);
    let kill = Command::new("kill")
        .args(["-TERM".to_owned(), child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(child.wait().unwrap().signal(), Some(15));
}

/// The lines `Sig…:` of `/proc/self/status` as `cat` sees them: blocked, ignored and caught
/// signals.
fn signal_state(status: &str) -> Vec<String> {
    status
        .lines()
        .filter(|line| {
            ["SigBlk:", "SigIgn:", "SigCgt:"]
                .iter()
                .any(|k| line.starts_with(k))
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn ok_exec_starts_the_command_with_the_signal_state_a_shell_gives_it() {
    // Rust's runtime ignores SIGPIPE in the xtask, and `sandbox` and `demo` catch signals: none of
    // it may reach CMD. It must start exactly as a program this test starts itself.
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    let run = exec(&ws, &["cat", "/proc/self/status"]).run();
    run.assert_code(0);
    let direct = Command::new("cat")
        .arg("/proc/self/status")
        .output()
        .unwrap();
    let expected = signal_state(&String::from_utf8_lossy(&direct.stdout));
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert_eq!(signal_state(&run.stdout), expected);
    assert!(
        expected.contains(&"SigBlk:\t0000000000000000".to_owned()),
        "{expected:?}"
    );
}

/// Runs argv[1:] on a pseudo-terminal, as the session leader and foreground process group; once
/// `READY` appears on the screen, sends SIGINT to that process with `kill`, as another program
/// (not the terminal's Ctrl-C) would. Prints the screen, then `pid=N`; exits with the program's
/// status (128 + N for signal N).
const KILL_ON_TERMINAL: &str = r#"
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
screen, sent, deadline = b"", False, time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.05)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        screen += data
    if not sent and b"READY" in screen:
        os.kill(pid, signal.SIGINT)
        sent = True
else:
    os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(screen + f"\npid={pid}\n".encode())
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
"#;

#[test]
fn ok_exec_in_a_terminals_foreground_ends_on_a_kill_int_aimed_at_it() {
    // A `kill -INT` aimed at the xtask while it is the terminal's foreground process must reach
    // CMD: it is CMD.
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    let output = Command::new("python3")
        .arg("-c")
        .arg(KILL_ON_TERMINAL)
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .args(["--env-file", ws.env_file.to_str().unwrap(), "exec", "--"])
        .args([
            "sh",
            "-c",
            "trap 'echo got-INT; exit 42' INT; echo \"cmd=$$\"; echo READY; while :; do sleep 0.05; done",
        ])
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .output()
        .expect("python3 runs the pty driver");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.stderr, b"", "the pty driver itself failed");
    assert_eq!(output.status.code(), Some(42), "{screen}");
    assert!(screen.contains("got-INT"), "{screen}");
    let pid = |prefix: &str| {
        screen
            .lines()
            .find_map(|line| line.trim().strip_prefix(prefix).map(str::to_owned))
            .unwrap_or_else(|| panic!("no {prefix} line:\n{screen}"))
    };
    assert_eq!(
        pid("cmd="),
        pid("pid="),
        "CMD is the process the terminal started"
    );
    SecretScanner(&seed_secrets()).check(
        &Run {
            code: 42,
            stdout: screen.to_string(),
            stderr: String::new(),
            elapsed: Duration::ZERO,
        },
        &[],
    );
}

#[test]
fn ok_exec_on_a_terminal_does_not_repeat_ctrl_c() {
    // The terminal sends Ctrl-C's SIGINT to its whole foreground group: CMD gets it once. The
    // child counts the interrupts it gets.
    let sandbox = Sandbox::start();
    let ws = with_token(&sandbox);
    let child = "import signal, sys, time\n\
n = 0\n\
def count(*_):\n    global n\n    n += 1\n\
signal.signal(signal.SIGINT, count)\n\
print('waiting for ctrl-c', flush=True)\n\
while n == 0:\n    time.sleep(0.001)\n\
time.sleep(0.5)\n\
print(f'interrupts={n}', flush=True)\n\
sys.exit(40 + n)\n";
    let run = crate::init_terminal::on_terminal(
        &[
            "--env-file",
            ws.env_file.to_str().unwrap(),
            "exec",
            "--",
            "python3",
            "-c",
            child,
        ],
        &[("waiting for ctrl-c", "\x03")],
        &[],
    );
    assert!(run.stdout.contains("interrupts=1"), "{}", run.stdout);
    assert_eq!(run.code, 41, "{}", run.stdout);
}
