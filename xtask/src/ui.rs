//! What a person sees: every human-readable line goes to stderr, so stdout stays clean for
//! scripts; colour only on a terminal, never under `NO_COLOR`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use goto_auth::{ExchangeReason, Notices, RetryNotice, UnportableValue};

use crate::environment::Environment;

/// The stderr writer with the colour decision made once.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    color: bool,
    /// The `--env-file` the user chose, ready for a shell, when it is not the default: every
    /// `cargo xtask …` command a line recommends then carries it (see
    /// [`crate::report::keep_env_file`]), so following the advice acts on the same file.
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

    /// A plain line.
    pub fn line(&self, text: &str) {
        let text = crate::report::keep_env_file(text, self.env_file);
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
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
    pub fn warn_foreign_lines(&self, env_file: &Path, lines: &[goto_auth::ForeignLine]) {
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
            goto_auth::retry::MAX_ATTEMPTS
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
pub fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
