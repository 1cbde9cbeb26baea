//! Snapshot hygiene: no file under `xtask/snapshots/`, in any folder, holds a token, a secret or
//! an email address.
//!
//! `smoke.rs` checks the sandbox snapshots for the seeded secrets. This walks the whole tree
//! (live snapshots too, should someone commit theirs, and pending `.snap.new` files) and also
//! looks for anything token-shaped: a snapshot holds types, never values, so no word in it
//! may look like a credential.

use std::path::{Path, PathBuf};

use crate::support::seed_secrets;

/// `text` with every token-shaped run replaced by `[redacted]`. Token-shaped is 24 or more
/// characters mixing letters and digits: a JWT, a PAT, a base64 secret, but not an error code
/// like `AUTHZ_INSUFFICIENT_SCOPE`. A run with slashes counts when one of its segments is
/// token-shaped (a token in a URL), or when the whole run is and mixes upper and lower case
/// too (base64 has slashes); a lower-case path like `/call-events-report/v1/report-summaries`
/// does not. (The library redacts only the secrets it knows; this broader rule suits a file
/// that should hold no value at all.)
fn scrub(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+' | '/' | '=' | '-');
    let token_shaped = |segment: &str| {
        segment.len() >= 24
            && segment.chars().any(|c| c.is_ascii_digit())
            && segment.chars().any(|c| c.is_ascii_alphabetic())
    };
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let mixed_case = run.chars().any(|c| c.is_ascii_uppercase())
            && run.chars().any(|c| c.is_ascii_lowercase());
        if run.split('/').any(token_shaped) || (token_shaped(run) && mixed_case) {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the snapshot folder is readable") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn ok_no_snapshot_in_any_folder_holds_a_token_secret_or_email() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let files = files_under(&root);
    assert!(
        files.iter().any(|f| f.starts_with(root.join("sandbox"))),
        "the sandbox snapshots are committed"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a snapshot is text");
        let name = file.strip_prefix(&root).unwrap().display();
        for secret in seed_secrets() {
            assert!(!text.contains(&secret), "{name} holds a seeded secret");
        }
        assert!(!text.contains('@'), "{name} holds an email address");
        assert!(!text.contains("eyJ"), "{name} holds a JWT");
        assert!(
            !text.contains("Bearer "),
            "{name} holds an Authorization header"
        );
        // The header names the call by its catalog path, which may itself look token-shaped
        // (`/voice-admin/v1/phone-numbers`); the recorded answer follows it.
        let answer = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        assert_eq!(scrub(answer), answer, "{name} holds a token-shaped value");
    }
}
