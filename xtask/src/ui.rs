//! What a person sees: every human-readable line goes to stderr, so stdout stays clean for
//! scripts; colour only on a terminal, never under `NO_COLOR`.

use std::io::{IsTerminal, Write};

use goto_auth::{ExchangeReason, Notices, RetryNotice};

use crate::environment::Environment;

/// The stderr writer with the colour decision made once.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    color: bool,
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
        }
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
}

/// Writes to stdout, where only machine-readable output goes (`--print`, `--json`, `api`).
pub fn stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
