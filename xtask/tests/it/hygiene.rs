//! Snapshot hygiene: no file under `xtask/snapshots/`, in any folder, holds a token, a secret or
//! an email address.
//!
//! `smoke.rs` checks the sandbox snapshots for the seeded secrets. This walks the whole tree
//! (live snapshots too, should someone commit theirs, and pending `.snap.new` files) and also
//! looks for anything token-shaped, with the same rule the library uses to scrub server text.

use std::path::{Path, PathBuf};

use goto_auth::token::scrub;

use crate::support::seed_secrets;

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
