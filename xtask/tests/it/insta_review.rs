//! The `.snap.new` files smoke leaves are insta's: the real `cargo-insta` (1.49.0, the version
//! the snapshots' format follows) lists them as pending and accepts them, and smoke then passes.
//!
//! `cargo-insta` is installed once per test run into the test target's temporary directory
//! (`cargo install --locked`, which needs crates.io or a warm cargo cache on first use); nothing
//! is installed anywhere else. The snapshots live in a throwaway copy of the project layout: a
//! one-package workspace whose `xtask/snapshots/live` holds them, so `cargo insta` sees them
//! where it would in this repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::*;

/// The `cargo-insta` version whose file format smoke writes.
const CARGO_INSTA: &str = "1.49.0";

/// The `cargo-insta` binary, installed on first use (staged and renamed into place, as the
/// interop tests' readers are).
fn cargo_insta() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let root = BINARY.get_or_init(|| {
        installed(&format!("cargo-insta-{CARGO_INSTA}"), |staging| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let mut command = Command::new(cargo);
            command
                .args(["install", "--locked", "--quiet"])
                .arg(format!("cargo-insta@{CARGO_INSTA}"))
                .arg("--root")
                .arg(staging);
            run_installer(command)
        })
        .map(|root| root.join("bin/cargo-insta"))
    });
    match root {
        Ok(binary) => binary,
        Err(error) => panic!("{error}"),
    }
}

/// Runs `cargo insta ARGS` on the project at `dir`; returns stdout.
fn insta(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(cargo_insta())
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("xtask/Cargo.toml"))
        .env_remove("CI")
        .output()
        .expect("cargo-insta runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "cargo insta {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn ok_cargo_insta_lists_and_accepts_what_smoke_leaves_for_review() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let project = ws.dir().join("project");
    std::fs::create_dir_all(project.join("xtask/src")).unwrap();
    std::fs::write(
        project.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(project.join("xtask/src/lib.rs"), "").unwrap();
    let snapshots = project.join("xtask/snapshots/live");
    let smoke = |ws: &Workspace| {
        ws.xtask(&[
            "smoke",
            "--only",
            "users_lines",
            "--snapshots",
            snapshots.to_str().unwrap(),
        ])
        .run()
    };

    smoke(&ws).assert_code(0);
    assert!(insta(&project, &["pending-snapshots"]).contains("No pending snapshots."));

    sandbox.set_shape_drift("/users/v1/lines", true);
    let changed = smoke(&ws);
    changed.assert_code(1);
    assert!(
        !changed.stderr.contains("cargo insta test") && !changed.stderr.contains("panicked"),
        "only smoke's own words:\n{}",
        changed.stderr
    );
    let pending = std::fs::read_to_string(snapshots.join("users_lines.snap.new")).unwrap();
    assert!(pending.contains("externalId"), "{pending}");

    let listed = insta(&project, &["pending-snapshots"]);
    assert!(
        listed.contains("snapshots/live/users_lines.snap"),
        "{listed}"
    );
    insta(&project, &["accept"]);
    assert!(!snapshots.join("users_lines.snap.new").exists());
    let accepted = std::fs::read_to_string(snapshots.join("users_lines.snap")).unwrap();
    assert!(accepted.contains("externalId"), "{accepted}");
    assert!(accepted.starts_with("---\nsource: "), "{accepted}");
    assert!(
        insta(&project, &["pending-snapshots"]).contains("No pending snapshots."),
        "nothing left to review"
    );
    let line_of = |run: &Run| {
        run.stderr
            .lines()
            .find(|line| line.trim_start().starts_with("users_lines "))
            .map(str::to_owned)
            .unwrap_or_default()
    };
    let after = smoke(&ws);
    after.assert_code(0);
    assert!(line_of(&after).contains(" ok"), "{}", after.stderr);
}
