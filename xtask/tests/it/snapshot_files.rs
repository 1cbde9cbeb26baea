//! The snapshot files smoke writes are insta's. smoke writes the format by hand (a command cannot
//! use insta's panicking assertions), so every kind of file it writes, committed, recorded and
//! `.snap.new`, is read back here with insta's own parser (`insta::Snapshot::from_file`, the
//! function `cargo insta` loads them with), and its metadata and contents checked.
//!
//! `cargo insta review` and `accept` find a pending snapshot as `NAME.snap.new` beside
//! `NAME.snap`, load both with that parser, and accept by saving the parsed `.snap.new` over the
//! `.snap` and deleting the `.snap.new`: the accept test below does exactly that, with insta's
//! own code, and smoke then passes. Nothing is installed: insta is a dev-dependency.
//!
//! Also #19's snapshot cases: a stale `.snap.new` is removed once the shape matches again, a
//! `.snap` that is not UTF-8 is refused by name, and CI's closing advice names no file it did not
//! write.

use std::path::{Path, PathBuf};

use insta::Snapshot;

use crate::smoke::CALLS;
use crate::support::*;

/// What every file smoke writes names as its source.
const SOURCE: &str = "xtask/src/smoke/catalog.rs";

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the xtask sits one level below the workspace root")
}

/// Reads `path` with insta's parser and checks what `cargo insta` needs and shows: a text
/// snapshot, `source` naming the catalog (a file that exists), a `description` with the call's
/// method and path, none of the fields smoke does not write, and contents equal to what follows
/// the header in the file. Then insta writes the parsed snapshot back, as `cargo insta accept`
/// does: the bytes must be the file's own, so smoke writes exactly what insta writes.
fn check_with_insta(path: &Path) -> Snapshot {
    let snapshot = Snapshot::from_file(path)
        .unwrap_or_else(|error| panic!("insta cannot read {}: {error}", path.display()));
    let metadata = snapshot.metadata();
    assert_eq!(metadata.source(), Some(SOURCE), "{}", path.display());
    assert!(workspace_root().join(SOURCE).is_file(), "{SOURCE} exists");
    let description = metadata.description().unwrap_or_default();
    assert!(
        description.starts_with("GET /"),
        "{}: description {description:?}",
        path.display()
    );
    assert_eq!(
        (
            metadata.expression(),
            metadata.assertion_line(),
            metadata.input_file()
        ),
        (None, None, None),
        "{}",
        path.display()
    );
    let text = snapshot
        .as_text()
        .unwrap_or_else(|| panic!("{} is a text snapshot", path.display()))
        .to_string();
    assert!(text.starts_with("status: "), "{}: {text}", path.display());
    assert!(text.contains("\nshape: "), "{}: {text}", path.display());
    let file = std::fs::read_to_string(path).unwrap();
    let (_, after_header) = file
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .unwrap_or_else(|| panic!("{} has insta's YAML header", path.display()));
    assert_eq!(text, after_header.trim_end());

    let copy = tempfile::tempdir().unwrap();
    let written = copy.path().join("copy.snap");
    snapshot.save(&written).unwrap();
    assert_eq!(
        std::fs::read_to_string(&written).unwrap(),
        file,
        "insta writes {} byte for byte as smoke did",
        path.display()
    );
    snapshot
}

/// Every `.snap` and `.snap.new` under `dir`, in every folder.
fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(snapshot_files(&path));
        } else if path.to_string_lossy().ends_with(".snap")
            || path.to_string_lossy().ends_with(".snap.new")
        {
            files.push(path);
        }
    }
    files
}

#[test]
fn ok_insta_reads_every_committed_snapshot() {
    let files = snapshot_files(&workspace_root().join("xtask/snapshots"));
    let sandbox: Vec<&PathBuf> = files
        .iter()
        .filter(|path| {
            path.parent().is_some_and(|dir| dir.ends_with("sandbox"))
                && path.extension().is_some_and(|ext| ext == "snap")
        })
        .collect();
    assert_eq!(sandbox.len(), CALLS.len(), "{sandbox:?}");
    for path in &files {
        let snapshot = check_with_insta(path);
        if path.extension().is_some_and(|ext| ext == "snap") {
            let name = snapshot.snapshot_name().unwrap_or_default();
            assert!(CALLS.contains(&name), "{name} is a smoke call");
        }
    }
}

/// `smoke --only users_lines --snapshots DIR`, outside CI.
fn smoke_into(ws: &Workspace, dir: &Path) -> Run {
    ws.xtask(&[
        "smoke",
        "--only",
        "users_lines",
        "--snapshots",
        dir.to_str().unwrap(),
    ])
    .run()
}

/// The table's line for `users_lines`.
fn users_lines(run: &Run) -> String {
    run.stderr
        .lines()
        .find(|line| line.trim_start().starts_with("users_lines "))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no line for users_lines:\n{}", run.stderr))
}

#[test]
fn ok_insta_reads_what_smoke_records_and_leaves_and_accepts_it_as_cargo_insta_does() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("xtask/snapshots/live");
    let (snap, pending) = (
        dir.join("users_lines.snap"),
        dir.join("users_lines.snap.new"),
    );

    // Recorded by a first run.
    smoke_into(&ws, &dir).assert_code(0);
    let recorded = check_with_insta(&snap);
    assert_eq!(recorded.snapshot_name(), Some("users_lines"));
    assert_eq!(
        recorded.metadata().description(),
        Some("GET /users/v1/lines")
    );
    assert!(!pending.exists(), "nothing to review after a matching run");

    // A changed shape leaves a `.snap.new` beside the snapshot, in smoke's own words only.
    sandbox.set_shape_drift("/users/v1/lines", true);
    let changed = smoke_into(&ws, &dir);
    changed.assert_code(1);
    assert!(
        !changed.stderr.contains("cargo insta test") && !changed.stderr.contains("panicked"),
        "only smoke's own words:\n{}",
        changed.stderr
    );
    let new = check_with_insta(&pending);
    assert_eq!(
        new.metadata().description(),
        recorded.metadata().description()
    );
    let (old_text, new_text) = (
        check_with_insta(&snap).as_text().unwrap().to_string(),
        new.as_text().unwrap().to_string(),
    );
    assert!(new_text.contains("externalId"), "{new_text}");
    assert!(
        !old_text.contains("externalId"),
        "the snapshot is untouched"
    );

    // Accepted as `cargo insta accept` does it: the parsed `.snap.new` saved over the `.snap`.
    Snapshot::from_file(&pending).unwrap().save(&snap).unwrap();
    std::fs::remove_file(&pending).unwrap();
    let accepted = check_with_insta(&snap);
    assert_eq!(accepted.as_text().unwrap().to_string(), new_text);
    let after = smoke_into(&ws, &dir);
    after.assert_code(0);
    assert!(users_lines(&after).contains(" ok"), "{}", after.stderr);
    assert!(!pending.exists());
}

#[test]
fn ok_a_stale_pending_snapshot_is_removed_once_the_shape_matches_again() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("snapshots");
    let pending = dir.join("users_lines.snap.new");
    smoke_into(&ws, &dir).assert_code(0);
    sandbox.set_shape_drift("/users/v1/lines", true);
    smoke_into(&ws, &dir).assert_code(1);
    assert!(pending.exists(), "the changed shape left a .snap.new");

    // The API goes back to the recorded shape: the `.snap.new` describes nothing any more.
    sandbox.set_shape_drift("/users/v1/lines", false);
    let run = smoke_into(&ws, &dir);
    run.assert_code(0);
    let line = users_lines(&run);
    assert!(line.contains(" ok"), "{line}");
    assert!(line.contains("removed the stale"), "{line}");
    assert!(line.contains("users_lines.snap.new"), "{line}");
    assert!(!pending.exists(), "the stale .snap.new is gone");

    // A `.snap.new` beside a snapshot that was deleted goes when the snapshot is recorded anew.
    std::fs::write(
        &pending,
        std::fs::read(dir.join("users_lines.snap")).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(dir.join("users_lines.snap")).unwrap();
    let run = smoke_into(&ws, &dir);
    run.assert_code(0);
    assert!(users_lines(&run).contains("recorded"), "{}", run.stderr);
    assert!(!pending.exists());
}

#[test]
fn err_a_snapshot_that_is_not_utf8_is_refused_by_name_locally_and_in_ci() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let dir = ws.dir().join("snapshots");
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("users_lines.snap");
    let bytes = b"---\nsource: x\n---\nstatus: 200\nshape: \xff\xfe\n".to_vec();
    std::fs::write(&snap, &bytes).unwrap();
    for ci in [false, true] {
        let mut xtask = ws.xtask(&[
            "smoke",
            "--only",
            "users_lines",
            "--snapshots",
            dir.to_str().unwrap(),
        ]);
        if ci {
            xtask = xtask.env("CI", "true");
        }
        let run = xtask.run();
        run.assert_code(1);
        let line = users_lines(&run);
        assert!(line.contains("failed"), "CI={ci}: {line}");
        assert!(
            line.contains("users_lines.snap is not UTF-8"),
            "CI={ci}: {line}"
        );
        assert!(!line.contains("no snapshot committed"), "CI={ci}: {line}");
        assert_eq!(
            std::fs::read(&snap).unwrap(),
            bytes,
            "CI={ci}: kept as it was"
        );
        assert!(!dir.join("users_lines.snap.new").exists(), "CI={ci}");
        assert!(!run.stderr.contains("cargo insta review"), "CI={ci}");
    }
}
