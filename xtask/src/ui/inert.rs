//! Text on its way to a terminal or a pipe, made inert: the last line of defence behind
//! `goto_auth::blocks::inert`, which every server text already went through where it was read.

use std::borrow::Cow;

use goto_auth::blocks::must_escape;

/// `text` with every control character but line feed and tab, and every bidirectional control,
/// as a JSON `\uXXXX` escape. serde_json escapes C0 controls inside strings but lets DEL, C1 (a
/// terminal may read `\u{9b}` as CSI) and bidirectional overrides through; in JSON such a
/// character can only stand inside a string, where the escape reads back as the same string.
pub(super) fn json_escaped(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c != '\n' && c != '\t' && must_escape(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Lines for a person's terminal, made inert whatever they carry: each line goes through
/// `goto_auth::blocks::inert` (control characters and bidirectional controls escaped, a leading `::`
/// that GitHub's runner would take for a workflow command written `%3A:`), except for our own
/// colours (`ESC [ digits m`, from [`Ui::paint`](super::Ui::paint)).
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    let safe = |line: &str| {
        !line.trim_start().starts_with("::")
            && !line.chars().any(|c| c != '\x1b' && must_escape(c))
            && !set_colours_aside(line).0.contains('\x1b')
    };
    if text.split('\n').all(safe) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            // Our colour codes are set aside as a private-use character, the rest is made
            // inert, and the codes are put back.
            let (masked, codes) = set_colours_aside(line);
            restore_colours(&goto_auth::blocks::inert(&masked), &codes)
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// A private-use character, standing in for a colour code while a line is made inert.
const COLOUR_MARK: char = '\u{e000}';

/// `line` with each `ESC [ digits m` replaced by [`COLOUR_MARK`], and the codes in order. A
/// `COLOUR_MARK` already in the line is written escaped, so it cannot stand in for a code.
fn set_colours_aside(line: &str) -> (String, Vec<&str>) {
    let mut masked = String::with_capacity(line.len());
    let mut codes = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(['\x1b', COLOUR_MARK]) {
        masked.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix(COLOUR_MARK) {
            masked.push_str("\\u{e000}");
            rest = after;
            continue;
        }
        let sgr_len = tail.strip_prefix("\x1b[").and_then(|params| {
            let digits = params.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
            params[digits..].starts_with('m').then_some(2 + digits + 1)
        });
        match sgr_len {
            Some(len) => {
                codes.push(&tail[..len]);
                masked.push(COLOUR_MARK);
                rest = &tail[len..];
            }
            None => {
                masked.push('\x1b');
                rest = &tail[1..];
            }
        }
    }
    masked.push_str(rest);
    (masked, codes)
}

/// `shown` with each [`COLOUR_MARK`] replaced by the next of `codes`.
fn restore_colours(shown: &str, codes: &[&str]) -> String {
    let mut out = String::with_capacity(shown.len());
    let mut codes = codes.iter();
    for c in shown.chars() {
        match c {
            COLOUR_MARK => out.push_str(codes.next().copied().unwrap_or_default()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::{Style, Ui};

    #[test]
    fn stderr_lines_are_inert_but_keep_our_colours() {
        let ui = Ui::coloured();
        let ours = format!("{} fine", ui.paint(Style::Red, "error:"));
        assert_eq!(inert_lines(&ours), ours);
        let hostile = format!(
            "{} GoTo said: a\x1b]0;pwned\x07b\r\u{202e}c\u{9b}2J\n  ::warning::x\n::error::y",
            ui.paint(Style::Red, "error:")
        );
        assert_eq!(
            inert_lines(&hostile),
            format!(
                "{} GoTo said: a\\x1b]0;pwned\\x07b\\r\\u{{202e}}c\\u{{9b}}2J\n  %3A:warning::x\n%3A:error::y",
                ui.paint(Style::Red, "error:")
            )
        );
        // A stand-in character in the text itself cannot smuggle a code back.
        assert_eq!(inert_lines("x\u{e000}\x1b[2J"), "x\\u{e000}\\x1b[2J");
    }

    #[test]
    fn stdout_carries_no_raw_control_character() {
        let json = serde_json::json!({"m": "a\u{9b}b\u{202e}c\u{7f}d\u{1b}e"}).to_string();
        let shown = json_escaped(&json);
        assert_eq!(shown, r#"{"m":"a\u009bb\u202ec\u007fd\u001be"}"#);
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["m"], "a\u{9b}b\u{202e}c\u{7f}d\u{1b}e");
        assert_eq!(json_escaped("plain\n\ttext"), "plain\n\ttext");
    }
}
