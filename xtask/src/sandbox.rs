//! `cargo xtask sandbox`: the local GoTo in the foreground. The xtask runs the sandbox's own
//! binary through cargo rather than linking it, so its server stack stays out of the build of
//! `cargo xtask token`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};

use anyhow::Context as _;
use xshell::{Shell, cmd};

use crate::Context;
use crate::flags;

impl flags::Sandbox {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let binary = build_sandbox(&ctx.environment.cargo)?;
        ctx.ui.line("Paste these lines into an env file (or `export` them), then run `cargo xtask token` and `cargo xtask smoke`. Ctrl-C stops the sandbox.");
        let (port, latency) = (self.port.to_string(), self.latency.to_string());
        let status = Command::new(binary)
            .args(["--port", &port, "--latency", &latency])
            .status()
            .context("could not start the sandbox")?;
        anyhow::ensure!(status.success(), "the sandbox stopped: {status}");
        Ok(())
    }
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

/// A sandbox process started for `demo`, killed when dropped.
pub struct RunningSandbox {
    child: Child,
    /// The `KEY=value` lines it printed: URLs and seeded credentials.
    pub lines: Vec<(String, String)>,
}

impl RunningSandbox {
    /// Starts the sandbox on a free port and reads the lines it prints.
    pub fn start(cargo: &str, latency_ms: u64) -> anyhow::Result<RunningSandbox> {
        let binary = build_sandbox(cargo)?;
        let mut child = Command::new(binary)
            .args(["--port", "0", "--latency", &latency_ms.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not start the sandbox")?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut sandbox = RunningSandbox {
            child,
            lines: Vec::new(),
        };
        sandbox.lines = read_lines(stdout)?;
        Ok(sandbox)
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
