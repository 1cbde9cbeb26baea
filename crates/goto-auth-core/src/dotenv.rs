//! Reading and losslessly editing `.env` files.
//!
//! The file is read with dotenvy's rules, because that is what the contract promises and what the
//! rest of the workspace loads. It is written for every common reader at once: each value we write
//! reads back exactly in dotenvy, python-dotenv and node's dotenv, and a value that cannot be
//! written that way is refused rather than written mangled (see [`render_value`]).
//!
//! Editing is lossless. [`edit`] changes only the values of the keys it is asked to update, where
//! they stand, and appends keys that are missing; every other byte of the file (comments, blank
//! lines, `export` prefixes, quoting, order, CRLF line endings, a byte order mark, a missing final
//! newline) is kept. It finds the values with a model of dotenvy's parser (`syntax`), then reads
//! the result back with dotenvy itself and refuses to hand it out unless the updated keys read
//! back exactly and every other key reads as before.
//!
//! [`update_file`] wraps [`edit`] in an atomic, locked read-modify-write of a real file, and
//! [`read_file`] reads one with readable, secret-free error messages. Both are Unix-only: they
//! rely on inode numbers and permission bits.
//!
//! No error in this module carries a value: values are tokens and secrets. Errors name the key,
//! the file and the line instead.

mod file;
mod syntax;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;

use syntax::LineKind;

pub use file::{EnvFile, LockedEnvFile, Written, kind_name, read, read_file, update_file};
pub use syntax::ForeignLine;

/// Renders `value` so that dotenvy, python-dotenv and node's dotenv all read it back exactly.
///
/// Token-shaped values (every character in `[A-Za-z0-9._~+/=-]`, which covers JWTs and
/// base64url) are written bare, as is the empty string. Anything else is written in single
/// quotes, which all three parsers read literally apart from the few sequences refused below. A
/// value with a single quote (an email like `o'hara@example.com`) cannot go in single quotes; it
/// is written in double quotes when it holds none of `"`, `\`, `$` and backtick, the characters
/// that one of the three parsers treats specially inside double quotes (escapes, substitution,
/// node's backtick quoting). These rules come from writing each kind of value and reading it
/// back with all three parsers; the cases are the matrix in this module's unit tests and the
/// interop tests of the xtask.
///
/// # Errors
///
/// Returns an [`UnportableValue`] naming the offending character or sequence when no encoding
/// reads back the same in all three parsers: a single quote together with `"`, `\`, `$` or a
/// backtick, the sequence `${`, a double backslash, a trailing backslash, or a control or
/// line-separator character.
pub fn render_value(value: &str) -> Result<String, UnportableValue> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(UnportableValue::ControlCharacter {
            code_point: u32::from(c),
        });
    }
    if let Some(c) = value.chars().find(|c| matches!(c, '\u{2028}' | '\u{2029}')) {
        return Err(UnportableValue::LineSeparator {
            code_point: u32::from(c),
        });
    }
    if value.contains('\'') {
        if value.contains(['"', '\\', '$', '`']) {
            return Err(UnportableValue::SingleQuote);
        }
        return Ok(format!("\"{value}\""));
    }
    if value.contains("${") {
        return Err(UnportableValue::Interpolation);
    }
    if value.contains(r"\\") {
        return Err(UnportableValue::DoubleBackslash);
    }
    if value.ends_with('\\') {
        return Err(UnportableValue::TrailingBackslash);
    }
    if value.chars().all(is_bare) {
        Ok(value.to_owned())
    } else {
        Ok(format!("'{value}'"))
    }
}

/// Empties the value of each key in `optional` that [`render_value`] refuses, and returns those
/// keys with the reason, so that the caller can warn. The other values are left for the write to
/// check: a refused value of any other key still refuses the whole write.
///
/// This is how an informational token key (such as the principal) with a value no reader can
/// carry is left out without throwing away the token it describes. The key is emptied rather than
/// dropped, so that a value stored for an earlier token does not stay behind as if it described
/// this one.
pub fn blank_unportable<K: AsRef<str>>(
    updates: &mut [(K, String)],
    optional: &[&str],
) -> Vec<(String, UnportableValue)> {
    let mut blanked = Vec::new();
    for (key, value) in updates.iter_mut() {
        if !optional.contains(&key.as_ref()) {
            continue;
        }
        if let Err(reason) = render_value(value) {
            value.clear();
            blanked.push((key.as_ref().to_owned(), reason));
        }
    }
    blanked
}

/// Characters every parser reads literally in an unquoted value.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+' | '/' | '=' | '-')
}

/// Sets each `(key, value)` in the text of an env file and returns the new text.
///
/// Every assignment of an updated key gets its value replaced by [`render_value`]'s rendering,
/// whatever its old quoting and even when the old value spanned several lines. The indentation,
/// an `export ` prefix, the key's spelling, the text up to and including `=` and a trailing
/// `# comment` stay. All duplicates are replaced, so readers that take the first occurrence
/// (dotenvy) and readers that take the last (python-dotenv, node) agree. Keys that are not in the
/// file are appended at the end in the order given, with the file's line ending; a file without a
/// final newline still has none afterwards. When a key is given twice, the last value wins.
///
/// Every other byte stays as it was.
///
/// # Errors
///
/// - [`EditError::InvalidKey`] when a key is not in dotenvy's grammar `[A-Za-z_][A-Za-z0-9_.]*`.
/// - [`EditError::Unportable`] when a value cannot be written portably (see [`render_value`]).
/// - [`EditError::Parse`] when dotenvy cannot read a line of `contents` that mentions a `GOTO_`
///   key: editing a file whose own lines nobody can read would only hide the problem. A refused
///   line that mentions no `GOTO_` key belongs to another tool (python-dotenv and node's dotenv
///   read `APP_NAME=My App`, dotenvy does not), and is kept byte for byte.
/// - [`EditError::RoundTrip`] when the result would not read back as intended. This is a safety
///   net: it catches a few pathological lines that dotenvy reads differently once their value
///   changes (such as a value ending in a backslash right before a comment), and any bug here.
pub fn edit(contents: &str, updates: &[(&str, &str)]) -> Result<String, EditError> {
    edit_read(contents, None, updates)
}

/// What dotenvy read from a file: its entries in file order and the foreign lines passed over.
pub(super) type Reading<'a> = (&'a [(String, String)], &'a [ForeignLine]);

/// [`edit`], given what dotenvy already read from `contents` when the caller has it (the entries
/// and the foreign lines of [`syntax::read_tolerant`] on `contents` without its byte order mark),
/// so that a file read under its lock to decide whether to write is not parsed again to write
/// it. The edited text is still read back in full.
pub(super) fn edit_read(
    contents: &str,
    read: Option<Reading<'_>>,
    updates: &[(&str, &str)],
) -> Result<String, EditError> {
    let updates = prepare(updates)?;
    let (bom, body) = split_bom(contents);
    let parsed;
    let (before, foreign) = match read {
        Some(read) => read,
        None => {
            parsed = syntax::read_tolerant(body)
                .map_err(|(line, hint)| EditError::Parse { line, hint })?;
            (parsed.0.as_slice(), parsed.1.as_slice())
        }
    };

    let mut edited = String::with_capacity(contents.len() + 64 * updates.len());
    edited.push_str(bom);
    let mut present = vec![false; updates.len()];
    // Per assignment, in file order: whether its value may change through `$` substitution.
    let mut substitutes = Vec::with_capacity(before.len());
    let mut copied = 0;
    for line in syntax::scan(body) {
        let assignment = match line.kind {
            LineKind::Assignment(assignment) => assignment,
            LineKind::Skipped => continue,
            // A line for another tool, which dotenvy refuses: kept as it is.
            LineKind::Broken(_) if foreign.iter().any(|f| f.line == line.number) => continue,
            // dotenvy read the rest of the file, so our model must agree that the line is fine.
            LineKind::Broken(hint) => {
                return Err(EditError::Parse {
                    line: line.number,
                    hint,
                });
            }
        };
        substitutes.push(body[assignment.value.clone()].contains('$'));
        let Some(index) = updates.iter().position(|u| u.key == assignment.key) else {
            continue;
        };
        present[index] = true;
        let rendered = &updates[index].rendered;
        // Emptying a value also drops the whitespace between `=` and the old value: left there,
        // it would run into the whitespace after the value, and dotenvy's line reader, which
        // toggles on each whitespace character, could stop seeing a ` # comment`.
        let replace_from = if rendered.is_empty() && !assignment.value.is_empty() {
            assignment.after_equals
        } else {
            assignment.value.start
        };
        edited.push_str(&body[copied..replace_from]);
        edited.push_str(rendered);
        if !rendered.is_empty() {
            edited.push_str(assignment.separator);
        }
        copied = assignment.value.end;
    }
    edited.push_str(&body[copied..]);

    let missing: Vec<&Update<'_>> = updates
        .iter()
        .zip(&present)
        .filter(|(_, present)| !**present)
        .map(|(update, _)| update)
        .collect();
    append(&mut edited, body, &missing);

    verify(
        before,
        &substitutes,
        &edited[bom.len()..],
        &updates,
        &missing,
    )?;
    Ok(edited)
}

/// One update, checked and rendered. No `Debug`: it holds the value.
struct Update<'a> {
    key: &'a str,
    value: &'a str,
    rendered: String,
}

/// Checks every key and renders every value, merging repeated keys (the last value wins, in the
/// position of the first).
fn prepare<'a>(updates: &[(&'a str, &'a str)]) -> Result<Vec<Update<'a>>, EditError> {
    let mut prepared: Vec<Update<'a>> = Vec::with_capacity(updates.len());
    for &(key, value) in updates {
        if !syntax::is_key(key) {
            return Err(EditError::InvalidKey {
                key: key.to_owned(),
            });
        }
        let rendered = render_value(value).map_err(|reason| EditError::Unportable {
            key: key.to_owned(),
            reason,
        })?;
        let update = Update {
            key,
            value,
            rendered,
        };
        match prepared.iter_mut().find(|u| u.key == key) {
            Some(earlier) => *earlier = update,
            None => prepared.push(update),
        }
    }
    Ok(prepared)
}

/// Splits off a UTF-8 byte order mark, which dotenvy's loaders skip and we keep.
fn split_bom(contents: &str) -> (&str, &str) {
    match contents.strip_prefix('\u{feff}') {
        Some(body) => (&contents[..contents.len() - body.len()], body),
        None => ("", contents),
    }
}

/// Appends `KEY=value` lines for keys the file did not have, using the line ending of the file's
/// last line. A file that does not end with a newline keeps not ending with one: the line ending
/// goes before each new line instead of after it.
fn append(edited: &mut String, body: &str, missing: &[&Update<'_>]) {
    let line_ending = match body.rfind('\n') {
        Some(i) if body[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    let ends_open = !body.is_empty() && !body.ends_with('\n');
    for update in missing {
        if ends_open {
            edited.push_str(line_ending);
        }
        edited.push_str(update.key);
        edited.push('=');
        edited.push_str(&update.rendered);
        if !ends_open {
            edited.push_str(line_ending);
        }
    }
}

/// Reads the edited body back with dotenvy and checks that it says what was meant: the same keys
/// in the same order followed by the appended ones, every occurrence of an updated key with its
/// new value, and every other value as before (unless it substitutes `$NAME`, which may name an
/// updated key).
///
/// The model of dotenvy's grammar places values exactly, but a few pathological lines (say, a
/// value ending in a backslash right before a comment) are read differently by dotenvy once
/// their value changes. Those edits are refused here rather than written.
fn verify(
    before: &[(String, String)],
    substitutes: &[bool],
    edited_body: &str,
    updates: &[Update<'_>],
    appended: &[&Update<'_>],
) -> Result<(), EditError> {
    let round_trip = |key: &str| EditError::RoundTrip {
        key: key.to_owned(),
    };
    let (after, _) = syntax::read_tolerant(edited_body)
        .map_err(|_| round_trip(updates.first().map_or("", |u| u.key)))?;
    if after.len() != before.len() + appended.len() {
        let differs = before.iter().zip(&after).find(|(old, new)| old.0 != new.0);
        return Err(round_trip(differs.map_or_else(
            || updates.first().map_or("", |u| u.key),
            |(old, _)| &old.0,
        )));
    }
    let expected = before
        .iter()
        .zip(substitutes)
        .map(|((key, old_value), substitutes)| {
            let update = updates.iter().find(|u| u.key == key);
            (
                key.as_str(),
                update.map(|u| u.value),
                old_value,
                *substitutes,
            )
        });
    for ((key, new_value, old_value, substitutes), (actual_key, actual_value)) in
        expected.zip(&after)
    {
        let value_ok = match new_value {
            Some(new_value) => actual_value == new_value,
            None => actual_value == old_value || substitutes,
        };
        if actual_key != key || !value_ok {
            return Err(round_trip(key));
        }
    }
    for (update, (key, value)) in appended.iter().zip(&after[before.len()..]) {
        if key != update.key || value != update.value {
            return Err(round_trip(update.key));
        }
    }
    Ok(())
}

/// Why a value cannot be written so that dotenvy, python-dotenv and node's dotenv all read it back
/// exactly. Names the offending character or sequence, never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnportableValue {
    /// Single quotes cannot contain `'`, no escape of it works in all three parsers, and double
    /// quotes carry it only when the value has no `"`, `\`, `$` or backtick.
    #[error(
        "contains a single quote (') together with a double quote, backslash, `$` or backtick, which no quoting lets dotenvy, python-dotenv and node's dotenv all read back"
    )]
    SingleQuote,
    /// python-dotenv expands `${NAME}` even inside single quotes.
    #[error("contains `${{`, which python-dotenv expands as a variable even inside single quotes")]
    Interpolation,
    /// python-dotenv reads `\\` inside single quotes as one backslash.
    #[error(
        r"contains two backslashes in a row (\\), which python-dotenv reads back as one backslash"
    )]
    DoubleBackslash,
    /// dotenvy reads a backslash before the closing quote as escaping the quote.
    #[error("ends with a backslash, which dotenvy reads as escaping the closing quote")]
    TrailingBackslash,
    /// Control characters (line breaks, tabs, NUL, ...) do not survive all three parsers.
    #[error(
        "contains the control character U+{code_point:04X}, which env file readers do not all read back"
    )]
    ControlCharacter {
        /// The offending character's Unicode code point.
        code_point: u32,
    },
    /// node's dotenv treats U+2028 and U+2029 as line breaks.
    #[error(
        "contains the line separator U+{code_point:04X}, which node's dotenv reads as a line break"
    )]
    LineSeparator {
        /// The offending character's Unicode code point.
        code_point: u32,
    },
}

/// Why [`edit`] refused to edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The key is not in dotenvy's key grammar, so no reader would find it.
    #[error("{key:?} is not a valid env file key: {grammar}", grammar = KEY_GRAMMAR)]
    InvalidKey {
        /// The refused key.
        key: String,
    },
    /// The value cannot be written so that every reader reads it back exactly.
    #[error("cannot write {key} portably: the value {reason}")]
    Unportable {
        /// The key whose value was refused.
        key: String,
        /// What is wrong with the value.
        reason: UnportableValue,
    },
    /// dotenvy cannot read the existing contents.
    #[error("line {line}: {hint}")]
    Parse {
        /// The 1-based number of the line dotenvy failed on.
        line: usize,
        /// What is most likely wrong with it.
        hint: ParseHint,
    },
    /// The edited text would not read back as intended, so it was refused. Either the line of
    /// `key` is one of the few that dotenvy reads differently once its value changes (such as a
    /// value ending in a backslash before a comment), or the editor has a bug.
    #[error(
        "after the edit, {key} would not read back exactly as written, so the edit was refused; rewrite its line as a plain KEY=value and try again"
    )]
    RoundTrip {
        /// The first key that did not read back as expected.
        key: String,
    },
}

const KEY_GRAMMAR: &str =
    "a key starts with an ASCII letter or `_` and continues with ASCII letters, digits, `_` or `.`";

/// Why reading, locking or writing an env file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvFileError {
    /// The file does not exist.
    #[error("env file {path} does not exist")]
    NotFound {
        /// The path as the caller gave it.
        path: PathBuf,
    },
    /// The file (or its directory) could not be opened or read.
    #[error("cannot read env file {path}")]
    Read {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text, which every env file reader expects.
    #[error("env file {path} is not UTF-8 text; save it as UTF-8 and try again")]
    NotUtf8 {
        /// The path as the caller gave it.
        path: PathBuf,
    },
    /// dotenvy cannot read the file. Carries no text from the file, which may be a secret.
    #[error("cannot read env file {path}, line {line}: {hint}")]
    Parse {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The 1-based number of the line dotenvy failed on. For a quoted value that never
        /// closes, the line where it opens.
        line: usize,
        /// What is most likely wrong with the line.
        hint: ParseHint,
    },
    /// An update named a key outside dotenvy's key grammar. The file was left unchanged.
    #[error("cannot write {key:?} to {path}: {grammar}", grammar = KEY_GRAMMAR)]
    InvalidKey {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The refused key.
        key: String,
    },
    /// An update's value cannot be written portably. The file was left unchanged.
    #[error("cannot write {key} to {path}: the value {reason}; the file was left unchanged")]
    Unportable {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The key whose value was refused.
        key: String,
        /// What is wrong with the value.
        reason: UnportableValue,
    },
    /// The edited contents would not read back as intended, so they were not written (see
    /// [`EditError::RoundTrip`]).
    #[error(
        "refusing to write {path}: after the edit, {key} would not read back exactly as written; the file was left unchanged; rewrite the line of {key} as a plain KEY=value and try again"
    )]
    Verify {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The first key that did not read back as expected.
        key: String,
    },
    /// The path names something other than a regular file (after symlinks).
    #[error("env file {path} is {kind}, not a regular file; point --env-file at a regular file")]
    NotRegular {
        /// The path as the caller gave it.
        path: PathBuf,
        /// What it is instead: "a directory", "a FIFO (named pipe)", ...
        kind: &'static str,
    },
    /// The file, or the directory it is to be created in, cannot be written. Found before any
    /// request, so no token is minted only to be thrown away.
    #[error("cannot write env file {path}: {reason}; nothing was sent and nothing was changed")]
    NotWritable {
        /// The path as the caller gave it.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// The new file could not be given the old one's owner and group (writing as another user
    /// without the right to change ownership). Found before any request.
    #[error(
        "cannot write env file {path} without changing its owner or group (uid {uid}, gid {gid}); \
         run as its owner, or as root; nothing was sent and nothing was changed"
    )]
    OwnerNotKept {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The file's owner.
        uid: u32,
        /// The file's group.
        gid: u32,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The exclusive lock on the file could not be taken.
    #[error("cannot lock env file {path}")]
    Lock {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// Making the temporary file, writing the new contents, replacing the file or syncing it
    /// failed.
    #[error("cannot write env file {path}")]
    Write {
        /// The path as the caller gave it.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

impl EditError {
    /// Attaches the file's path.
    fn in_file(self, path: PathBuf) -> EnvFileError {
        match self {
            EditError::InvalidKey { key } => EnvFileError::InvalidKey { path, key },
            EditError::Unportable { key, reason } => EnvFileError::Unportable { path, key, reason },
            EditError::Parse { line, hint } => EnvFileError::Parse { path, line, hint },
            EditError::RoundTrip { key } => EnvFileError::Verify { path, key },
        }
    }
}

/// What is most likely wrong with a line dotenvy cannot read, as a short hint for a human.
///
/// dotenvy's own errors quote the whole line, which may hold a secret, and give a position that
/// is hard to use; these hints quote nothing from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseHint {
    /// The line is not blank, not a `#` comment, and does not start with a key.
    NotAnAssignment,
    /// The key is not followed by `=`.
    MissingEquals,
    /// An unquoted value contains whitespace.
    UnquotedSpace,
    /// A backslash escape dotenvy does not know, such as `\t`, outside single quotes.
    InvalidEscape,
    /// A quote that opens on this line never closes.
    UnclosedQuote,
    /// A `${` never closes with `}`.
    UnclosedBrace,
    /// A `$NAME` right before a closing quote: dotenvy takes the quote as part of the value.
    DollarBeforeQuote,
    /// The file ends with a backslash and no final newline.
    TrailingBackslash,
    /// The file ends with whitespace and no final newline.
    TrailingWhitespace,
    /// dotenvy refuses the line for a reason this editor does not recognise.
    Unrecognized,
}

impl fmt::Display for ParseHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseHint::NotAnAssignment => {
                "expected `KEY=value`, a `#` comment or a blank line (a key starts with a letter or `_`)"
            }
            ParseHint::MissingEquals => "expected `=` after the key (a key cannot contain spaces)",
            ParseHint::UnquotedSpace => {
                "a value with spaces needs single quotes, like KEY='two words'"
            }
            ParseHint::InvalidEscape => {
                r#"unsupported backslash escape (outside single quotes only \n, \\, \', \", \$ and "\ " work); put the value in single quotes to keep backslashes as they are"#
            }
            ParseHint::UnclosedQuote => "a quote that opens on this line is never closed",
            ParseHint::UnclosedBrace => "a `${` on this line is never closed with `}`",
            ParseHint::DollarBeforeQuote => {
                "a `$NAME` right before a closing quote hides the quote from dotenvy; write `${NAME}`, or use single quotes for a literal `$`"
            }
            ParseHint::TrailingBackslash => {
                "the file ends with a backslash; remove it or end the file with a newline"
            }
            ParseHint::TrailingWhitespace => {
                "the file ends with spaces after the last line; remove them or end the file with a newline"
            }
            ParseHint::Unrecognized => "dotenvy cannot read this line",
        })
    }
}
