//! `init` on a terminal: ask for the three values GoTo's guide produces, write them, and prove
//! them with one exchange at once, as `gh auth login` does, instead of leaving the user to edit
//! the file and find out later whether the values were right.
//!
//! The answers are read with the terminal's echo off from the first question to the last answer
//! (see `terminal_input`), so the secret and the PAT appear neither on the screen nor in a
//! terminal recording, even when pasted ahead. A value the environment overrides is flagged
//! whether typed or kept, since the exchange proves the environment's value, not the file's. Off
//! a terminal `init` does not ask: a script gets the file and the steps, as before.

use std::io::{IsTerminal, Write};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use goto_auth::blocks::keys;

use crate::Context;
use crate::report::UsageError;
use crate::terminal_input::Silent;
use crate::token::describe_expiry;

/// How long the proving exchange may take per attempt, as `token`'s default.
const TIMEOUT: Duration = Duration::from_secs(30);

/// One value to ask for.
struct Question {
    key: &'static str,
    label: &'static str,
    secret: bool,
}

const QUESTIONS: [Question; 3] = [
    Question {
        key: keys::CLIENT_ID,
        label: "OAuth client id (developer.logmeininc.com/clients)",
        secret: false,
    },
    Question {
        key: keys::CLIENT_SECRET,
        label: "OAuth client secret (not shown as you type)",
        secret: true,
    },
    Question {
        key: keys::PAT,
        label: "Personal access token (myaccount.goto.com → Developer Tools; not shown as you type)",
        secret: true,
    },
];

/// Whether `init` may ask: someone is at a terminal to answer and to read the questions.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks for the values, writes them into the env file (which `init` has just made sure exists),
/// and exchanges the PAT once to prove them.
pub fn run(ctx: &Context) -> anyhow::Result<()> {
    let (ui, env_file) = (&ctx.ui, ctx.env_file.as_path());
    let current = goto_auth::blocks::read_file(env_file)?;
    let current_value = |key: &str| {
        current
            .iter()
            .rev()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let overrides = |key: &str| ctx.environment.user_value(key).is_some();
    ui.line("The three values from GoTo's guide (Enter keeps a value the file already has):");
    // Silent from the first question to the last answer, so that values typed or pasted ahead
    // never appear; dropped (the terminal restored) before anything else is printed.
    let mut terminal = Silent::start()?;
    let mut answers = Vec::new();
    for question in &QUESTIONS {
        let keep = current_value(question.key).is_some();
        let value = ask(&mut terminal, question, keep, overrides(question.key))?;
        match value {
            Some(value) => answers.push((question.key, value)),
            None if keep => {}
            None => {
                return Err(UsageError(format!(
                    "{} is needed; run `cargo xtask init` again when you have it",
                    question.key
                ))
                .into());
            }
        }
    }
    drop(terminal);
    if !answers.is_empty() {
        let updates: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        goto_auth::blocks::update_file(env_file, &updates)
            .with_context(|| format!("could not write the values to {}", env_file.display()))?;
        ui.success(&format!(
            "Saved {} in {}",
            answers
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", "),
            env_file.display()
        ));
    }
    // Whether typed or kept, a value the environment overrides is not the one proven below.
    let overridden: Vec<&str> = QUESTIONS
        .iter()
        .map(|question| question.key)
        .filter(|key| overrides(key))
        .collect();
    for key in &overridden {
        let which = if answers.iter().any(|(typed, _)| typed == key) {
            "the value you typed"
        } else {
            "the value the file keeps"
        };
        ui.warn(&format!(
            "{key} is also set in your environment, which overrides the file: the exchange \
             below uses the environment's value; unset {key} to use {which}"
        ));
    }
    let session = ctx.session(TIMEOUT)?;
    // Not forced: a stored token minted for exactly these values, and still valid, is proof
    // already; any other case exchanges once.
    let (token, provenance) = match session.token(false) {
        Ok(obtained) => obtained,
        Err(error) if !overridden.is_empty() => {
            ui.warn(&format!(
                "The exchange used {} from your environment, not from {}, and failed. Fix or \
                 unset the environment's value as the message below says, then run `cargo xtask \
                 token`.",
                overridden.join(", "),
                env_file.display()
            ));
            return Err(error.into());
        }
        Err(error) => {
            ui.warn(&format!(
                "The values are saved in {}, but could not be proven. Fix what the message \
                 below names (`cargo xtask init` again asks for each, Enter keeps the rest), then \
                 run `cargo xtask token`.",
                env_file.display()
            ));
            return Err(error.into());
        }
    };
    let principal = if token.principal.is_empty() {
        "(not given)"
    } else {
        token.principal.as_str()
    };
    let expiry = describe_expiry(token.expires_at, SystemTime::now());
    if provenance == goto_auth::blocks::Provenance::Stored {
        ui.success(&format!(
            "GoTo accepted these values before: the stored access token for {principal} was \
             minted for them and is {expiry}"
        ));
    } else {
        ui.success(&format!(
            "GoTo accepted them: an access token for {principal}, {expiry}; written to {}",
            env_file.display()
        ));
    }
    ui.line(&format!("  scopes: {}", token.scopes));
    ui.line("Next: `cargo xtask smoke` calls every API your token may use.");
    Ok(())
}

/// One answer, read in the silent terminal session: `None` when the user just pressed Enter.
/// `overridden` when the environment sets the key, which the hint says at once.
fn ask(
    terminal: &mut Silent,
    question: &Question,
    keep: bool,
    overridden: bool,
) -> anyhow::Result<Option<String>> {
    let hint = match (keep, overridden) {
        (true, true) => " [Enter keeps it; your environment's value overrides the file]",
        (true, false) => " [Enter keeps it]",
        (false, true) => " [your environment's value overrides the file]",
        (false, false) => "",
    };
    let prompt = format!("{} {}{hint}: ", question.key, question.label);
    let mut err = std::io::stderr().lock();
    err.write_all(prompt.as_bytes())?;
    err.flush()?;
    drop(err);
    let answer = terminal.read_line(!question.secret)?;
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| answer.to_owned()))
}
