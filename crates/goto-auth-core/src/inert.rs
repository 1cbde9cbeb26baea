//! A server's text made inert before it reaches a terminal, a log, a report or a CI runner.
//!
//! Whatever a server sends is data. An `error_description`, an API's message or a principal
//! could carry terminal control sequences (ESC and CSI that move the cursor, OSC that sets a
//! window title or a clipboard, a CR that overwrites the start of a line, BEL, NUL), Unicode's
//! bidirectional overrides that make text read differently from what it is, or a line break
//! followed by `::warning …`, which GitHub's runner reads as a workflow command wherever it
//! starts a line of a step's output. [`inert`] shows each such character escaped, so the text
//! stays readable and does nothing; every message this crate builds from a server's text passes
//! through it (the [`Redactor`](crate::Redactor) applies it after redacting).

use std::borrow::Cow;
use std::fmt::Write as _;

/// `text` with every control character (C0, DEL, C1) and every bidirectional control shown as
/// an escape (`\n`, `\r`, `\t`, `\0`, `\x1b`, `\u{9b}`, `\u{202e}`), and a leading `::` (which
/// GitHub's runner would read as a workflow command) written `%3A:`. Text with none of these is
/// returned as it is.
pub fn inert(text: &str) -> Cow<'_, str> {
    let starts_command = text.trim_start().starts_with("::");
    if !starts_command && !text.chars().any(must_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    if starts_command {
        let at = text.len() - text.trim_start().len();
        push_escaped(&mut out, &text[..at]);
        out.push_str("%3A");
        rest = &text[at + 1..];
    }
    push_escaped(&mut out, rest);
    Cow::Owned(out)
}

/// Whether `c` must not reach a terminal as it is: a control character (C0, DEL, C1) or a
/// bidirectional control.
pub fn must_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Unicode's bidirectional formatting characters: the marks, embeddings, overrides and
/// isolates that reorder how the text around them is shown.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if u32::from(c) < 0x80 && must_escape(c) => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c if must_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_returned_as_it_is() {
        let text = "invalid_grant: PAT expired (ünïcode stays, so do 'quotes' and %2B)";
        assert!(matches!(inert(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(
            inert("a\x1b[2Jb\x1b]0;title\x07c\rd\0e\x7f"),
            "a\\x1b[2Jb\\x1b]0;title\\x07c\\rd\\0e\\x7f"
        );
        assert_eq!(inert("csi \u{9b}31m here"), "csi \\u{9b}31m here");
        assert_eq!(
            inert("user\u{202e}moc.elpmaxe@\u{2066}x\u{2069}"),
            "user\\u{202e}moc.elpmaxe@\\u{2066}x\\u{2069}"
        );
    }

    #[test]
    fn no_line_of_server_text_can_start_a_workflow_command() {
        let shown = inert("bad request\n::warning file=x::pwned\r\n::add-mask::y");
        assert_eq!(
            shown,
            "bad request\\n::warning file=x::pwned\\r\\n::add-mask::y"
        );
        assert!(!shown.contains('\n') && !shown.contains('\r'));
        assert_eq!(inert("::error::pwned"), "%3A:error::pwned");
        assert_eq!(inert("  ::error::pwned"), "  %3A:error::pwned");
        assert_eq!(inert("a :: b"), "a :: b");
    }
}
