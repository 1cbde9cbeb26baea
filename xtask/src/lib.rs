//! `cargo xtask`: from a GoTo Personal Access Token to working GoTo API calls.
//!
//! This file only parses the command line and dispatches; each subcommand lives in its own
//! module, and exit codes and remedies live in `report`. This is the only crate that prints.
//!
//! The commands are a library and `main.rs` a binary that hands [`run`] the HTTP transport
//! (`goto_http::connect`). That split is for the cold build of a developer's first
//! `cargo xtask`: a binary cannot start compiling until every crate it links is fully built, so
//! everything in the binary compiles after reqwest, at the very end; a library starts as soon as
//! the metadata of its dependencies is ready, beside reqwest's code generation.

mod api;
mod completions;
mod demo;
mod environment;
mod exec;
mod flags;
mod github;
mod init;
mod init_terminal;
mod paginate;
mod report;
mod sandbox;
mod signals;
mod smoke;
mod status;
mod terminal_input;
mod token;
mod ui;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};
use goto_auth::blocks::{Connect, EnvFileError, Session, Sources};

use crate::environment::Environment;
use crate::flags::{Cli, Command};
use crate::report::UsageError;
use crate::ui::Ui;

/// Runs `cargo xtask` with the command line and environment of this process, sending HTTP
/// through the clients `connect` builds, and returns the exit code the contract gives.
pub fn run(connect: Connect) -> ExitCode {
    let cli = parse_cli();
    let environment = Environment::capture();
    let default_env_file = project_root().join(".env");
    let env_file_given = cli.env_file.is_some();
    let env_file = cli.env_file.unwrap_or_else(|| default_env_file.clone());
    // Advice keeps a chosen file; leaked once, so the terminal writer can stay `Copy`.
    let chosen = (env_file != default_env_file)
        .then(|| &*Box::leak(ui::shell_word(&env_file.to_string_lossy()).into_boxed_str()));
    let ui = Ui::new(&environment).with_env_file(chosen);
    let Some(command) = cli.command else {
        // `cargo xtask` alone is a question, not a mistake: answer it with the help.
        Cli::command().print_long_help().ok();
        return ExitCode::SUCCESS;
    };
    let ctx = Context {
        env_file,
        env_file_given,
        ui,
        environment,
        connect,
    };
    let result = match command {
        Command::Token(cmd) => cmd.run(&ctx),
        Command::Smoke(cmd) => cmd.run(&ctx),
        Command::Api(cmd) => cmd.run(&ctx),
        Command::Status(cmd) => cmd.run(&ctx),
        Command::Init(cmd) => cmd.run(&ctx),
        Command::Sandbox(cmd) => cmd.run(&ctx),
        Command::Demo(cmd) => cmd.run(&ctx),
        Command::Exec(cmd) => cmd.run(&ctx),
        Command::Completions(cmd) => cmd.run(&ctx),
    };
    report::finish(result, &ui)
}

/// Parses the command line as [`command_line`] declares it.
fn parse_cli() -> Cli {
    Cli::from_arg_matches(&command_line().get_matches()).unwrap_or_else(|error| error.exit())
}

/// The command line: `flags`' declarations, with the smoke catalog's call names as `--only`'s
/// possible values. clap then refuses an unknown name, lists the calls and suggests the nearest
/// (`user_me` → `users_me`), and the completion scripts, generated from this same command,
/// offer the names. They are added here rather than in `flags`, which stays free of `smoke`.
pub(crate) fn command_line() -> clap::Command {
    Cli::command().mut_subcommand("smoke", |smoke| {
        smoke.mut_arg("only", |only| {
            only.value_parser(clap::builder::PossibleValuesParser::new(
                smoke::catalog::names(),
            ))
        })
    })
}

/// What every subcommand gets: the env file, the terminal, and the process environment as read
/// at start (`demo` hands its steps one without the user's keys, so exported credentials cannot
/// leak into the sandbox run).
pub(crate) struct Context {
    pub env_file: PathBuf,
    /// Whether `--env-file` was on the command line (`sandbox` writes its lines only then).
    pub env_file_given: bool,
    pub ui: Ui,
    pub environment: Environment,
    /// Builds the HTTP client of a session.
    pub connect: Connect,
}

impl Context {
    /// What the env file and the environment say, for a command that reads them.
    ///
    /// A missing file is fine when the environment supplies every key the exchange needs (CI);
    /// the token is then written to a new file.
    pub fn sources(&self) -> anyhow::Result<Sources> {
        let entries = match goto_auth::blocks::read_env_file(&self.env_file) {
            Ok(file) => {
                self.ui
                    .warn_foreign_lines(&self.env_file, &file.foreign_lines);
                file.entries
            }
            Err(EnvFileError::NotFound { .. }) if self.environment.has_credentials() => Vec::new(),
            Err(error @ EnvFileError::NotFound { .. }) => {
                let remedy = match missing_directory(&self.env_file) {
                    // `init` could not create the file there either.
                    Some(directory) => format!(
                        "its directory {} does not exist: create it (mkdir -p {}) or fix the \
                         --env-file path, then run `cargo xtask init`",
                        directory.display(),
                        ui::shell_word(&directory.to_string_lossy())
                    ),
                    None => "run `cargo xtask init` to create it from .env.example".to_owned(),
                };
                return Err(UsageError(format!(
                    "{error}: {remedy} (or set GOTO_CLIENT_ID, GOTO_CLIENT_SECRET and GOTO_PAT \
                     in the environment)"
                ))
                .into());
            }
            Err(error) => return Err(error.into()),
        };
        Ok(self.sources_from(entries))
    }

    /// The env file's `entries` merged with the environment's user keys.
    pub fn sources_from(&self, entries: Vec<(String, String)>) -> Sources {
        Sources::new(&self.env_file, entries, |key| {
            self.environment.user_value(key)
        })
    }

    /// A session for a command that talks to GoTo; its notices go to the terminal.
    pub fn session(&self, timeout: Duration) -> anyhow::Result<Session> {
        Ok(Session::new(
            self.sources()?,
            timeout,
            std::sync::Arc::new(self.ui),
            self.connect,
        ))
    }
}

/// The directory `path` would be created in, when it does not exist (or is no directory).
pub(crate) fn missing_directory(path: &Path) -> Option<PathBuf> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())?;
    (!directory.is_dir()).then(|| directory.to_owned())
}

/// The workspace root, where `.env`, `.env.example` and the snapshots live.
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}
