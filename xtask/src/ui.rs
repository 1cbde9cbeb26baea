//! What a person sees: every human-readable line goes to stderr, so stdout stays clean for
//! scripts; colour only on a terminal, never under `NO_COLOR`.

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::Path;

use goto_auth::blocks::{ExchangeReason, Notices, RetryNotice, UnportableValue};

use crate::environment::Environment;

mod inert;

pub use inert::inert_lines;
use inert::json_escaped;

/// The stderr writer with the colour decision made once.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    color: bool,
    /// The `--env-file` the user chose, ready for a shell, when it is not the default: every
    /// `cargo xtask …` command a line recommends then carries it (see
    /// [`keep_env_file`]), so following the advice acts on the same file.
    env_file: Option<&'static str>,
}

/// Styles, as ANSI SGR codes.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    /// Success.
    Green,
    /// Warnings and skips.
    Yellow,
    /// Failures.
    Red,
    /// De-emphasised detail.
    Dim,
    /// Emphasis.
    Bold,
}

impl Ui {
    /// Colour when stderr is a terminal, `NO_COLOR` is unset or empty, and `TERM` is not `dumb`.
    pub fn new(environment: &Environment) -> Ui {
        Ui {
            color: std::io::stderr().is_terminal()
                && !environment.no_color
                && !environment.dumb_terminal,
            env_file: None,
        }
    }

    /// A writer that colours, whatever stderr is (for tests of the colours).
    #[cfg(test)]
    pub fn coloured() -> Ui {
        Ui {
            color: true,
            env_file: None,
        }
    }

    /// This writer, with the `--env-file` its advice must keep (`None`: the default file, or a
    /// command such as `demo` whose own env file is not the user's).
    pub fn with_env_file(self, env_file: Option<&'static str>) -> Ui {
        Ui { env_file, ..self }
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match style {
            Style::Green => "32",
            Style::Yellow => "33",
            Style::Red => "31",
            Style::Dim => "2",
            Style::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// A plain line (or several), made inert on the way out: no control character but our own
    /// colours, and no line that GitHub's runner could read as a workflow command, whatever a
    /// server put into the text (see [`inert_lines`]).
    pub fn line(&self, text: &str) {
        let text = keep_env_file(text, self.env_file);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", inert_lines(&text));
    }

    /// Workflow commands of our own (`::error` annotations), written as they are: the one kind
    /// of stderr line that may start with `::`. Their texts are escaped by their builders.
    pub fn workflow_commands(&self, commands: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", commands.trim_end());
    }

    /// A line that reports success.
    pub fn success(&self, text: &str) {
        self.line(&format!("{} {text}", self.paint(Style::Green, "✓")));
    }

    /// A line that warns.
    pub fn warn(&self, text: &str) {
        self.line(&format!("{} {text}", self.paint(Style::Yellow, "!")));
    }

    /// A line that reports the failure that ends the command.
    pub fn error(&self, text: &str) {
        self.line(&format!("{} {text}", self.paint(Style::Red, "error:")));
    }

    /// A step in progress.
    pub fn step(&self, text: &str) {
        self.line(&format!("{} {text}", self.paint(Style::Dim, "→")));
    }
}

/// What a session reports, as the lines a person reads.
impl Ui {
    /// Names the lines of the env file that dotenvy refuses and the tool passes over.
    pub fn warn_foreign_lines(&self, env_file: &Path, lines: &[goto_auth::blocks::ForeignLine]) {
        for line in lines {
            let what = match &line.key {
                Some(key) => format!("line {} ({key})", line.line),
                None => format!("line {}", line.line),
            };
            self.warn(&format!(
                "{what} of {} is not something dotenvy can read ({}); it defines no GOTO_* key, \
                 so it is kept as it is and ignored",
                env_file.display(),
                line.hint
            ));
        }
    }
}

impl Notices for Ui {
    fn exchanging(&self, token_url: &str, reason: ExchangeReason) {
        self.step(&format!(
            "Exchanging the personal access token at {token_url} ({reason})"
        ));
    }

    fn retrying(&self, target: &str, notice: &RetryNotice) {
        self.warn(&format!(
            "{target} {}; retrying in {:.1} s (attempt {} of {})",
            notice.cause,
            notice.wait.as_secs_f64(),
            notice.attempt + 1,
            goto_auth::blocks::retry::MAX_ATTEMPTS
        ));
    }

    fn renewing(&self) {
        self.warn("an API rejected the access token; exchanging the PAT once more");
    }

    fn left_empty(&self, env_file: &Path, key: &str, reason: &UnportableValue) {
        self.warn(&format!(
            "{key} is left empty in {}: the value the server sent {reason}; the token itself is \
             stored",
            env_file.display()
        ));
    }

    fn written_in_place(&self, env_file: &Path) {
        self.warn(&format!(
            "{} was written in place, not atomically: it cannot be replaced by a rename (a \
             bind-mounted file, or a directory that cannot hold a temporary file); the write was \
             flushed to disk, but a crash during it could have left the file incomplete",
            env_file.display()
        ));
    }
}

/// Writes to stdout, where only machine-readable output goes (`--print`, `--json`, `api`).
///
/// No raw control character (but line feed and tab) or bidirectional control reaches it: they
/// are written as JSON's `\uXXXX` escapes, which a JSON reader reads back as the same text. A
/// reader that closed the pipe (`token --print | true`, `api … | head -1`) wanted no more: that
/// is no failure of the command, so it is not reported, as `gh` and `curl` do.
pub fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let text = json_escaped(text);
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result,
    }
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
