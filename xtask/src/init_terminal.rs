//! `init` on a terminal: ask for the three values GoTo's guide produces, write them, and prove
//! them with one exchange at once, as `gh auth login` does, instead of leaving the user to edit
//! the file and find out later whether the values were right.
//!
//! The client secret and the PAT are read with the terminal's echo off, so they appear neither
//! on the screen nor in a terminal recording. Off a terminal `init` does not ask: a script gets
//! the file and the steps, as before.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use goto_auth::blocks::keys;
use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};

use crate::Context;
use crate::report::{Cancelled, UsageError};
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
    ui.line("The three values from GoTo's guide (Enter keeps a value the file already has):");
    let mut answers = Vec::new();
    for question in &QUESTIONS {
        let keep = current_value(question.key).is_some();
        let value = ask(question, keep)?;
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
    for (key, _) in &answers {
        if ctx.environment.user_value(key).is_some() {
            ui.warn(&format!(
                "{key} is also set in your environment, which overrides the file: unset it to \
                 use the value you typed"
            ));
        }
    }
    let session = ctx.session(TIMEOUT)?;
    // Not forced: a stored token minted for exactly these values, and still valid, is proof
    // already; any other case exchanges once.
    let (token, provenance) = match session.token(false) {
        Ok(obtained) => obtained,
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

/// One answer: `None` when the user just pressed Enter.
fn ask(question: &Question, keep: bool) -> anyhow::Result<Option<String>> {
    let hint = if keep { " [Enter keeps it]" } else { "" };
    let prompt = format!("{} {}{hint}: ", question.key, question.label);
    let answer = if question.secret {
        read_hidden(&prompt)?
    } else {
        eprint_flush(&prompt)?;
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line)? == 0 {
            return Err(Cancelled.into());
        }
        line
    };
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| answer.to_owned()))
}

fn eprint_flush(text: &str) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(text.as_bytes())?;
    err.flush()
}

/// Puts the terminal back as it was, however the read ends.
struct Restore(Termios);

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.0);
    }
}

/// Reads a line with echo off. Echo goes off before the prompt is shown, so nothing typed after
/// the prompt can appear. Canonical mode and signals are off too, so that Ctrl-C is read here
/// and the terminal is restored before the command ends, rather than left without echo.
fn read_hidden(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let saved = termios::tcgetattr(&stdin).context("could not read the terminal's settings")?;
    let mut quiet = saved.clone();
    quiet
        .local_modes
        .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
    quiet.special_codes[SpecialCodeIndex::VMIN] = 1;
    quiet.special_codes[SpecialCodeIndex::VTIME] = 0;
    termios::tcsetattr(&stdin, OptionalActions::Now, &quiet)
        .context("could not turn the terminal's echo off")?;
    let restore = Restore(saved);
    eprint_flush(prompt)?;
    let mut bytes = Vec::new();
    let mut input = stdin.lock();
    let outcome = loop {
        let mut byte = [0u8; 1];
        if input.read(&mut byte)? == 0 {
            break Err(Cancelled);
        }
        match edit(&mut bytes, byte[0]) {
            Key::More => {}
            Key::Enter => break Ok(()),
            Key::Cancel => break Err(Cancelled),
        }
    };
    drop(input);
    drop(restore);
    // The Enter was not echoed either: end the prompt's line.
    eprint_flush("\n")?;
    outcome?;
    String::from_utf8(bytes).map_err(|_| UsageError("the value is not valid UTF-8".into()).into())
}

/// What one key does to a hidden line.
#[derive(Debug, PartialEq, Eq)]
enum Key {
    More,
    Enter,
    Cancel,
}

/// Applies one byte to the line being typed: the line-editing keys a terminal would have
/// handled in canonical mode (Backspace, Ctrl-U), Enter, and Ctrl-C or Ctrl-D on an empty line.
fn edit(line: &mut Vec<u8>, byte: u8) -> Key {
    match byte {
        b'\r' | b'\n' => Key::Enter,
        0x03 => Key::Cancel,
        0x04 if line.is_empty() => Key::Cancel,
        0x04 => Key::More,
        0x7f | 0x08 => {
            // One character, however many bytes its UTF-8 takes.
            while let Some(last) = line.pop() {
                if last & 0xc0 != 0x80 {
                    break;
                }
            }
            Key::More
        }
        0x15 => {
            line.clear();
            Key::More
        }
        _ => {
            line.push(byte);
            Key::More
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[u8]) -> (Vec<u8>, Key) {
        let mut line = Vec::new();
        for &byte in keys {
            let key = edit(&mut line, byte);
            if key != Key::More {
                return (line, key);
            }
        }
        (line, Key::More)
    }

    #[test]
    fn editing_keys_work_without_canonical_mode() {
        assert_eq!(typed(b"abc\r"), (b"abc".to_vec(), Key::Enter));
        assert_eq!(typed(b"abx\x7fc\n"), (b"abc".to_vec(), Key::Enter));
        assert_eq!(typed("aé\x7f\r".as_bytes()), (b"a".to_vec(), Key::Enter));
        assert_eq!(typed(b"wrong\x15right\r"), (b"right".to_vec(), Key::Enter));
        assert_eq!(typed(b"ab\x03").1, Key::Cancel);
        assert_eq!(typed(b"\x04").1, Key::Cancel);
        assert_eq!(typed(b"a\x04b\r"), (b"ab".to_vec(), Key::Enter));
    }
}
