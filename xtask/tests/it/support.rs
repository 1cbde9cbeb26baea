//! The test harness.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use goto_sandbox::{Sandbox, seed};

/// The keys `token` owns, as the contract names them.
pub const TOKEN_KEYS: [&str; 5] = [
    "GOTO_ACCESS_TOKEN",
    "GOTO_ACCESS_TOKEN_EXPIRES_AT",
    "GOTO_TOKEN_SCOPE",
    "GOTO_TOKEN_PRINCIPAL",
    "GOTO_TOKEN_MINTED_FOR",
];

/// A temporary directory with an env file for one test.
pub struct Workspace {
    dir: tempfile::TempDir,
    pub env_file: PathBuf,
}

impl Workspace {
    /// An env file pointing at `sandbox` with the seeded client and `pat`.
    pub fn for_sandbox(sandbox: &Sandbox, pat: &str) -> Workspace {
        Workspace::with_contents(&format!(
            "# test env file\nGOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_PAT={pat}\nGOTO_AUTH_URL={url}\nGOTO_API_URL={url}\n",
            seed::CLIENT_ID,
            seed::CLIENT_SECRET,
            url = sandbox.base_url(),
        ))
    }

    /// An env file with exactly these bytes.
    pub fn with_contents(contents: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let env_file = dir.path().join(".env");
        std::fs::write(&env_file, contents).expect("write env file");
        Workspace { dir, env_file }
    }

    /// The directory holding the env file.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The env file's bytes as text.
    pub fn contents(&self) -> String {
        std::fs::read_to_string(&self.env_file).expect("read env file")
    }

    /// The env file's value of `key`, read with dotenvy.
    pub fn value(&self, key: &str) -> Option<String> {
        dotenv_value(&self.env_file, key)
    }

    /// `cargo xtask ARGS --env-file <this env file>`.
    pub fn xtask(&self, args: &[&str]) -> Xtask {
        xtask(args).env_file(&self.env_file)
    }
}

/// The value of `key` in an env file, read with dotenvy's rules.
pub fn dotenv_value(path: &Path, key: &str) -> Option<String> {
    dotenvy::from_path_iter(path)
        .expect("env file readable")
        .map(|item| item.expect("env file parses"))
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Variables the HTTP stack reads by itself (reqwest the proxies, rustls-native-certs the CA
/// store): a developer's proxy would otherwise see every test's loopback traffic, and a CA
/// file of theirs would decide the HTTPS tests. The tests that need them set them.
pub const NETWORK_VARIABLES: [&str; 10] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// A command line for the xtask binary, run in an environment cleared of GOTO_* variables, CI,
/// colour settings, proxies and CA locations, so that the developer's shell cannot change a
/// test's outcome.
pub struct Xtask {
    command: Command,
    secrets: Vec<String>,
    allowed_on_stdout: Vec<String>,
}

pub fn xtask(args: &[&str]) -> Xtask {
    xtask_from(Path::new(env!("CARGO_BIN_EXE_xtask")), args)
}

/// [`xtask`] with a copy of the binary at `program`, for a test that runs it as another user,
/// who may not reach the build directory.
pub fn xtask_from(program: &Path, args: &[&str]) -> Xtask {
    let mut command = Command::new(program);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("GOTO_")
            || key == "CI"
            || key.starts_with("GITHUB_")
            || key == "NO_COLOR"
            || NETWORK_VARIABLES.contains(&&*key)
        {
            command.env_remove(&*key);
        }
    }
    command.args(args);
    Xtask {
        command,
        secrets: seed_secrets(),
        allowed_on_stdout: Vec::new(),
    }
}

/// Every secret the sandbox's seed holds: none may ever appear in output.
pub fn seed_secrets() -> Vec<String> {
    [
        seed::CLIENT_SECRET,
        seed::PAT,
        seed::MEMBER_PAT,
        seed::IDENTITY_ONLY_PAT,
        seed::REVOKED_PAT,
        seed::OVERSCOPED_PAT,
        seed::NO_PAT_GRANT_CLIENT_SECRET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

impl Xtask {
    /// The command itself, for tests that drive the process by hand (signals, output read while
    /// it runs). Nothing scans its output then: such a test checks what it reads.
    pub fn into_command(self) -> Command {
        self.command
    }

    pub fn env_file(mut self, path: &Path) -> Xtask {
        self.command.arg("--env-file").arg(path);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Xtask {
        self.command.env(key, value);
        self
    }

    /// Runs as this user and group instead of the test's own (root), without supplementary
    /// groups: an unprivileged user.
    pub fn run_as(mut self, uid: u32, gid: u32) -> Xtask {
        use std::os::unix::process::CommandExt;
        self.command.uid(uid).gid(gid);
        self
    }

    /// Runs without this variable, whatever the test's own environment holds.
    pub fn env_remove(mut self, key: &str) -> Xtask {
        self.command.env_remove(key);
        self
    }

    /// Also scan the output for this secret.
    pub fn secret(mut self, secret: &str) -> Xtask {
        self.secrets.push(secret.to_owned());
        self
    }

    /// `--print` is the one place a token may appear: on stdout.
    pub fn allow_on_stdout(mut self, secret: &str) -> Xtask {
        self.allowed_on_stdout.push(secret.to_owned());
        self
    }

    /// Runs the command, then checks its output for secrets: every secret the test named, and
    /// every access token the env file held before or after.
    pub fn run(self) -> Run {
        self.run_with_input(None)
    }

    /// [`Xtask::run`] with `input` on the command's stdin (instead of an empty stdin).
    pub fn run_with_stdin(self, input: &[u8]) -> Run {
        self.run_with_input(Some(input))
    }

    fn run_with_input(mut self, input: Option<&[u8]>) -> Run {
        let env_file = env_file_arg(&self.command);
        let tokens_before = env_file.as_deref().map(tokens_in).unwrap_or_default();
        let started = Instant::now();
        let output: Output = match input {
            None => self.command.output().expect("run xtask"),
            Some(input) => {
                let mut child = self
                    .command
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start xtask");
                let mut stdin = child.stdin.take().expect("piped stdin");
                std::io::Write::write_all(&mut stdin, input).expect("write stdin");
                drop(stdin);
                child.wait_with_output().expect("wait for xtask")
            }
        };
        let elapsed = started.elapsed();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            elapsed,
        };
        let tokens_after = env_file.as_deref().map(tokens_in).unwrap_or_default();
        self.secrets.extend(tokens_before);
        self.secrets.extend(tokens_after);
        SecretScanner(&self.secrets).check(&run, &self.allowed_on_stdout);
        run
    }
}

impl Xtask {
    /// Starts the command without waiting for it, for tests that run many at once or kill one
    /// midway. Its output is piped, and [`Spawned::wait`] scans it as [`Xtask::run`] does.
    pub fn spawn(mut self) -> Spawned {
        let env_file = env_file_arg(&self.command);
        self.secrets
            .extend(env_file.as_deref().map(tokens_in).unwrap_or_default());
        let started = Instant::now();
        let child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start xtask");
        Spawned {
            child,
            started,
            env_file,
            secrets: self.secrets,
            allowed_on_stdout: self.allowed_on_stdout,
        }
    }
}

/// A running xtask, from [`Xtask::spawn`].
pub struct Spawned {
    child: Child,
    started: Instant,
    env_file: Option<PathBuf>,
    secrets: Vec<String>,
    allowed_on_stdout: Vec<String>,
}

impl Spawned {
    /// Kills the process with SIGKILL, which it cannot catch: no destructor, no clean-up runs.
    /// A process that already exited is left as it is.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
    }

    /// The process id, to look at the process in `/proc` while it runs.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has ended; [`Spawned::wait`] still reads its output afterwards.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Sends `signal` to the process (a catchable one, unlike [`Spawned::kill`]'s SIGKILL).
    pub fn signal(&self, signal: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, signal).expect("send the signal");
    }

    /// Waits for the process to end and scans what it printed for secrets, including every
    /// access token the env file held before or after. A process killed by a signal has code -1.
    pub fn wait(self) -> Run {
        self.wait_with_signal().0
    }

    /// As [`Spawned::wait`], with the number of the signal that ended the process, if one did.
    pub fn wait_with_signal(mut self) -> (Run, Option<i32>) {
        use std::os::unix::process::ExitStatusExt as _;
        let output = self.child.wait_with_output().expect("wait for xtask");
        let signal = output.status.signal();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
            elapsed: self.started.elapsed(),
        };
        self.secrets
            .extend(self.env_file.as_deref().map(tokens_in).unwrap_or_default());
        SecretScanner(&self.secrets).check(&run, &self.allowed_on_stdout);
        (run, signal)
    }
}

fn env_file_arg(command: &Command) -> Option<PathBuf> {
    let args: Vec<_> = command.get_args().collect();
    args.windows(2)
        .find(|pair| pair[0] == "--env-file")
        .map(|pair| PathBuf::from(pair[1]))
}

/// The secret values an env file holds, if it can be read. Only a regular file is read: the
/// tests also point the env file at FIFOs and devices, which would block or never end.
fn tokens_in(path: &Path) -> Vec<String> {
    if !std::fs::metadata(path).is_ok_and(|metadata| metadata.is_file()) {
        return Vec::new();
    }
    let Ok(iter) = dotenvy::from_path_iter(path) else {
        return Vec::new();
    };
    let values: Vec<(String, String)> = iter.filter_map(Result::ok).collect();
    let value_of = |name: &str| {
        values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let mut secrets: Vec<String> = values
        .iter()
        .filter(|(key, value)| {
            ["GOTO_ACCESS_TOKEN", "GOTO_CLIENT_SECRET", "GOTO_PAT"].contains(&key.as_str())
                && value.len() >= 8
        })
        .map(|(_, value)| value.clone())
        .collect();
    // The Basic credential the exchange sends is a secret of its own.
    if let (Some(id), Some(secret)) = (value_of("GOTO_CLIENT_ID"), value_of("GOTO_CLIENT_SECRET")) {
        secrets.push(basic_credential(id, secret));
    }
    secrets
}

/// The `Authorization: Basic` credential of the exchange: base64 of `id:secret`.
pub fn basic_credential(client_id: &str, client_secret: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{client_secret}"))
}

/// Every form in which a secret could leak: as it is, its base64, and percent-encoded (form
/// encoding and plain, with upper- and lower-case hex digits).
fn leaked_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut forms = vec![
        secret.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(secret),
    ];
    let form_encoded: String = url_encode(secret, true);
    let percent_encoded: String = url_encode(secret, false);
    for encoded in [form_encoded, percent_encoded] {
        forms.push(lower_hex(&encoded));
        forms.push(encoded);
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Percent-encodes every byte but letters and digits (and, as a form does, `-._*` with a space
/// as `+`).
fn url_encode(value: &str, form: bool) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b if b.is_ascii_alphanumeric() => out.push(char::from(b)),
            b'-' | b'.' | b'_' | b'*' if form => out.push(char::from(byte)),
            b' ' if form => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `encoded` with the two hex digits after each `%` in lower case.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut digits = 0_u8;
    for c in encoded.chars() {
        out.push(if digits > 0 {
            c.to_ascii_lowercase()
        } else {
            c
        });
        digits = if c == '%' {
            2
        } else {
            digits.saturating_sub(1)
        };
    }
    out
}

/// Fails the test when any secret appears in a command's output.
pub struct SecretScanner<'a>(pub &'a [String]);

impl SecretScanner<'_> {
    /// Checks every form of every secret (see [`leaked_forms`]); only the raw value may be
    /// allowed on stdout.
    pub fn check(&self, run: &Run, allowed_on_stdout: &[String]) {
        for raw in self.0 {
            for form in leaked_forms(raw) {
                let allowed: &[String] = if &form == raw { allowed_on_stdout } else { &[] };
                Self::check_one(run, &form, allowed);
            }
        }
    }

    fn check_one(run: &Run, secret: &str, allowed_on_stdout: &[String]) {
        assert!(
            !run.stderr.contains(secret),
            "a secret appeared on stderr:\n{}",
            run.stderr.replace(secret, "<<THE SECRET>>")
        );
        if !allowed_on_stdout.iter().any(|allowed| allowed == secret) {
            assert!(
                !run.stdout.contains(secret),
                "a secret appeared on stdout:\n{}",
                run.stdout.replace(secret, "<<THE SECRET>>")
            );
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// How many token exchanges the sandbox has seen.
pub fn token_requests(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/token"))
        .count()
}

/// Where the pinned outside tools live (the interop tests' dotenv readers): cargo's
/// scratch directory for integration tests, inside the target directory, so nothing outside it
/// is touched and `cargo clean` removes them.
fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop")
}

/// Runs an installer; its output is kept for the failure message only.
pub fn run_installer(mut command: Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|error| format!("cannot run {shown}: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The folder `name` under [`interop_dir`], installed by `install` if it is not there yet.
///
/// The installer fills a staging folder of its own, which is then renamed into place: a rename is
/// atomic, so the folder is either absent or complete, and a test run that loses the race with a
/// concurrent one (two `cargo test` at once) finds the winner's complete copy and drops its own.
/// The name carries the version, so a change of pin installs afresh.
pub fn installed(
    name: &str,
    install: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let root = interop_dir();
    let dest = root.join(name);
    if dest.is_dir() {
        return Ok(dest);
    }
    std::fs::create_dir_all(&root)
        .map_err(|error| format!("cannot create {}: {error}", root.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.staging-"))
        .tempdir_in(&root)
        .map_err(|error| {
            format!(
                "cannot create a staging folder in {}: {error}",
                root.display()
            )
        })?;
    install(staging.path())?;
    match std::fs::rename(staging.path(), &dest) {
        Ok(()) => Ok(dest),
        // Another run renamed its complete copy into place first; ours goes with `staging`.
        Err(_) if dest.is_dir() => Ok(dest),
        Err(error) => Err(format!(
            "cannot move {} to {}: {error}",
            staging.path().display(),
            dest.display()
        )),
    }
}
