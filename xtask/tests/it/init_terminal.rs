//! `init` on a terminal: the binary runs on a pseudo-terminal (python3's `pty` module, from the
//! standard library), answers are typed when each prompt appears, and the whole screen is kept
//! to check what was and was not echoed.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::*;

/// Runs argv[1:] on a pseudo-terminal. ANSWERS (a JSON list of [prompt, text]) are typed one by
/// one, each once its prompt has appeared on the screen after the previous answer. The screen is
/// written to stdout; the exit status is the program's (128 + N for signal N).
const PTY_DRIVER: &str = r#"
import json, os, pty, select, sys, time
answers = json.loads(os.environ.pop("PTY_ANSWERS"))
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
screen, typed_at, step, deadline = b"", 0, 0, time.time() + 120
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
    if step < len(answers) and answers[step][0].encode() in screen[typed_at:]:
        typed_at = len(screen)
        os.write(fd, answers[step][1].encode())
        step += 1
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(screen)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
"#;

/// `init --env-file PATH` on a terminal with these answers and extra environment.
fn init_on_terminal(env_file: &Path, answers: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    on_terminal(
        &["init", "--env-file", env_file.to_str().unwrap()],
        answers,
        env,
    )
}

/// The xtask with `args` on a pseudo-terminal, as its session leader and foreground process
/// group: `answers` are typed as their prompts appear; the screen is the run's stdout.
pub fn on_terminal(args: &[&str], answers: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new("python3");
    command
        .arg("-c")
        .arg(PTY_DRIVER)
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("PTY_ANSWERS", serde_json::to_string(answers).unwrap())
        .env("TERM", "xterm")
        .env_remove("NO_COLOR")
        .env_remove("CI");
    for (key, _) in std::env::vars() {
        if key.starts_with("GOTO_") {
            command.env_remove(key);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("python3 runs the pty driver");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        elapsed: Default::default(),
    };
    assert_eq!(run.stderr, "", "the pty driver itself failed");
    run
}

const ID_PROMPT: &str = "GOTO_CLIENT_ID OAuth client id";
const SECRET_PROMPT: &str = "GOTO_CLIENT_SECRET OAuth client secret";
const PAT_PROMPT: &str = "GOTO_PAT Personal access token";

#[test]
fn ok_init_on_a_terminal_asks_hides_secrets_writes_and_proves_them() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    let run = init_on_terminal(
        &env_file,
        &[
            (ID_PROMPT, &format!("{}\r", seed::CLIENT_ID)),
            // A typo corrected with Backspace, as a person would.
            (SECRET_PROMPT, &format!("{}x\x7f\r", seed::CLIENT_SECRET)),
            (PAT_PROMPT, &format!("{}\r", seed::PAT)),
        ],
        &[("GOTO_AUTH_URL", &sandbox.base_url())],
    );
    let screen = &run.stdout;
    assert_eq!(run.code, 0, "{screen}");
    // The client id is echoed as typed; the secret and the PAT are not.
    assert!(screen.contains(seed::CLIENT_ID), "{screen}");
    SecretScanner(&seed_secrets()).check(&run, &[]);
    assert!(screen.contains("GoTo accepted them"), "{screen}");
    assert!(screen.contains(seed::ADMIN_EMAIL), "{screen}");

    assert_eq!(
        std::fs::metadata(&env_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        dotenv_value(&env_file, "GOTO_CLIENT_ID").unwrap(),
        seed::CLIENT_ID
    );
    assert_eq!(
        dotenv_value(&env_file, "GOTO_CLIENT_SECRET").unwrap(),
        seed::CLIENT_SECRET
    );
    assert_eq!(dotenv_value(&env_file, "GOTO_PAT").unwrap(), seed::PAT);
    assert!(dotenv_value(&env_file, "GOTO_ACCESS_TOKEN").is_some_and(|t| !t.is_empty()));
    assert_eq!(
        token_requests(&sandbox),
        1,
        "one exchange proves the values"
    );
    // The comments of .env.example stay around the values.
    assert!(
        std::fs::read_to_string(&env_file)
            .unwrap()
            .contains("# Your OAuth client's id")
    );

    // Again, keeping every value: the stored token was minted for them, so it is the proof.
    let again = init_on_terminal(
        &env_file,
        &[(ID_PROMPT, "\r"), (SECRET_PROMPT, "\r"), (PAT_PROMPT, "\r")],
        &[("GOTO_AUTH_URL", &sandbox.base_url())],
    );
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(
        again.stdout.contains("GoTo accepted these values before"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("it is kept, not replaced"),
        "{}",
        again.stdout
    );
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_init_on_a_terminal_says_what_to_fix_and_enter_keeps_values() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    std::fs::write(
        &env_file,
        format!(
            "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_AUTH_URL={}\n",
            seed::CLIENT_ID,
            seed::CLIENT_SECRET,
            sandbox.base_url()
        ),
    )
    .unwrap();
    let run = init_on_terminal(
        &env_file,
        &[
            (ID_PROMPT, "\r"),
            (SECRET_PROMPT, "\r"),
            (PAT_PROMPT, &format!("{}\r", seed::REVOKED_PAT)),
        ],
        &[],
    );
    let screen = &run.stdout;
    assert_eq!(run.code, 1, "{screen}");
    SecretScanner(&seed_secrets()).check(&run, &[]);
    assert!(screen.contains("[Enter keeps it]"), "{screen}");
    assert!(screen.contains("could not be proven"), "{screen}");
    // The remedy `token` gives for invalid_grant.
    assert!(screen.contains("myaccount.goto.com"), "{screen}");
    assert_eq!(
        dotenv_value(&env_file, "GOTO_CLIENT_ID").unwrap(),
        seed::CLIENT_ID
    );
    assert_eq!(
        dotenv_value(&env_file, "GOTO_PAT").unwrap(),
        seed::REVOKED_PAT
    );
    assert_eq!(dotenv_value(&env_file, "GOTO_ACCESS_TOKEN"), None);
    assert_eq!(token_requests(&sandbox), 1);
}

#[test]
fn err_init_on_a_terminal_ctrl_c_writes_no_value() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    let run = init_on_terminal(
        &env_file,
        &[(ID_PROMPT, "some-client\r"), (SECRET_PROMPT, "half\x03")],
        &[],
    );
    assert_eq!(run.code, 130, "{}", run.stdout);
    assert!(
        run.stdout.contains("cancelled; no value was written"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("half"), "{}", run.stdout);
    assert_eq!(dotenv_value(&env_file, "GOTO_CLIENT_ID").unwrap(), "");
}

#[test]
fn ok_init_values_pasted_ahead_at_the_first_prompt_never_appear() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    // All three values arrive at once, at the first prompt, as a paste does.
    let pasted = format!(
        "{}\r{}\r{}\r",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        seed::PAT
    );
    let run = init_on_terminal(
        &env_file,
        &[(ID_PROMPT, &pasted)],
        &[("GOTO_AUTH_URL", &sandbox.base_url())],
    );
    let screen = &run.stdout;
    assert_eq!(run.code, 0, "{screen}");
    SecretScanner(&seed_secrets()).check(&run, &[]);
    assert_eq!(
        screen.matches(seed::CLIENT_ID).count(),
        1,
        "the client id is shown once, as it is read: {screen}"
    );
    assert!(screen.contains(PAT_PROMPT), "{screen}");
    assert!(screen.contains("GoTo accepted them"), "{screen}");
    assert_eq!(
        dotenv_value(&env_file, "GOTO_CLIENT_SECRET").unwrap(),
        seed::CLIENT_SECRET
    );
    assert_eq!(dotenv_value(&env_file, "GOTO_PAT").unwrap(), seed::PAT);
}

#[test]
fn err_init_flags_an_environment_override_of_a_kept_value() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    std::fs::write(
        &env_file,
        format!(
            "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_PAT={}\nGOTO_AUTH_URL={}\n",
            seed::CLIENT_ID,
            seed::CLIENT_SECRET,
            seed::PAT,
            sandbox.base_url()
        ),
    )
    .unwrap();
    // The file's PAT is good; the environment's, which wins, is revoked. Enter keeps them all.
    let run = init_on_terminal(
        &env_file,
        &[(ID_PROMPT, "\r"), (SECRET_PROMPT, "\r"), (PAT_PROMPT, "\r")],
        &[("GOTO_PAT", seed::REVOKED_PAT)],
    );
    let screen = &run.stdout;
    assert_eq!(run.code, 1, "{screen}");
    SecretScanner(&seed_secrets()).check(&run, &[]);
    assert!(
        screen.contains("[Enter keeps it; your environment's value overrides the file]"),
        "the prompt says so at once: {screen}"
    );
    assert!(
        screen.contains(
            "GOTO_PAT is also set in your environment, which overrides the file: the exchange \
             below uses the environment's value; unset GOTO_PAT to use the value the file keeps"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("The exchange used GOTO_PAT from your environment"),
        "the failure is not blamed on the file: {screen}"
    );
    assert!(!screen.contains("could not be proven"), "{screen}");
    assert_eq!(dotenv_value(&env_file, "GOTO_PAT").unwrap(), seed::PAT);
}

/// Runs argv[4:] on a pseudo-terminal whose slave the driver keeps open, types argv[1] once the
/// first prompt is on the screen, sends signal argv[3] once prompt argv[2] is (and the program
/// waits for input), and prints, as JSON, the exit code (128 + N for signal N), the screen and
/// the terminal's modes afterwards.
const SIGNAL_DRIVER: &str = r#"
import fcntl, json, os, select, signal, subprocess, sys, termios, time
first, prompt, sig = sys.argv[1].encode(), sys.argv[2].encode(), getattr(signal, sys.argv[3])
master, slave = os.openpty()
def controlling_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(sys.argv[4:], stdin=slave, stdout=slave, stderr=slave,
                         preexec_fn=controlling_terminal)
screen, typed, sent, deadline = b"", False, False, time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 0.05)
    if ready:
        screen += os.read(master, 4096)
    if not typed and b": " in screen:
        os.write(master, first)
        typed = True
    if not sent and prompt in screen:
        time.sleep(0.3)
        child.send_signal(sig)
        sent = True
    if sent and child.poll() is not None:
        break
code = child.wait(timeout=30)
while select.select([master], [], [], 0.1)[0]:
    screen += os.read(master, 4096)
modes = termios.tcgetattr(slave)[3]
print(json.dumps({
    "code": 128 - code if code < 0 else code,
    "screen": screen.decode(errors="replace"),
    "echo": bool(modes & termios.ECHO),
    "icanon": bool(modes & termios.ICANON),
    "isig": bool(modes & termios.ISIG),
}))
"#;

#[test]
fn ok_sigterm_or_sighup_at_the_hidden_prompt_restores_the_terminal() {
    for (signal, number) in [("SIGTERM", 15), ("SIGHUP", 1), ("SIGINT", 2)] {
        let dir = tempfile::tempdir().unwrap();
        let env_file = dir.path().join(".env");
        let mut command = Command::new("python3");
        command
            .arg("-c")
            .arg(SIGNAL_DRIVER)
            .args(["some-client\r", SECRET_PROMPT, signal])
            .arg(env!("CARGO_BIN_EXE_xtask"))
            .args(["init", "--env-file", env_file.to_str().unwrap()])
            .env("TERM", "xterm")
            .env_remove("CI");
        for (key, _) in std::env::vars() {
            if key.starts_with("GOTO_") {
                command.env_remove(key);
            }
        }
        let output = command.output().expect("python3 runs the signal driver");
        assert!(
            output.stderr.is_empty(),
            "the driver failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let screen = result["screen"].as_str().unwrap();
        assert_eq!(result["code"], 128 + number, "{signal}: {screen}");
        assert_eq!(
            (&result["echo"], &result["icanon"], &result["isig"]),
            (&true.into(), &true.into(), &true.into()),
            "{signal} left the terminal without echo or line mode: {screen}"
        );
        assert!(screen.contains("some-client"), "{screen}");
        assert_eq!(
            dotenv_value(&env_file, "GOTO_CLIENT_ID").unwrap(),
            "",
            "nothing was written"
        );
    }
}
