//! `cargo xtask sandbox`: the local GoTo in the foreground. The xtask runs the sandbox's own
//! binary through cargo rather than linking it, so its server stack stays out of the build of
//! `cargo xtask token`.
//!
//! Because the sandbox is our child, ending the xtask alone would leave it serving. So `sandbox`
//! and `demo` catch SIGINT, SIGTERM and SIGHUP ([`crate::signals::Stop`]), end the child, clean up, and then end
//! themselves by the same signal, so a shell or a supervisor sees the death it caused.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;
use goto_auth::blocks::keys;
use xshell::{Shell, cmd};

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::signals::{POLL, Stop, die_by};
use crate::ui;

/// The keys whose values make an env file someone's real credentials.
const CREDENTIAL_KEYS: [&str; 3] = [keys::CLIENT_ID, keys::CLIENT_SECRET, keys::PAT];

impl flags::Sandbox {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        let binary = build_sandbox(&ctx.environment.cargo)?;
        let stop = Stop::register();
        // The sandbox's own stderr line ("serving on …, Ctrl-C stops it") goes to the user.
        let sandbox = RunningSandbox::spawn(&binary, self.port, self.latency, Stdio::inherit())?;
        // Written (or refused) before anything is printed, so a refused run shows no credentials.
        if ctx.env_file_given {
            write_lines(&ctx.env_file, &sandbox.lines)?;
        }
        let printed: String = sandbox
            .lines
            .iter()
            .map(|(key, value)| format!("{key}={value}\n"))
            .collect();
        ui::stdout(&printed).context("could not print the sandbox's lines")?;
        if ctx.env_file_given {
            ui.success(&format!(
                "wrote these lines to {}; run `cargo xtask token` and `cargo xtask smoke`. Ctrl-C stops the sandbox.",
                ctx.env_file.display()
            ));
        } else {
            ui.line("Paste these lines into an env file (or `export` them), then run `cargo xtask token` and `cargo xtask smoke`. Ctrl-C stops the sandbox.");
        }
        let status = loop {
            if let Some(signal) = stop.received() {
                sandbox.end();
                die_by(signal);
            }
            if let Some(status) = sandbox.try_wait()? {
                break status;
            }
            std::thread::sleep(POLL);
        };
        anyhow::bail!("the sandbox stopped: {status}")
    }
}

/// Writes the sandbox's lines into the env file the user named, keeping every other line. A
/// file that already holds credentials other than the sandbox's is someone's real setup: it is
/// refused (exit 2) rather than overwritten.
fn write_lines(env_file: &Path, lines: &[(String, String)]) -> anyhow::Result<()> {
    let existing = match goto_auth::blocks::read_file(env_file) {
        Ok(values) => values,
        Err(goto_auth::blocks::EnvFileError::NotFound { .. }) => Vec::new(),
        Err(error) => return Err(error.into()),
    };
    let ours = |key: &str| {
        lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let foreign: Vec<&str> = CREDENTIAL_KEYS
        .into_iter()
        .filter(|key| {
            existing
                .iter()
                .any(|(k, v)| k == key && !v.is_empty() && Some(v.as_str()) != ours(key))
        })
        .collect();
    if !foreign.is_empty() {
        return Err(UsageError(format!(
            "{} holds {} that are not the sandbox's; the sandbox will not overwrite real \
             credentials. Name another file, e.g. `cargo xtask sandbox --env-file sandbox.env`",
            env_file.display(),
            foreign.join(", ")
        ))
        .into());
    }
    let updates: Vec<(&str, &str)> = lines
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    goto_auth::blocks::update_file(env_file, &updates).with_context(|| {
        format!(
            "could not write the sandbox's lines to {}",
            env_file.display()
        )
    })?;
    Ok(())
}

/// Builds the sandbox binary and returns its path, from cargo's own report of what it built.
pub fn build_sandbox(cargo: &str) -> anyhow::Result<PathBuf> {
    let sh = Shell::new()?;
    sh.change_dir(crate::project_root());
    let messages = cmd!(
        sh,
        "{cargo} build --quiet --package goto-sandbox --bin goto-sandbox --message-format=json"
    )
    .quiet()
    .read()
    .context("could not build the sandbox (cargo build --package goto-sandbox)")?;
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == "goto-sandbox")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .context("cargo built the sandbox but did not say where its binary is")
}

/// A sandbox process of ours, killed when dropped. The child sits behind a lock so that a
/// thread watching for signals (`demo`'s) can end it while the main thread works.
pub struct RunningSandbox {
    child: Arc<Mutex<Child>>,
    /// The `KEY=value` lines it printed: URLs and seeded credentials.
    pub lines: Vec<(String, String)>,
}

impl RunningSandbox {
    /// Builds the sandbox and starts it on a free port, quietly, and reads the lines it prints.
    pub fn start(cargo: &str, latency_ms: u64) -> anyhow::Result<RunningSandbox> {
        RunningSandbox::spawn(&build_sandbox(cargo)?, 0, latency_ms, Stdio::null())
    }

    fn spawn(
        binary: &Path,
        port: u16,
        latency_ms: u64,
        stderr: Stdio,
    ) -> anyhow::Result<RunningSandbox> {
        let mut child = Command::new(binary)
            .args([
                "--port",
                &port.to_string(),
                "--latency",
                &latency_ms.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .context("could not start the sandbox")?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut sandbox = RunningSandbox {
            child: Arc::new(Mutex::new(child)),
            lines: Vec::new(),
        };
        sandbox.lines = read_lines(stdout)?;
        Ok(sandbox)
    }

    /// A handle another thread can end the child with ([`end_child`]).
    pub fn handle(&self) -> Arc<Mutex<Child>> {
        Arc::clone(&self.child)
    }

    /// The child's exit status, if it has ended.
    fn try_wait(&self) -> std::io::Result<Option<ExitStatus>> {
        self.child
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .try_wait()
    }

    /// Ends the child now.
    fn end(&self) {
        end_child(&self.child);
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        end_child(&self.child);
    }
}

/// Kills the sandbox and reaps it, so no process is left behind, not even a zombie. SIGKILL
/// because the sandbox keeps no state worth a graceful end, and it cannot be ignored.
pub fn end_child(child: &Mutex<Child>) {
    let mut child = child.lock().unwrap_or_else(PoisonError::into_inner);
    let _ = child.kill();
    let _ = child.wait();
}

/// The five `KEY=value` lines the sandbox prints once it listens.
fn read_lines(stdout: ChildStdout) -> anyhow::Result<Vec<(String, String)>> {
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("could not read the sandbox's output")?;
        if let Some((key, value)) = line.split_once('=') {
            lines.push((key.trim().to_owned(), value.trim().to_owned()));
        }
        if lines.len() == 5 {
            return Ok(lines);
        }
    }
    anyhow::bail!("the sandbox exited before it printed its credentials")
}
