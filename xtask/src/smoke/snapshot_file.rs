//! insta's snapshot file format, written by hand: a command cannot use insta's assertions, which
//! report a mismatch by panicking. The tests read every file smoke writes with insta's own parser
//! (`insta::Snapshot::from_file`), so the two cannot drift apart.

use std::path::Path;

/// What a snapshot written by smoke names as its source: the catalog the call comes from, as a
/// path from the workspace root (insta's `source`, which `cargo insta review` shows).
pub const SOURCE: &str = "xtask/src/smoke/catalog.rs";

/// Writes a snapshot file exactly as insta 1.x does: its YAML header (`source`, then
/// `description`), `---`, the contents without trailing whitespace, one newline.
pub fn write(path: &Path, description: &str, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = format!(
        "---\nsource: {}\ndescription: {}\n---\n{}\n",
        yaml_string(SOURCE),
        yaml_string(description),
        normalize(text)
    );
    std::fs::write(path, file)
}

/// The contents of a snapshot file: what follows its header.
pub fn contents_of(file: &str) -> &str {
    match file.strip_prefix("---\n") {
        Some(rest) => rest
            .split_once("\n---\n")
            .map_or(rest, |(_, contents)| contents),
        None => file,
    }
}

/// Snapshot text as insta compares it: line endings as `\n`, no trailing whitespace.
pub fn normalize(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// A YAML scalar as insta's emitter writes it: plain when YAML reads it back unchanged,
/// else double-quoted with escapes. The values are the catalog's own (its path and the call's
/// method and path template), so the rarer cases of insta's emitter, control characters, which
/// it escapes a little differently, never arise; the tests compare every file with insta's own
/// output byte for byte.
fn yaml_string(text: &str) -> String {
    let needs_quotes = text.is_empty()
        || text.starts_with(' ')
        || text.ends_with(' ')
        || text.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'])
        || text.contains(|c: char| {
            matches!(
                c,
                ':' | '{' | '}' | '[' | ']' | ',' | '#' | '`' | '"' | '\'' | '\\'
            ) || c.is_control()
        })
        || [
            "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE",
            "false", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ]
        .contains(&text)
        || text.starts_with('.')
        || text.starts_with("0x")
        || text.parse::<f64>().is_ok();
    if !needs_quotes {
        return text.to_owned();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_quoted_as_insta_quotes_them() {
        assert_eq!(yaml_string("GET /users/v1/lines"), "GET /users/v1/lines");
        assert_eq!(
            yaml_string("GET /users/v1/users?accountKey={account_key}"),
            "\"GET /users/v1/users?accountKey={account_key}\""
        );
    }

    #[test]
    fn contents_follow_the_header() {
        let file = "---\nsource: a\ndescription: b\n---\nstatus: 200\nshape: {}\n";
        assert_eq!(contents_of(file), "status: 200\nshape: {}\n");
        assert_eq!(normalize("a\r\nb\n\n"), "a\nb");
    }
}
