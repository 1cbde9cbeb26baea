//! `cargo xtask sandbox`: the local GoTo in the foreground. The sandbox is a library the xtask
//! links (`goto_sandbox`), built in the same cargo build as the xtask itself, and it serves from
//! inside the xtask's process, on a thread with a runtime of its own. So a newcomer's first
//! `cargo xtask demo` is one build, not two, and no sandbox can outlive the xtask: whatever ends
//! the process (Ctrl-C, SIGTERM, SIGHUP) ends the server with it, by the signal's own default
//! action, so a shell or a supervisor sees the death it caused.

use std::path::Path;

use anyhow::Context as _;
use goto_auth::blocks::keys;
use goto_sandbox::{Options, Sandbox};

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::ui;

/// The keys whose values make an env file someone's real credentials.
const CREDENTIAL_KEYS: [&str; 3] = [keys::CLIENT_ID, keys::CLIENT_SECRET, keys::PAT];

impl flags::Sandbox {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        let sandbox = start(self.port, self.latency)?;
        let lines = env_lines(&sandbox);
        // Written (or refused) before anything is printed, so a refused run shows no credentials.
        if ctx.env_file_given {
            write_lines(&ctx.env_file, &lines)?;
        }
        let printed: String = lines
            .iter()
            .map(|(key, value)| format!("{key}={value}\n"))
            .collect();
        ui::stdout(&printed).context("could not print the sandbox's lines")?;
        ui.line(&format!(
            "A seeded GoTo is serving on {} as {}.",
            sandbox.base_url(),
            goto_sandbox::seed::ADMIN_EMAIL
        ));
        if ctx.env_file_given {
            ui.success(&format!(
                "wrote these lines to {}; run `cargo xtask token` and `cargo xtask smoke`. Ctrl-C stops the sandbox.",
                ctx.env_file.display()
            ));
        } else {
            ui.line("Paste these lines into an env file (or `export` them), then run `cargo xtask token` and `cargo xtask smoke`. Ctrl-C stops the sandbox.");
        }
        // The server runs on the sandbox's own thread; this one only keeps the process alive. No
        // signal is caught: SIGINT, SIGTERM and SIGHUP end the process, server and all.
        loop {
            std::thread::park();
        }
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

/// Starts the seeded sandbox on 127.0.0.1:`port` (0 picks a free one) with `latency_ms` of
/// extra delay before every answer, and GoTo's rate limit, as `goto-sandbox` serves it.
pub fn start(port: u16, latency_ms: u64) -> anyhow::Result<Sandbox> {
    Sandbox::start_with(Options {
        port,
        latency: std::time::Duration::from_millis(latency_ms),
        ..Options::default()
    })
    .with_context(|| format!("could not start the sandbox on 127.0.0.1:{port}"))
}

/// The sandbox's five `KEY=value` lines: URLs and seeded credentials.
pub fn env_lines(sandbox: &Sandbox) -> Vec<(String, String)> {
    sandbox
        .env_lines()
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}
