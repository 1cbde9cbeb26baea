//! Reading answers from a terminal where some must never be shown, as `init` asks for the
//! client id, the client secret and the PAT.
//!
//! The terminal's own echo goes off once, before the first question, and stays off until the
//! last answer is read: a person who pastes or types the three values ahead, at the first
//! prompt, would otherwise see the terminal echo the secret and the PAT as they arrive, before
//! the program has even asked for them. The xtask echoes a visible answer itself, as it reads it.
//! Canonical mode and the signal keys are off too, so Ctrl-C is read here as a key and the
//! terminal is restored before the command ends.
//!
//! A signal sent from outside (SIGTERM from a supervisor, SIGHUP from a closing terminal, a
//! `kill -INT`) would end the process with the terminal still silent. While the terminal is
//! changed, they are caught as flags and the reading loop polls for them: on one, the terminal is
//! put back and the process ends by that signal, as it would have.

use std::collections::VecDeque;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;
use rustix::termios::{self, LocalModes, OptionalActions, SpecialCodeIndex, Termios};
use signal_hook::SigId;

use crate::report::{Cancelled, UsageError};

/// The signals that end the process while the terminal is changed.
const ENDING: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// How long the reading loop waits for input before it looks for a signal again.
const POLL: Timespec = Timespec {
    tv_sec: 0,
    tv_nsec: 50_000_000,
};

/// The terminal with echo, canonical mode and the signal keys off, from [`Silent::start`] until
/// it is dropped.
pub struct Silent {
    saved: Termios,
    /// Bytes read from the terminal and not yet taken: the rest of a paste.
    pending: VecDeque<u8>,
    received: [Arc<AtomicBool>; 3],
    flags: Vec<SigId>,
    /// Once set, a signal does what it did before the terminal was changed: end the process.
    ended: Arc<AtomicBool>,
}

impl Silent {
    /// Turns the terminal's echo off (keeping what was typed ahead) and starts catching the
    /// ending signals.
    pub fn start() -> anyhow::Result<Silent> {
        let stdin = std::io::stdin();
        // Read first: should it fail, no signal has been caught yet.
        let saved = termios::tcgetattr(&stdin).context("could not read the terminal's settings")?;
        let ended = Arc::new(AtomicBool::new(false));
        let received = ENDING.map(|_| Arc::new(AtomicBool::new(false)));
        let mut flags = Vec::new();
        for (signal, flag) in ENDING.into_iter().zip(&received) {
            // Registration fails only for signals that cannot be caught, which these are not.
            // signal-hook cannot give a signal its default action back; this action does the
            // default's work once the session has ended (see `Drop`).
            let _ = signal_hook::flag::register_conditional_default(signal, Arc::clone(&ended));
            flags.extend(signal_hook::flag::register(signal, Arc::clone(flag)));
        }
        let mut silent = saved.clone();
        silent
            .local_modes
            .remove(LocalModes::ECHO | LocalModes::ICANON | LocalModes::ISIG);
        silent.special_codes[SpecialCodeIndex::VMIN] = 1;
        silent.special_codes[SpecialCodeIndex::VTIME] = 0;
        // From here on, every way out (this `?` included) drops the session: the terminal is
        // restored and the signals do their default work again.
        let session = Silent {
            saved,
            pending: VecDeque::new(),
            received,
            flags,
            ended,
        };
        // `Now`, not `Flush`: what was typed ahead stays, to be read as the answers.
        termios::tcsetattr(&stdin, OptionalActions::Now, &silent)
            .context("could not turn the terminal's echo off")?;
        Ok(session)
    }

    /// Reads one line. `echo` shows what is typed (the xtask writes it, the terminal does not);
    /// otherwise nothing of it appears. Ctrl-C, or Ctrl-D on an empty line, cancels.
    pub fn read_line(&mut self, echo: bool) -> anyhow::Result<String> {
        let mut line = Vec::new();
        let outcome = loop {
            let Some(byte) = self.next_byte()? else {
                break Err(Cancelled);
            };
            let (length, shown) = (line.len(), characters(&line));
            match edit(&mut line, byte) {
                Key::Enter => break Ok(()),
                Key::Cancel => break Err(Cancelled),
                Key::More if !echo => {}
                Key::More if line.len() > length => write_err(&[byte])?,
                Key::More => {
                    // Backspace or Ctrl-U: rub out what was removed.
                    for _ in characters(&line)..shown {
                        write_err(b"\x08 \x08")?;
                    }
                }
            }
        };
        // The Enter was not echoed: end the prompt's line.
        write_err(b"\n")?;
        outcome?;
        String::from_utf8(line)
            .map_err(|_| UsageError("the value is not valid UTF-8".into()).into())
    }

    /// The next byte typed, waiting for it while watching for an ending signal; `None` at the
    /// end of input.
    fn next_byte(&mut self) -> anyhow::Result<Option<u8>> {
        let stdin = std::io::stdin();
        loop {
            if let Some(byte) = self.pending.pop_front() {
                return Ok(Some(byte));
            }
            if let Some(signal) = self.signal() {
                self.restore();
                let _ = write_err(b"\n");
                crate::signals::die_by(signal);
            }
            let mut ready = [PollFd::new(&stdin, PollFlags::IN)];
            match poll(&mut ready, Some(&POLL)) {
                Ok(0) | Err(Errno::INTR) => continue,
                Ok(_) => {}
                Err(error) => return Err(error).context("could not wait for the terminal"),
            }
            let mut buffer = [0u8; 256];
            match rustix::io::read(&stdin, &mut buffer) {
                Ok(0) => return Ok(None),
                Ok(read) => self.pending.extend(&buffer[..read]),
                Err(Errno::INTR | Errno::AGAIN) => {}
                Err(error) => return Err(error).context("could not read from the terminal"),
            }
        }
    }

    fn signal(&self) -> Option<i32> {
        ENDING
            .into_iter()
            .zip(&self.received)
            .find_map(|(signal, flag)| flag.load(Ordering::SeqCst).then_some(signal))
    }

    fn restore(&self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

impl Drop for Silent {
    fn drop(&mut self) {
        self.restore();
        for id in self.flags.drain(..) {
            signal_hook::low_level::unregister(id);
        }
        self.ended.store(true, Ordering::SeqCst);
        // A signal that came between the last poll and now is not lost.
        if let Some(signal) = self.signal() {
            crate::signals::die_by(signal);
        }
    }
}

fn write_err(bytes: &[u8]) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(bytes)?;
    err.flush()
}

/// How many characters `line` holds: its bytes that do not continue a UTF-8 sequence.
fn characters(line: &[u8]) -> usize {
    line.iter().filter(|byte| *byte & 0xc0 != 0x80).count()
}

/// What one key does to a line.
#[derive(Debug, PartialEq, Eq)]
enum Key {
    More,
    Enter,
    Cancel,
}

/// Applies one byte to the line being typed: the line-editing keys a terminal would have
/// handled in canonical mode (Backspace, Ctrl-U), Enter, and Ctrl-C or Ctrl-D on an empty line.
/// Other control bytes (Tab, Escape and the keys that send it) are no part of any value asked
/// for, and are dropped.
fn edit(line: &mut Vec<u8>, byte: u8) -> Key {
    match byte {
        b'\r' | b'\n' => Key::Enter,
        0x03 => Key::Cancel,
        0x04 if line.is_empty() => Key::Cancel,
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
        byte if byte < 0x20 => Key::More,
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
        assert_eq!(typed(b"a\x04b\t\x1b\r"), (b"ab".to_vec(), Key::Enter));
    }

    #[test]
    fn characters_count_utf8_sequences_once() {
        assert_eq!(characters("aé€".as_bytes()), 3);
        assert_eq!(characters(b""), 0);
    }
}
