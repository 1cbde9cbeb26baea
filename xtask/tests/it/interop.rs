//! Interop with env file readers nobody here wrote: the file `cargo xtask token` writes must read
//! the same in python-dotenv and node's dotenv as in dotenvy, down to the last byte of every
//! value. The token's scope has spaces and colons and its principal an `@`, so they are written
//! in single quotes, and the seeded PAT has `+`, `/` and `=`, so it must survive unquoted.
//!
//! The readers are pinned and installed by these tests themselves, once per test run, into
//! cargo's scratch directory for integration tests (`target/tmp/interop`): python-dotenv with
//! `pip install --target`, node's dotenv with `npm install --prefix`. A fresh clone therefore
//! needs only `python3` with pip, `node` with npm and a reachable package registry, nothing
//! installed by hand. Python runs with `-I -S`, so a python-dotenv installed system-wide (at
//! whatever version) can never stand in for the pinned one. When an install fails, the tests fail
//! and show why: a skipped interop test would look like a passing one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use goto_auth::blocks::update_file;

use crate::support::*;

/// The python-dotenv version the tests install and read with.
const PYTHON_DOTENV_VERSION: &str = "1.2.2";
/// The version of node's dotenv the tests install and read with.
const NODE_DOTENV_VERSION: &str = "16.6.1";

/// An env file's values, by key.
type Values = BTreeMap<String, String>;

/// The folder holding the pinned python-dotenv (a `sys.path` entry), installed once per test run.
fn python_dotenv_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        installed(
            &format!("python-dotenv-{PYTHON_DOTENV_VERSION}"),
            |staging| {
                let mut pip = Command::new("python3");
                pip.args(["-m", "pip", "install", "--quiet", "--no-input", "--no-deps"])
                    .args(["--disable-pip-version-check", "--no-warn-script-location"])
                    .arg("--target")
                    .arg(staging)
                    .arg(format!("python-dotenv=={PYTHON_DOTENV_VERSION}"));
                run_installer(pip)
            },
        )
    });
    match dir {
        Ok(dir) => dir,
        Err(why) => panic!(
            "could not install python-dotenv {PYTHON_DOTENV_VERSION} for the interop tests \
             (they need python3 with pip and a reachable package index): {why}"
        ),
    }
}

/// The folder holding node's pinned dotenv in `node_modules`, installed once per test run.
fn node_dotenv_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        installed(&format!("node-dotenv-{NODE_DOTENV_VERSION}"), |staging| {
            let mut npm = Command::new("npm");
            npm.arg("install")
                .arg("--prefix")
                .arg(staging)
                .args(["--no-save", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg(format!("dotenv@{NODE_DOTENV_VERSION}"));
            run_installer(npm)
        })
    });
    match dir {
        Ok(dir) => dir,
        Err(why) => panic!(
            "could not install node's dotenv {NODE_DOTENV_VERSION} for the interop tests \
             (they need node with npm and a reachable registry): {why}"
        ),
    }
}

/// Runs a reader and parses the JSON object of values it prints.
fn run_reader(mut command: Command, reader: &str) -> Values {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {reader}: {error}"));
    assert!(
        output.status.success(),
        "{reader} did not run: {}",
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
/// `${VAR}` interpolation on). `-I -S` leave the user's and the system's site-packages off the
/// path, so only the pinned copy can be imported; the script checks its version all the same.
fn python_dotenv(path: &Path) -> Values {
    let script = r#"
import json, sys
sys.path.insert(0, sys.argv[3])
from importlib.metadata import version
installed = version("python-dotenv")
if installed != sys.argv[2]:
    sys.exit(f"python-dotenv {installed} was imported, but the test pins {sys.argv[2]}")
from dotenv import dotenv_values
print(json.dumps(dotenv_values(sys.argv[1])))
"#;
    let dir = python_dotenv_dir();
    let mut command = Command::new("python3");
    command
        .args(["-I", "-S", "-c", script])
        .arg(path)
        .arg(PYTHON_DOTENV_VERSION)
        .arg(dir);
    run_reader(command, "python-dotenv")
}

/// The file's values as node's dotenv `parse` reads them, loaded by path from the pinned copy.
fn node_dotenv(path: &Path) -> Values {
    let script = r#"
const [file, dir, pinned] = process.argv.slice(1);
const path = require("path");
const dotenv = require(path.join(dir, "node_modules", "dotenv"));
const installed = require(path.join(dir, "node_modules", "dotenv", "package.json")).version;
if (installed !== pinned) {
  console.error(`dotenv ${installed} is in ${dir}, but the test pins ${pinned}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(dotenv.parse(require("fs").readFileSync(file))));
"#;
    let dir = node_dotenv_dir();
    let mut command = Command::new("node");
    command
        .args(["-e", script])
        .arg(path)
        .arg(dir)
        .arg(NODE_DOTENV_VERSION);
    run_reader(command, "node's dotenv")
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
pub fn assert_readers_agree(path: &Path) -> Values {
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

#[test]
fn ok_values_with_a_single_quote_go_in_double_quotes_and_read_the_same_everywhere() {
    let ws = Workspace::with_contents("A=1\n");
    let values = [
        ("PRINCIPAL", "o'hara@example.com"),
        ("QUOTE", "'"),
        ("SENTENCE", "it's a #1 'test' with  spaces "),
        ("HASH", "a'b #c"),
        ("UNICODE", "l'été ✓"),
        ("EQUALS", "k'=v=w"),
    ];
    update_file(&ws.env_file, &values)
        .expect("each value has ' and nothing double quotes treat specially");
    let contents = std::fs::read_to_string(&ws.env_file).unwrap();
    assert!(
        contents.contains("PRINCIPAL=\"o'hara@example.com\"\n"),
        "{contents}"
    );
    let read = assert_readers_agree(&ws.env_file);
    for (key, value) in values {
        assert_eq!(read[key], value, "{key}");
    }
    // With `"`, `\`, `$` or a backtick as well, no quoting carries it: refused, nothing written.
    for value in ["o'hara\"x", r"o'hara\x", "o'hara$x", "o'hara`x"] {
        assert!(
            update_file(&ws.env_file, &[("K", value)]).is_err(),
            "{value}"
        );
    }
    assert_eq!(std::fs::read_to_string(&ws.env_file).unwrap(), contents);
}
