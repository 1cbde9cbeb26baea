//! Interop with env file readers nobody here wrote: the file `cargo xtask token` writes must read
//! the same in python-dotenv and node's dotenv as in dotenvy, down to the last byte of every
//! value. The token's scope has spaces and colons and its principal an `@`, so they are written
//! in single quotes, and the seeded PAT has `+`, `/` and `=`, so it must survive unquoted.
//!
//! The readers run at the versions `.ci/run` installs: python-dotenv via pip, node's dotenv via
//! npm into a folder of its own (`target/interop`, or `XTASK_INTEROP_DIR`), nothing committed.
//! Without them these tests fail and say how to install them: a skipped interop test would
//! look like a passing one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use goto_auth::dotenv::update_file;

use crate::support::*;

/// The python-dotenv version `.ci/run` installs.
const PYTHON_DOTENV_VERSION: &str = "1.2.2";
/// The version of node's dotenv `.ci/run` installs.
const NODE_DOTENV_VERSION: &str = "16.6.1";

/// An env file's values, by key.
type Values = BTreeMap<String, String>;

/// Where npm installed node's dotenv: `XTASK_INTEROP_DIR`, else `target/interop` in the
/// workspace.
fn interop_dir() -> PathBuf {
    std::env::var_os("XTASK_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/interop"))
}

/// Runs a reader and parses the JSON object of values it prints; fails the test with `install`
/// when the reader is not there.
fn run_reader(mut command: Command, reader: &str, install: &str) -> Values {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {reader} ({error}); {install}"));
    assert!(
        output.status.success(),
        "{reader} did not run: {}\n{install}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{reader} printed something other than a JSON object of strings ({error}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// The file's values as python-dotenv's `dotenv_values` reads them (with its default
/// `${VAR}` interpolation on).
fn python_dotenv(path: &Path) -> Values {
    let script = r#"
import json, sys
from importlib.metadata import version, PackageNotFoundError
try:
    installed = version("python-dotenv")
except PackageNotFoundError:
    sys.exit("python-dotenv is not installed")
if installed != sys.argv[2]:
    sys.exit(f"python-dotenv {installed} is installed, but the test pins {sys.argv[2]}")
from dotenv import dotenv_values
print(json.dumps(dotenv_values(sys.argv[1])))
"#;
    let mut command = Command::new("python3");
    command
        .args(["-c", script])
        .arg(path)
        .arg(PYTHON_DOTENV_VERSION);
    run_reader(
        command,
        "python-dotenv",
        &format!(
            "install it with `python3 -m pip install python-dotenv=={PYTHON_DOTENV_VERSION}` \
             (.ci/run does)"
        ),
    )
}

/// The file's values as node's dotenv `parse` reads them.
fn node_dotenv(path: &Path) -> Values {
    let script = r#"
const [file, dir, pinned] = process.argv.slice(1);
const path = require("path");
let dotenv, installed;
try {
  dotenv = require(path.join(dir, "node_modules", "dotenv"));
  installed = require(path.join(dir, "node_modules", "dotenv", "package.json")).version;
} catch (error) {
  console.error(`dotenv is not installed in ${dir}`);
  process.exit(2);
}
if (installed !== pinned) {
  console.error(`dotenv ${installed} is installed in ${dir}, but the test pins ${pinned}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(dotenv.parse(require("fs").readFileSync(file))));
"#;
    let dir = interop_dir();
    let mut command = Command::new("node");
    command
        .args(["-e", script])
        .arg(path)
        .arg(&dir)
        .arg(NODE_DOTENV_VERSION);
    run_reader(
        command,
        "node's dotenv",
        &format!(
            "install it with `npm install --prefix {} --no-save dotenv@{NODE_DOTENV_VERSION}`, or \
             point XTASK_INTEROP_DIR at the folder holding its node_modules (.ci/run installs it \
             into target/interop)",
            dir.display()
        ),
    )
}

/// The file's values as dotenvy reads them, the first occurrence of a key winning as in
/// dotenvy's loaders (the files here have no duplicates).
fn dotenvy_values(path: &Path) -> Values {
    let mut values = Values::new();
    for item in dotenvy::from_path_iter(path).expect("dotenvy opens the file") {
        let (key, value) = item.expect("dotenvy reads the file");
        values.entry(key).or_insert(value);
    }
    values
}

/// Checks that python-dotenv and node's dotenv read every value of the file exactly as
/// dotenvy does, and returns dotenvy's reading.
#[track_caller]
fn assert_readers_agree(path: &Path) -> Values {
    let dotenvy = dotenvy_values(path);
    let contents = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        python_dotenv(path),
        dotenvy,
        "python-dotenv reads the file differently:\n{contents}"
    );
    assert_eq!(
        node_dotenv(path),
        dotenvy,
        "node's dotenv reads the file differently:\n{contents}"
    );
    dotenvy
}

#[test]
fn ok_the_file_token_writes_reads_the_same_in_python_dotenv_and_node_dotenv() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    // The first run appends the token keys; the forced second one replaces them in place.
    for args in [&["token", "--json"][..], &["token", "--force", "--json"]] {
        let run = ws.xtask(args).run();
        run.assert_code(0);
        let told: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let values = assert_readers_agree(&ws.env_file);

        let scope = &values["GOTO_TOKEN_SCOPE"];
        assert_eq!(scope, told["scope"].as_str().unwrap());
        assert!(
            scope.starts_with("identity:scim.me identity: collab: "),
            "{scope}"
        );
        assert_eq!(values["GOTO_TOKEN_PRINCIPAL"], seed::ADMIN_EMAIL);
        assert_eq!(
            values["GOTO_ACCESS_TOKEN_EXPIRES_AT"],
            told["expires_at"].as_str().unwrap()
        );
        assert_eq!(values["GOTO_PAT"], seed::PAT);
        assert_eq!(values["GOTO_CLIENT_SECRET"], seed::CLIENT_SECRET);
        assert!(values["GOTO_ACCESS_TOKEN"].starts_with("eyJ"));
    }
    // The value every reader got is the token the sandbox issued: the API accepts it as read.
    let stored = dotenvy_values(&ws.env_file)["GOTO_ACCESS_TOKEN"].clone();
    let printed = ws
        .xtask(&["token", "--print"])
        .allow_on_stdout(&stored)
        .run();
    printed.assert_code(0);
    assert_eq!(printed.stdout.trim_end(), stored);
    ws.xtask(&["api", "/identity/v1/Users/me"])
        .run()
        .assert_code(0);
}

#[test]
fn ok_values_with_dollars_hashes_and_spaces_read_the_same_everywhere() {
    let ws =
        Workspace::with_contents("# written by hand\nexport PLAIN=kept\nQUOTED='a b'\n\nLAST=1");
    let values = [
        ("DOLLARS", "pa$$word $HOME $ {not} $1"),
        ("HASHES", "a #not-a-comment #and#more"),
        ("SPACES", "  two  words  "),
        ("URL", "https://example.test/a?b=c&d=e#fragment"),
        ("MIXED", r#"x=1; y=#2 $z "double" back\slash a:b @c"#),
        ("UNICODE", "café über 日本 ✓"),
        ("EMPTY", ""),
        (
            "TOKEN",
            "eyJhbGciOiJSUzUxMiJ9.eyJzYyI6ImlkZW50aXR5OiJ9.c2ln-_~+/=",
        ),
    ];
    update_file(&ws.env_file, &values).expect("every value here is portable");
    let read = assert_readers_agree(&ws.env_file);
    for (key, value) in values {
        assert_eq!(read[key], value, "{key}");
    }
    assert_eq!(read["PLAIN"], "kept");
    assert_eq!(read["QUOTED"], "a b");
    assert_eq!(read["LAST"], "1");
}
