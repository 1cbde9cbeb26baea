//! Exit codes and the last word on failures, in one place.
//!
//! 0: success. 1: the exchange or a call failed. 2: bad usage or configuration (a missing file
//! or key, an unreadable file, an unusable URL). `exec` becomes its command, whose code is then
//! its own; the xtask answers with the shell's 127 and 126 only when the command cannot be
//! started. A panic is a bug: it is not
//! caught, so Rust prints its message and location and the process exits with 101.

use std::process::ExitCode;

use goto_auth::blocks::{
    CallError, ConfigError, EnvFileError, ExchangeError, SessionError, TransportError, UrlError,
};

use crate::ui::Ui;

/// The exchange or a call failed.
pub const FAILURE: u8 = 1;
/// Bad usage or configuration.
pub const USAGE: u8 = 2;

/// A mistake in how the command was called, or in the configuration, that clap and the library
/// cannot see (a bad `--only` name, a body that is not JSON, no env file at all). Exits with
/// [`USAGE`].
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `exec` could not replace itself with its command. The exit codes are the shell's: 127 when
/// there is no such command, 126 when it exists but cannot be run.
#[derive(Debug, thiserror::Error)]
#[error("could not run `{program}`: {reason}")]
pub struct ExecFailed {
    program: String,
    reason: String,
    code: u8,
}

/// The user ended an interactive `init` (Ctrl-C, or the end of input) before it wrote anything.
#[derive(Debug, thiserror::Error)]
#[error("cancelled; no value was written")]
pub struct Cancelled;

/// Ended at the user's request (Ctrl-C), as a shell reports SIGINT: 128 + 2.
pub const CANCELLED: u8 = 130;

/// No such command, as a shell reports it.
pub const COMMAND_NOT_FOUND: u8 = 127;
/// The command exists but cannot be run.
pub const NOT_EXECUTABLE: u8 = 126;

impl ExecFailed {
    /// Classifies the error the exec of `program` gave.
    pub fn new(program: &std::ffi::OsStr, error: &std::io::Error) -> ExecFailed {
        let (reason, code) = match error.kind() {
            std::io::ErrorKind::NotFound => (
                "no such command (is it installed and on PATH?)".to_owned(),
                COMMAND_NOT_FOUND,
            ),
            std::io::ErrorKind::PermissionDenied => (
                "permission denied (is it executable?)".to_owned(),
                NOT_EXECUTABLE,
            ),
            _ => (error.to_string(), NOT_EXECUTABLE),
        };
        ExecFailed {
            program: program.to_string_lossy().into_owned(),
            reason,
            code,
        }
    }
}

/// Turns a subcommand's result into the process's exit code, printing the error chain.
pub fn finish(result: anyhow::Result<()>, ui: &Ui) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            ui.error(&format!("{error:#}{}", command_remedy(&error)));
            ExitCode::from(exit_code(&error))
        }
    }
}

/// The xtask's own command for a remedy the library words in GoTo's terms alone: a token that
/// lacks a scope is fixed on the client and the PAT, and then `token --force` exchanges the new
/// PAT.
fn command_remedy(error: &anyhow::Error) -> &'static str {
    let timed_out = error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<TransportError>(),
            Some(TransportError::Timeout { .. })
        ) || cause
            .downcast_ref::<CallError>()
            .is_some_and(call_timed_out)
            || cause
                .downcast_ref::<SessionError>()
                .is_some_and(session_timed_out)
    });
    if timed_out {
        return " (--timeout SECS)";
    }
    let new_pat_needed = error.chain().any(|cause| {
        cause.downcast_ref::<CallError>().is_some_and(|call| {
            matches!(
                call,
                CallError::InsufficientScope { .. } | CallError::Refused { status: 403, .. }
            )
        })
    });
    if new_pat_needed {
        " (`cargo xtask token --force`)"
    } else {
        ""
    }
}

/// The exit code an error maps to: configuration and usage problems are 2, the rest 1.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if let Some(failed) = error.downcast_ref::<ExecFailed>() {
        return failed.code;
    }
    if error.is::<Cancelled>() {
        return CANCELLED;
    }
    let is_usage = error.chain().any(|cause| {
        cause.is::<UsageError>()
            || cause.is::<ConfigError>()
            || cause.is::<UrlError>()
            || cause
                .downcast_ref::<SessionError>()
                .is_some_and(SessionError::is_configuration)
            || cause
                .downcast_ref::<CallError>()
                .is_some_and(|call| match call {
                    CallError::Session(session) => session.is_configuration(),
                    CallError::Path { .. } => true,
                    _ => false,
                })
            || cause
                .downcast_ref::<EnvFileError>()
                .is_some_and(is_unreadable)
    });
    if is_usage { USAGE } else { FAILURE }
}

/// Whether a call's failure was a timeout, after retries or not.
fn call_timed_out(error: &CallError) -> bool {
    match error {
        CallError::Transport(TransportError::Timeout { .. }) => true,
        CallError::Retried { last, .. } => call_timed_out(last),
        CallError::Session(session) => session_timed_out(session),
        _ => false,
    }
}

/// Whether getting a token failed by a timeout, after retries or not.
fn session_timed_out(error: &SessionError) -> bool {
    fn exchange_timed_out(error: &ExchangeError) -> bool {
        match error {
            ExchangeError::Transport(TransportError::Timeout { .. }) => true,
            ExchangeError::Retried { last, .. } => exchange_timed_out(last),
            _ => false,
        }
    }
    match error {
        SessionError::Transport(TransportError::Timeout { .. }) => true,
        SessionError::Exchange(exchange) => exchange_timed_out(exchange),
        _ => false,
    }
}

/// Whether an env-file error means the file could not be read or is not one the tool may write
/// (configuration, exit 2, always found before any request) rather than that a write failed
/// (exit 1).
fn is_unreadable(error: &EnvFileError) -> bool {
    matches!(
        error,
        EnvFileError::NotFound { .. }
            | EnvFileError::Read { .. }
            | EnvFileError::NotUtf8 { .. }
            | EnvFileError::Parse { .. }
            | EnvFileError::NotRegular { .. }
            | EnvFileError::NotWritable { .. }
            | EnvFileError::OwnerNotKept { .. }
    )
}
