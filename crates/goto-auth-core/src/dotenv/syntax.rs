//! A model of how dotenvy 0.15.7 cuts a file into lines and where it finds keys and values.
//!
//! dotenvy only hands out `(key, value)` pairs, but a lossless editor needs positions: where each
//! assignment's value starts and ends, and which physical lines a quoted value spans. This module
//! follows dotenvy's two stages step by step, so that it agrees with dotenvy on every file:
//!
//! 1. `QuotedLines` in dotenvy's `iter.rs` joins physical lines while a quote is open and cuts a
//!    line short at a ` #` comment. [`scan`] mirrors it with [`end_state`].
//! 2. `LineParser` and `parse_value` in dotenvy's `parse.rs` read the key and the value.
//!    [`parse_line`] and [`value_len`] mirror them, tracking where the value ends instead of
//!    building it.
//!
//! dotenvy stays the authority on what a value *reads as* (escapes, `$` substitution): callers
//! read values with dotenvy itself and use this model only for positions, line numbers and hints.
//! The unit tests compare the two on random input.

use std::ops::Range;

use super::ParseHint;

/// One logical line: what dotenvy's reader hands to its line parser.
#[derive(Debug)]
pub(super) struct Line<'a> {
    /// The 1-based number of the physical line where this logical line starts.
    pub number: usize,
    /// Where the logical line sits in the body, its line endings included.
    pub span: Range<usize>,
    pub kind: LineKind<'a>,
}

#[derive(Debug)]
pub(super) enum LineKind<'a> {
    /// A blank line or a comment, which dotenvy skips.
    Skipped,
    Assignment(Assignment<'a>),
    /// A line dotenvy refuses, with what is most likely wrong.
    Broken(ParseHint),
}

/// Where one `KEY=value` sits in the body.
#[derive(Debug)]
pub(super) struct Assignment<'a> {
    pub key: &'a str,
    /// The value's text as byte offsets into the body, quotes included. For an empty value this is
    /// an empty range, usually right after `=`, so a new value lands there and any spacing or
    /// comment that followed stays after it.
    pub value: Range<usize>,
    /// What goes between a new, non-empty value and a comment that follows an empty one.
    pub separator: &'static str,
    /// The body offset right after `=`.
    pub after_equals: usize,
}

/// Cuts `body` (a file without its byte order mark) into logical lines the way dotenvy does.
pub(super) fn scan(body: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut number = 1;
    while start < body.len() {
        let (end, cut) = logical_line(body, start);
        let kind = match cut {
            Cut::Comment => LineKind::Skipped,
            Cut::Text(text_end) => parse_line(body, start, text_end),
            Cut::Unterminated(hint) => LineKind::Broken(hint),
        };
        lines.push(Line {
            number,
            span: start..end,
            kind,
        });
        number += body[start..end].matches('\n').count();
        start = end;
    }
    lines
}

/// How a logical line ended.
enum Cut {
    /// A line whose first non-blank character is `#`; dotenvy drops it before parsing.
    Comment,
    /// The line's text for the line parser ends at this body offset; what follows up to the end of
    /// the logical line is its line ending or a comment.
    Text(usize),
    /// The file ended while a quote or an escape was still open.
    Unterminated(ParseHint),
}

/// Finds the logical line that starts at `start`: returns where it ends (after its last line
/// ending) and how it was cut. Mirrors `QuotedLines::next`.
fn logical_line(body: &str, start: usize) -> (usize, Cut) {
    let mut state = State::Complete;
    let mut pos = start;
    loop {
        if pos == body.len() {
            // Only reached with a quote or escape still open: a complete line returns below.
            let hint = match state {
                State::WhiteSpace => ParseHint::TrailingWhitespace,
                State::Escape => ParseHint::TrailingBackslash,
                _ => ParseHint::UnclosedQuote,
            };
            return (pos, Cut::Unterminated(hint));
        }
        let end = body[pos..].find('\n').map_or(body.len(), |i| pos + i + 1);
        // dotenvy tests the whole buffer read so far, not just the newest physical line.
        if body[start..end].trim_start().starts_with('#') {
            return (end, Cut::Comment);
        }
        match end_state(state, &body[pos..end]) {
            Ended::Comment(at) => return (end, Cut::Text(pos + at)),
            Ended::In(State::Complete) => {
                let mut text_end = end;
                if body[start..text_end].ends_with('\n') {
                    text_end -= 1;
                    if body[start..text_end].ends_with('\r') {
                        text_end -= 1;
                    }
                }
                return (end, Cut::Text(text_end));
            }
            Ended::In(open) => {
                state = open;
                pos = end;
            }
        }
    }
}

/// dotenvy's `ParseState`, minus `Comment`, which [`Ended`] carries instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    WhiteSpace,
}

enum Ended {
    /// A `#` right after whitespace at this offset in the chunk starts a comment.
    Comment(usize),
    In(State),
}

/// Runs dotenvy's quote tracker over one physical line. Mirrors `eval_end_state`.
fn end_state(previous: State, chunk: &str) -> Ended {
    let mut state = previous;
    for (pos, c) in chunk.char_indices() {
        state = match state {
            State::WhiteSpace => match c {
                '#' => return Ended::Comment(pos),
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::Escape => State::Complete,
            State::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => State::WhiteSpace,
                '\\' => State::Escape,
                '"' => State::WeakOpen,
                '\'' => State::StrongOpen,
                _ => State::Complete,
            },
            State::WeakOpen => match c {
                '\\' => State::WeakOpenEscape,
                '"' => State::Complete,
                _ => State::WeakOpen,
            },
            State::WeakOpenEscape => State::WeakOpen,
            State::StrongOpen => match c {
                '\\' => State::StrongOpenEscape,
                '\'' => State::Complete,
                _ => State::StrongOpen,
            },
            State::StrongOpenEscape => State::StrongOpen,
        };
    }
    Ended::In(state)
}

/// Reads the key and finds the value of the logical line whose parser text is
/// `body[start..text_end]`. Mirrors `LineParser::parse_line`.
fn parse_line(body: &str, start: usize, text_end: usize) -> LineKind<'_> {
    // Offsets below are relative to `line`, which starts at `start` in the body.
    let line = body[start..text_end].trim_end();
    let rest = |pos: usize| &line[pos..];

    let mut pos = skip_whitespace(line, 0);
    if rest(pos).is_empty() || rest(pos).starts_with('#') {
        return LineKind::Skipped;
    }
    let Some(mut key) = key_at(line, pos) else {
        return LineKind::Broken(ParseHint::NotAnAssignment);
    };
    pos = skip_whitespace(line, pos + key.len());
    // `export` is either a prefix or a key of its own (`export=1`).
    if key == "export" && !rest(pos).starts_with('=') {
        let Some(real_key) = key_at(line, pos) else {
            return LineKind::Broken(ParseHint::NotAnAssignment);
        };
        key = real_key;
        pos = skip_whitespace(line, pos + key.len());
    }
    if !rest(pos).starts_with('=') {
        return LineKind::Broken(ParseHint::MissingEquals);
    }
    let after_equals = pos + 1;
    pos = skip_whitespace(line, after_equals);
    if rest(pos).is_empty() || rest(pos).starts_with('#') {
        return LineKind::Assignment(empty_value(key, line, start, after_equals, pos));
    }
    match value_len(rest(pos)) {
        Ok(len) => LineKind::Assignment(Assignment {
            key,
            value: start + pos..start + pos + len,
            separator: "",
            after_equals: start + after_equals,
        }),
        Err(hint) => LineKind::Broken(hint),
    }
}

/// Places a new value in an assignment whose value is empty: `line[after_equals..comment]` is
/// whitespace, followed by a `#` comment or by nothing.
///
/// Two readers must keep agreeing about the rest of the line. dotenvy's value parser ends a value
/// only at a space or a tab, so after other whitespace the value goes right before the `#`. Its
/// line reader starts a comment only at a `#` right after an odd run of whitespace (each
/// whitespace character toggles its state), and a comment hides quotes that would otherwise join
/// the next lines; so the spaces we add keep the parity the line had before.
fn empty_value<'a>(
    key: &'a str,
    line: &str,
    start: usize,
    after_equals: usize,
    comment: usize,
) -> Assignment<'a> {
    let gap = &line[after_equals..comment];
    let spaces_and_tabs = gap.chars().all(|c| c == ' ' || c == '\t');
    if comment == line.len() || (spaces_and_tabs && !gap.is_empty()) {
        // The gap follows the new value and keeps its meaning for both readers.
        let at = start + after_equals;
        return Assignment {
            key,
            value: at..at,
            separator: "",
            after_equals: start + after_equals,
        };
    }
    let mut reader_in_whitespace = false;
    for c in gap.chars() {
        reader_in_whitespace = !reader_in_whitespace && c != '\n' && c != '\r';
    }
    let at = start + comment;
    Assignment {
        key,
        value: at..at,
        separator: if reader_in_whitespace { " " } else { "  " },
        after_equals: start + after_equals,
    }
}

/// dotenvy's key grammar, `[A-Za-z_][A-Za-z0-9_.]*`, as it reads it at the start of `line[pos..]`.
fn key_at(line: &str, pos: usize) -> Option<&str> {
    let rest = &line[pos..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    Some(&rest[..len])
}

/// Whether `key` is a whole key in dotenvy's grammar.
pub(super) fn is_key(key: &str) -> bool {
    key_at(key, 0).is_some_and(|found| found.len() == key.len())
}

fn skip_whitespace(line: &str, pos: usize) -> usize {
    line[pos..]
        .find(|c: char| !c.is_whitespace())
        .map_or(line.len(), |i| pos + i)
}

/// dotenvy's `SubstitutionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Substitution {
    None,
    /// After `$`: a name of alphanumerics follows.
    Block,
    /// After `${`: everything up to `}` is the name.
    Braced,
}

/// Returns the byte length of the value at the start of `input` (quotes included, up to the first
/// whitespace outside quotes), or why dotenvy refuses it. Mirrors `parse_value` branch for branch,
/// including its quirks: after `$NAME`, the next character is taken literally even when it is a
/// space or a quote.
fn value_len(input: &str) -> Result<usize, ParseHint> {
    let mut strong_quote = false;
    let mut weak_quote = false;
    let mut escaped = false;
    let mut end: Option<usize> = None;
    let mut substitution = Substitution::None;
    let mut name_is_empty = true;
    // Set when a `$NAME` swallowed a quote character, the usual cause of a quote left open.
    let mut quote_after_name = false;

    for (pos, c) in input.char_indices() {
        if end.is_some() {
            match c {
                ' ' | '\t' => continue,
                '#' => break,
                _ => return Err(ParseHint::UnquotedSpace),
            }
        } else if escaped {
            if !matches!(c, '\\' | '\'' | '"' | '$' | ' ' | 'n') {
                return Err(ParseHint::InvalidEscape);
            }
            escaped = false;
        } else if strong_quote {
            if c == '\'' {
                strong_quote = false;
            }
        } else if substitution != Substitution::None {
            if c.is_alphanumeric() {
                name_is_empty = false;
            } else if substitution == Substitution::Block {
                if c == '{' && name_is_empty {
                    substitution = Substitution::Braced;
                } else {
                    name_is_empty = true;
                    if c != '$' {
                        substitution = Substitution::None;
                        quote_after_name |= c == '"' || c == '\'';
                    }
                }
            } else if c == '}' {
                substitution = Substitution::None;
                name_is_empty = true;
            } else {
                name_is_empty = false;
            }
        } else if c == '$' {
            substitution = Substitution::Block;
        } else if weak_quote {
            if c == '"' {
                weak_quote = false;
            } else if c == '\\' {
                escaped = true;
            }
        } else if c == '\'' {
            strong_quote = true;
        } else if c == '"' {
            weak_quote = true;
        } else if c == '\\' {
            escaped = true;
        } else if c == ' ' || c == '\t' {
            end = Some(pos);
        }
    }

    if substitution == Substitution::Braced {
        Err(ParseHint::UnclosedBrace)
    } else if (strong_quote || weak_quote) && quote_after_name {
        Err(ParseHint::DollarBeforeQuote)
    } else if strong_quote || weak_quote {
        Err(ParseHint::UnclosedQuote)
    } else {
        Ok(end.unwrap_or(input.len()))
    }
}

/// Reads `body` (without its byte order mark) with dotenvy itself, in file order. When dotenvy
/// fails, returns the 1-based number of the line it failed on and a hint. The strict reading, for
/// the tests that compare the model with dotenvy.
#[cfg(test)]
pub(super) fn read_entries(body: &str) -> Result<Vec<(String, String)>, (usize, ParseHint)> {
    let mut entries = Vec::new();
    for entry in dotenvy::from_read_iter(body.as_bytes()) {
        match entry {
            Ok(entry) => entries.push(entry),
            Err(_) => return Err(locate_failure(body, entries.len())),
        }
    }
    Ok(entries)
}

/// The entries dotenvy reads, and the lines it refuses that were passed over.
pub(super) type Tolerated = (Vec<(String, String)>, Vec<ForeignLine>);

/// A line dotenvy refuses that defines no `GOTO_*` key, which [`read_tolerant`] passes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignLine {
    /// The 1-based number of the physical line where it starts.
    pub line: usize,
    /// The key it seems to define, if it starts with one (a key name is not a secret; the value
    /// is never kept).
    pub key: Option<String>,
    /// What dotenvy most likely objects to.
    pub hint: ParseHint,
}

/// The prefix of every key this workspace reads or writes. A line dotenvy refuses is passed over
/// only when it does not mention it: such a line may be meant for another tool, whose reader
/// accepts it (python-dotenv and node's dotenv read `APP_NAME=My App`), while a broken line of
/// ours must be fixed, not guessed at.
const OUR_PREFIX: &str = "GOTO_";

/// Reads `body` (without its byte order mark) with dotenvy itself, in file order, but passes over the lines dotenvy refuses that mention no
/// `GOTO_` key, as if they were comments, and returns them so the caller can warn. Line numbers
/// stay those of the file.
///
/// # Errors
///
/// The line and hint of the first refused line that mentions a `GOTO_` key.
pub(super) fn read_tolerant(body: &str) -> Result<Tolerated, (usize, ParseHint)> {
    let mut readable = std::borrow::Cow::Borrowed(body);
    let mut foreign = Vec::new();
    loop {
        let mut entries = Vec::new();
        let mut failed = false;
        for entry in dotenvy::from_read_iter(readable.as_bytes()) {
            match entry {
                Ok(entry) => entries.push(entry),
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if !failed {
            return Ok((entries, foreign));
        }
        let lines = scan(&readable);
        let failing = lines
            .iter()
            .filter(|line| !matches!(line.kind, LineKind::Skipped))
            .nth(entries.len());
        let Some(line) = failing else {
            return Err(locate_failure(&readable, entries.len()));
        };
        let text = &readable[line.span.clone()];
        let hint = match line.kind {
            LineKind::Broken(hint) => hint,
            _ => ParseHint::Unrecognized,
        };
        // A quote or escape left open at the end of the file takes everything after it along,
        // keys appended later included: that line cannot be passed over.
        let swallows_the_rest = line.span.end == readable.len()
            && matches!(
                hint,
                ParseHint::UnclosedQuote
                    | ParseHint::TrailingBackslash
                    | ParseHint::TrailingWhitespace
            );
        if text.contains(OUR_PREFIX)
            || swallows_the_rest
            || !matches!(line.kind, LineKind::Broken(_))
        {
            return Err((line.number, hint));
        }
        let trimmed = text.trim_start();
        let trimmed = trimmed
            .strip_prefix("export")
            .filter(|rest| rest.starts_with(char::is_whitespace))
            .map_or(trimmed, str::trim_start);
        foreign.push(ForeignLine {
            line: line.number,
            key: key_at(trimmed, 0).map(str::to_owned),
            hint,
        });
        // The same number of lines, as a comment: later line numbers and values stay as they are.
        let blank = format!("#{}", "\n".repeat(text.matches('\n').count()));
        let mut replaced = String::with_capacity(readable.len());
        replaced.push_str(&readable[..line.span.start]);
        replaced.push_str(&blank);
        replaced.push_str(&readable[line.span.end..]);
        readable = std::borrow::Cow::Owned(replaced);
    }
}

/// Names the line dotenvy failed on after reading `read` entries. dotenvy's own error carries
/// the line's text (possibly a secret) and a position that is sometimes in bytes and sometimes in
/// characters, so we count instead: skipped lines never fail, so the failing line is the first
/// logical line after the `read` assignments.
fn locate_failure(body: &str, read: usize) -> (usize, ParseHint) {
    let lines = scan(body);
    let failing = lines
        .iter()
        .filter(|line| !matches!(line.kind, LineKind::Skipped))
        .nth(read);
    match failing {
        Some(Line {
            number,
            kind: LineKind::Broken(hint),
            ..
        }) => (*number, *hint),
        Some(line) => (line.number, ParseHint::Unrecognized),
        None => (
            lines.last().map_or(1, |line| line.number),
            ParseHint::Unrecognized,
        ),
    }
}
