//! `cargo xtask`: from a GoTo Personal Access Token to working GoTo API calls.
//!
//! This file only parses the command line and dispatches; each subcommand lives in its own
//! module, and exit codes and remedies live in `report`. This is the only crate that prints.

mod api;
mod completions;
mod demo;
mod exec;
mod flags;
mod github;
mod init;
mod init_terminal;
mod paginate;
mod report;
mod sandbox;
mod session;
mod smoke;
mod status;
mod token;
mod ui;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::flags::{Cli, Command};
use crate::ui::Ui;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::for_stderr();
    let env_file = cli.env_file.unwrap_or_else(|| project_root().join(".env"));
    let Some(command) = cli.command else {
        // `cargo xtask` alone is a question, not a mistake: answer it with the help.
        Cli::command().print_long_help().ok();
        return ExitCode::SUCCESS;
    };
    report::quiet_panics();
    let ctx = Context {
        env_file,
        ui,
        process_env: true,
    };
    let result = std::panic::catch_unwind(|| match command {
        Command::Token(cmd) => cmd.run(&ctx),
        Command::Smoke(cmd) => cmd.run(&ctx),
        Command::Api(cmd) => cmd.run(&ctx),
        Command::Status(cmd) => cmd.run(&ctx),
        Command::Init(cmd) => cmd.run(&ctx),
        Command::Sandbox(cmd) => cmd.run(&ctx),
        Command::Demo(cmd) => cmd.run(&ctx),
        Command::Exec(cmd) => cmd.run(&ctx),
        Command::Completions(cmd) => cmd.run(&ctx),
    });
    report::finish(result, &ui)
}

/// What every subcommand gets: the env file, the terminal, and whether the process environment
/// may override the env file (`demo` says no, so a user's exported credentials cannot leak into
/// the sandbox run).
pub(crate) struct Context {
    pub env_file: PathBuf,
    pub ui: Ui,
    pub process_env: bool,
}

impl Context {
    /// Opens the env file for a command that talks to GoTo.
    pub fn session(&self, timeout: std::time::Duration) -> anyhow::Result<session::Session> {
        session::Session::open(&self.env_file, timeout, self.process_env)
    }

    /// The environment lookup the configuration may use.
    pub fn env_lookup(&self) -> impl Fn(&str) -> Option<String> + use<> {
        let enabled = self.process_env;
        move |key| {
            if enabled {
                std::env::var(key).ok()
            } else {
                None
            }
        }
    }
}

/// The workspace root, where `.env`, `.env.example` and the snapshots live.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}
