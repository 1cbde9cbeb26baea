//! Exit codes and the last word on failures, in one place.
//!
//! 0: success. 1: the exchange or a call failed. 2: bad usage or configuration (a missing file
//! or key, an unreadable file, an unusable URL). `exec` passes its command's code on, and uses
//! the shell's 127 and 126 when the command cannot be started. A panic is a bug: it is not
//! caught, so Rust prints its message and location and the process exits with 101.

use std::borrow::Cow;
use std::process::ExitCode;

use goto_auth::{CallError, ConfigError, EnvFileError, SessionError, UrlError};

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

/// `exec`'s command ended with this non-zero code (128 + N for signal N): the xtask ends with the
/// same code and adds no message, since the command has said what it had to say.
#[derive(Debug, thiserror::Error)]
#[error("the command exited with code {0}")]
pub struct ChildExit(pub u8);

/// `exec` could not start its command. The exit codes are the shell's: 127 when there is no such
/// command, 126 when it exists but cannot be run.
#[derive(Debug, thiserror::Error)]
#[error("could not run `{program}`: {reason}")]
pub struct SpawnFailed {
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

impl SpawnFailed {
    /// Classifies the error `Command::spawn` gave for `program`.
    pub fn new(program: &std::ffi::OsStr, error: &std::io::Error) -> SpawnFailed {
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
        SpawnFailed {
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
        Err(error) if error.is::<ChildExit>() => ExitCode::from(
            error
                .downcast_ref::<ChildExit>()
                .map_or(FAILURE, |exit| exit.0),
        ),
        Err(error) => {
            ui.error(&format!("{error:#}"));
            ExitCode::from(exit_code(&error))
        }
    }
}

/// The exit code an error maps to: configuration and usage problems are 2, the rest 1.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if let Some(failed) = error.downcast_ref::<SpawnFailed>() {
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
            || cause.downcast_ref::<CallError>().is_some_and(
                |call| matches!(call, CallError::Session(session) if session.is_configuration()),
            )
            || cause
                .downcast_ref::<EnvFileError>()
                .is_some_and(is_unreadable)
    });
    if is_usage { USAGE } else { FAILURE }
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

/// The subcommands that act on the env file: a remedy naming one of them gets the user's
/// `--env-file`. (`demo` uses a file of its own, and `completions` reads none.)
const ENV_FILE_COMMANDS: [&str; 7] = ["token", "smoke", "api", "status", "init", "exec", "sandbox"];

/// `text` with `--env-file PATH` after every `cargo xtask COMMAND` it recommends, when the user
/// chose a file other than the default. Remedies are written once, in the default file's terms,
/// wherever they arise (the library's hints included); this is the one place they are fitted to
/// the file actually in use, so that running the advice as printed acts on the same file.
pub fn keep_env_file<'a>(text: &'a str, env_file: Option<&str>) -> Cow<'a, str> {
    const PREFIX: &str = "cargo xtask ";
    let Some(env_file) = env_file else {
        return Cow::Borrowed(text);
    };
    if !text.contains(PREFIX) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        let word_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        let word = &after[..word_len];
        out.push_str(&rest[..at + PREFIX.len() + word_len]);
        rest = &after[word_len..];
        // The rest of this command, up to its closing backtick, may name a file already.
        let given = rest
            .split(['`', '\n'])
            .next()
            .is_some_and(|command| command.contains("--env-file"));
        if ENV_FILE_COMMANDS.contains(&word) && !given {
            out.push_str(" --env-file ");
            out.push_str(env_file);
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `path` as one shell word: bare when it holds only characters no shell treats specially,
/// else in single quotes (a `'` inside written as `'\''`).
pub fn shell_word(path: &str) -> String {
    let plain = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./,:=@%+-".contains(c));
    if plain {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remedies_keep_a_chosen_env_file() {
        let text = "run `cargo xtask init` to create it, then `cargo xtask token --force`";
        assert_eq!(keep_env_file(text, None), text);
        assert_eq!(
            keep_env_file(text, Some("ci.env")),
            "run `cargo xtask init --env-file ci.env` to create it, then \
             `cargo xtask token --env-file ci.env --force`"
        );
        assert_eq!(
            keep_env_file("try `cargo xtask demo`", Some("x")),
            "try `cargo xtask demo`"
        );
        assert_eq!(
            keep_env_file("`cargo xtask token --env-file a.env`", Some("b.env")),
            "`cargo xtask token --env-file a.env`"
        );
    }

    #[test]
    fn paths_become_one_shell_word() {
        assert_eq!(shell_word("/tmp/a.env"), "/tmp/a.env");
        assert_eq!(shell_word("my dir/.env"), "'my dir/.env'");
        assert_eq!(shell_word("it's.env"), r"'it'\''s.env'");
    }
}
