//! The `.env` editor against real files: permissions, symlinks, size, concurrent writers, clean
//! failure, and a property test of the lossless edit against a model of the expected output.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use goto_auth_core::{
    EditError, EnvFileError, LockedEnvFile, ParseHint, UnportableValue, Written, edit, read_file,
    render_value, update_file,
};
use proptest::prelude::*;

/// A temporary directory holding one env file, `.env`, with the given contents.
fn env_file(contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    fs::write(&path, contents).unwrap();
    (dir, path)
}

/// The names in `dir`, sorted, to check that nothing was left behind.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// What dotenvy itself (not our reader) finds in the file, first occurrence per key.
fn dotenvy_value(path: &Path, key: &str) -> Option<String> {
    dotenvy::from_path_iter(path)
        .unwrap()
        .map(Result::unwrap)
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

#[test]
fn ok_update_in_place_and_append() {
    let (dir, path) = env_file("# GoTo\nexport GOTO_PAT='pat'\nGOTO_ACCESS_TOKEN=old # cached\n");
    let written = update_file(
        &path,
        &[
            ("GOTO_ACCESS_TOKEN", "eyJ.new-token"),
            ("GOTO_TOKEN_SCOPE", "a.read b.write"),
        ],
    )
    .unwrap();
    assert_eq!(written, Written::Changed);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# GoTo\nexport GOTO_PAT='pat'\nGOTO_ACCESS_TOKEN=eyJ.new-token # cached\nGOTO_TOKEN_SCOPE='a.read b.write'\n"
    );
    assert_eq!(names_in(dir.path()), [".env"]);
}

/// The write after a decision under the lock (`parse`, then `write`, as a token exchange does)
/// reuses that reading; the file it writes is the one `update_file` writes, byte for byte, with a
/// byte order mark, a foreign line, duplicates and a `$` substitution in it.
#[test]
fn ok_write_after_parse_writes_what_update_file_writes() {
    let contents = "\u{feff}# app\nAPP_NAME=My App\nGOTO_ACCESS_TOKEN=old\nGOTO_ACCESS_TOKEN=dup\nURL=${GOTO_ACCESS_TOKEN}/x\n";
    let updates = [
        ("GOTO_ACCESS_TOKEN", "eyJ.new-token"),
        ("GOTO_TOKEN_SCOPE", "a.read b.write"),
    ];
    let (_dir, by_update) = env_file(contents);
    let (_dir2, by_parse) = env_file(contents);
    assert_eq!(update_file(&by_update, &updates).unwrap(), Written::Changed);
    let locked = LockedEnvFile::open(&by_parse).unwrap();
    let read = locked.parse().unwrap();
    assert_eq!(read.foreign_lines.len(), 1);
    assert_eq!(read.entries.len(), locked.parse().unwrap().entries.len());
    assert_eq!(locked.write(&updates).unwrap(), Written::Changed);
    assert_eq!(
        fs::read_to_string(&by_parse).unwrap(),
        fs::read_to_string(&by_update).unwrap()
    );
    let entries = read_file(&by_parse).unwrap();
    let first = entries.iter().find(|(k, _)| k == "GOTO_ACCESS_TOKEN");
    assert_eq!(first.map(|(_, v)| v.as_str()), Some("eyJ.new-token"));
}

/// A caller opens the file before a token exchange and writes after it: in between, while the
/// exchange may wait for seconds, no temporary file exists, so a process ended then by a signal's
/// default action leaves nothing behind. The open still tries the temporary file (it removes one
/// a killed writer left), and the write still replaces the file atomically.
#[test]
fn ok_no_temporary_file_exists_between_the_open_and_the_write() {
    let (dir, path) = env_file("GOTO_PAT=pat\n");
    fs::write(dir.path().join("..env.goto-auth.Ab12Cd.tmp"), "").unwrap();
    let inode = fs::metadata(&path).unwrap().ino();
    let locked = LockedEnvFile::open(&path).unwrap();
    assert_eq!(names_in(dir.path()), [".env"], "after the open");
    assert_eq!(
        locked.write(&[("GOTO_ACCESS_TOKEN", "eyJ.new")]).unwrap(),
        Written::Changed
    );
    assert_ne!(
        fs::metadata(&path).unwrap().ino(),
        inode,
        "replaced by a rename"
    );
    assert_eq!(names_in(dir.path()), [".env"], "after the write");

    // A missing file: the open creates it, and that is all it leaves until the write.
    let missing = dir.path().join("new.env");
    let locked = LockedEnvFile::open(&missing).unwrap();
    assert_eq!(names_in(dir.path()), [".env", "new.env"]);
    drop(locked);
    assert_eq!(names_in(dir.path()), [".env"], "dropped unwritten");
}

/// The open found that the directory can hold a temporary file; by the write it cannot (made
/// read-only meanwhile, read-only by intent even for root): the token is written in place
/// rather than lost.
#[test]
fn ok_a_directory_made_read_only_after_the_open_is_written_in_place() {
    let (dir, path) = env_file("GOTO_PAT=pat\n");
    let inode = fs::metadata(&path).unwrap().ino();
    let locked = LockedEnvFile::open(&path).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
    let written = locked.write(&[("GOTO_ACCESS_TOKEN", "eyJ.new")]);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(written.unwrap(), Written::ChangedInPlace);
    assert_eq!(fs::metadata(&path).unwrap().ino(), inode);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "GOTO_PAT=pat\nGOTO_ACCESS_TOKEN=eyJ.new\n"
    );
    assert_eq!(names_in(dir.path()), [".env"]);
}

/// The temporary file is made again by the write; when that fails after the open succeeded (here
/// the directory was moved away meanwhile), the write fails, says the file was left unchanged,
/// and leaves it so.
#[test]
fn err_a_temporary_file_the_write_cannot_make_leaves_the_file_unchanged() {
    let parent = tempfile::tempdir().unwrap();
    let (before, after) = (parent.path().join("app"), parent.path().join("moved"));
    fs::create_dir(&before).unwrap();
    let path = before.join(".env");
    fs::write(&path, "GOTO_PAT=pat\n").unwrap();
    let locked = LockedEnvFile::open(&path).unwrap();
    fs::rename(&before, &after).unwrap();
    let error = locked
        .write(&[("GOTO_ACCESS_TOKEN", "eyJ.new")])
        .unwrap_err();
    assert!(matches!(error, EnvFileError::Write { .. }), "{error:?}");
    let message = format!("{error}: {}", std::error::Error::source(&error).unwrap());
    assert!(
        message.contains("the temporary file of the atomic write could not be made")
            && message.contains("the file was left unchanged")
            && !message.contains("nothing was sent"),
        "{message}"
    );
    assert_eq!(
        fs::read_to_string(after.join(".env")).unwrap(),
        "GOTO_PAT=pat\n"
    );
    assert_eq!(names_in(&after), [".env"]);
}

#[test]
fn ok_unchanged_update_does_not_rewrite() {
    let (_dir, path) = env_file("K=v\n");
    let inode = fs::metadata(&path).unwrap().ino();
    assert_eq!(
        update_file(&path, &[("K", "v")]).unwrap(),
        Written::Unchanged
    );
    assert_eq!(fs::metadata(&path).unwrap().ino(), inode);
    // A real change replaces the file with a new inode (a rename, never an in-place write).
    assert_eq!(update_file(&path, &[("K", "w")]).unwrap(), Written::Changed);
    assert_ne!(fs::metadata(&path).unwrap().ino(), inode);
}

#[test]
fn ok_written_values_read_back_with_dotenvy() {
    let values = [
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln-_~+/=",
        "",
        "2026-12-01T07:12:00Z",
        "calls.v2.initiate identity: scim.me",
        "a#b",
        "a #b",
        "a$b",
        "a\"b",
        r"a\b",
        r"a\nb",
        " padded ",
        "Zoë ☃",
    ];
    let (_dir, path) = env_file("# values\n");
    for (index, value) in values.iter().enumerate() {
        let key = format!("K{index}");
        update_file(&path, &[(&key, value)]).unwrap();
        assert_eq!(
            dotenvy_value(&path, &key).as_deref(),
            Some(*value),
            "{value:?}"
        );
    }
    let read = read_file(&path).unwrap();
    let read_values: Vec<&str> = read.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(read_values, values);
}

#[test]
fn ok_keeps_mode_0600_and_0640() {
    for wanted in [0o600, 0o640] {
        let (_dir, path) = env_file("K=old\n");
        fs::set_permissions(&path, fs::Permissions::from_mode(wanted)).unwrap();
        update_file(&path, &[("K", "new")]).unwrap();
        assert_eq!(mode(&path), wanted);
        assert_eq!(fs::read_to_string(&path).unwrap(), "K=new\n");
    }
}

#[test]
fn ok_creates_missing_file_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    assert_eq!(
        update_file(&path, &[("GOTO_ACCESS_TOKEN", "t"), ("B", "x y")]).unwrap(),
        Written::Changed
    );
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "GOTO_ACCESS_TOKEN=t\nB='x y'\n"
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(names_in(dir.path()), [".env"]);
}

#[test]
fn ok_symlink_stays_a_link_and_its_target_is_updated() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.env");
    fs::write(&target, "K=old\n").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join(".env");
    symlink(&target, &link).unwrap();

    update_file(&link, &[("K", "new")]).unwrap();

    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), target);
    assert_eq!(fs::read_to_string(&target).unwrap(), "K=new\n");
    assert_eq!(mode(&target), 0o640);
    assert_eq!(names_in(dir.path()), [".env", "real.env"]);
}

#[test]
fn ok_relative_symlink_chain() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("linked")).unwrap();
    fs::create_dir(dir.path().join("project")).unwrap();
    let target = dir.path().join("linked/real.env");
    fs::write(&target, "A=1\nK=old").unwrap();
    // project/.env -> ../linked/hop.env -> real.env, each relative to its own directory.
    symlink("real.env", dir.path().join("linked/hop.env")).unwrap();
    let link = dir.path().join("project/.env");
    symlink("../linked/hop.env", &link).unwrap();

    update_file(&link, &[("K", "new")]).unwrap();

    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("../linked/hop.env")
    );
    assert_eq!(
        fs::read_link(dir.path().join("linked/hop.env")).unwrap(),
        Path::new("real.env")
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "A=1\nK=new");
    assert_eq!(
        names_in(&dir.path().join("linked")),
        ["hop.env", "real.env"]
    );
    assert_eq!(names_in(&dir.path().join("project")), [".env"]);
}

#[test]
fn ok_dangling_symlink_creates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join(".env");
    symlink("real.env", &link).unwrap();
    update_file(&link, &[("K", "v")]).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("real.env")).unwrap(),
        "K=v\n"
    );
    assert_eq!(mode(&dir.path().join("real.env")), 0o600);
}

#[test]
fn ok_large_file_is_updated_correctly_and_quickly() {
    let mut contents = String::new();
    for i in 0..20_000 {
        match i % 4 {
            0 => contents.push_str(&format!("# section {i}\n")),
            1 => contents.push_str(&format!("KEY_{i}=value_{i}\n")),
            2 => contents.push_str(&format!("export KEY_{i}='value {i}' # note\n")),
            _ => contents.push_str(&format!("KEY_{i}=\"line {i}\\nnext\"\n")),
        }
    }
    contents.push_str("GOTO_ACCESS_TOKEN=old\n");
    let (_dir, path) = env_file(&contents);

    let started = Instant::now();
    update_file(
        &path,
        &[
            ("KEY_10001", "middle"),
            ("GOTO_ACCESS_TOKEN", "new"),
            ("GOTO_TOKEN_SCOPE", "s"),
        ],
    )
    .unwrap();
    let elapsed = started.elapsed();

    let expected = contents
        .replace("KEY_10001=value_10001\n", "KEY_10001=middle\n")
        .replace(
            "GOTO_ACCESS_TOKEN=old\n",
            "GOTO_ACCESS_TOKEN=new\nGOTO_TOKEN_SCOPE=s\n",
        );
    assert!(fs::read_to_string(&path).unwrap() == expected);
    // Generous for a debug build on a busy machine; it takes a few tens of milliseconds.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[test]
fn ok_concurrent_writers_lose_nothing() {
    const WRITERS: usize = 8;
    const ROUNDS: usize = 20;
    let (dir, path) = env_file("# shared by all writers\nSHARED=1\n");

    thread::scope(|scope| {
        for writer in 0..WRITERS {
            let path = &path;
            scope.spawn(move || {
                let own = format!("WRITER_{writer}");
                let also = format!("WRITER_{writer}_ROUND");
                for round in 0..ROUNDS {
                    let value = format!("w{writer}r{round}");
                    update_file(path, &[(&own, &value), (&also, &round.to_string())]).unwrap();
                }
            });
        }
    });

    let entries = read_file(&path).unwrap();
    assert_eq!(entries.len(), 1 + 2 * WRITERS, "{entries:?}");
    for writer in 0..WRITERS {
        let own = format!("WRITER_{writer}");
        let also = format!("WRITER_{writer}_ROUND");
        let values = |key: &str| -> Vec<&str> {
            entries
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect()
        };
        assert_eq!(values(&own), [format!("w{writer}r{}", ROUNDS - 1)]);
        assert_eq!(values(&also), [(ROUNDS - 1).to_string()]);
    }
    assert_eq!(names_in(dir.path()), [".env"]);
}

#[test]
fn err_refused_updates_leave_the_file_byte_identical_and_nothing_behind() {
    let original = "\u{feff}# keep\r\nK = \"old\"  \r\nexport A=1";
    let (dir, path) = env_file(original);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let inode = fs::metadata(&path).unwrap().ino();

    let error = update_file(&path, &[("B", "fine"), ("K", "it's \"quoted\"")]).unwrap_err();
    assert!(
        matches!(
            &error,
            EnvFileError::Unportable { key, reason: UnportableValue::SingleQuote, .. } if key == "K"
        ),
        "{error:?}"
    );
    let error = update_file(&path, &[("1K", "v")]).unwrap_err();
    assert!(
        matches!(error, EnvFileError::InvalidKey { .. }),
        "{error:?}"
    );
    let error = update_file(&path, &[("K", "a\nb")]).unwrap_err();
    assert!(
        matches!(error, EnvFileError::Unportable { .. }),
        "{error:?}"
    );

    assert_eq!(fs::read(&path).unwrap(), original.as_bytes());
    assert_eq!(fs::metadata(&path).unwrap().ino(), inode);
    assert_eq!(mode(&path), 0o640);
    assert_eq!(names_in(dir.path()), [".env"]);
}

#[test]
fn err_unreadable_file_is_not_touched() {
    let original = "A=1\nGOTO_PAT=two words\n";
    let (dir, path) = env_file(original);
    let error = update_file(&path, &[("K", "v")]).unwrap_err();
    assert!(
        matches!(
            error,
            EnvFileError::Parse {
                line: 2,
                hint: ParseHint::UnquotedSpace,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), original);

    let not_utf8 = b"A=\xff\xfe\n";
    fs::write(&path, not_utf8).unwrap();
    let error = update_file(&path, &[("K", "v")]).unwrap_err();
    assert!(matches!(error, EnvFileError::NotUtf8 { .. }), "{error:?}");
    assert_eq!(fs::read(&path).unwrap(), not_utf8);
    assert_eq!(names_in(dir.path()), [".env"]);
}

#[test]
fn err_refused_update_of_a_missing_file_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    assert!(update_file(&path, &[("K", "${HOME}")]).is_err());
    assert!(update_file(&path, &[("K-1", "v")]).is_err());
    assert_eq!(names_in(dir.path()), Vec::<String>::new());
}

#[test]
fn err_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing/.env");
    let error = update_file(&path, &[("K", "v")]).unwrap_err();
    assert!(
        matches!(&error, EnvFileError::NotWritable { reason, .. } if reason == "its directory does not exist"),
        "{error:?}"
    );
}

#[test]
fn ok_read_file() {
    let (_dir, path) = env_file("\u{feff}# c\r\nB=1\r\nexport A='x y' # note\r\nB=\"two\nlines\"");
    let entries = read_file(&path).unwrap();
    assert_eq!(
        entries,
        [("B", "1"), ("A", "x y"), ("B", "two\nlines")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn err_read_file_names_the_line_and_not_the_secret() {
    let (_dir, path) =
        env_file("# comment\nGOTO_CLIENT_ID=id\n\nGOTO_CLIENT_SECRET=hunter2 s3cr3t\nGOTO_PAT=x\n");
    let error = read_file(&path).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            error,
            EnvFileError::Parse {
                line: 4,
                hint: ParseHint::UnquotedSpace,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(message.contains("line 4"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("single quotes"), "{message}");
    for secret in ["hunter2", "s3cr3t", "GOTO_CLIENT_SECRET"] {
        assert!(!message.contains(secret), "{message}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }
}

#[test]
fn err_read_file_unclosed_quote_names_the_opening_line() {
    let (_dir, path) = env_file("A=1\nB=\"secret-start\nC=2\nD=3\n");
    let error = read_file(&path).unwrap_err();
    assert!(
        matches!(
            error,
            EnvFileError::Parse {
                line: 2,
                hint: ParseHint::UnclosedQuote,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("secret-start"));
}

#[test]
fn err_read_file_missing_and_not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join(".env");
    let error = read_file(&missing).unwrap_err();
    assert!(matches!(error, EnvFileError::NotFound { .. }), "{error:?}");
    assert!(error.to_string().contains("does not exist"));

    fs::write(&missing, b"A=\xc3\x28\n").unwrap();
    assert!(matches!(
        read_file(&missing).unwrap_err(),
        EnvFileError::NotUtf8 { .. }
    ));
}

#[test]
fn ok_error_messages_never_carry_values() {
    let error = edit("K=1\n", &[("K", "p4ssw0rd'$")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot write K portably: the value contains a single quote (') together with a double quote, backslash, `$` or backtick, which no quoting lets dotenvy, python-dotenv and node's dotenv all read back"
    );
    assert!(!format!("{error:?}").contains("p4ssw0rd"));
}

// The lossless edit, as a property: generated files and updates against a model of the output.

/// A generated env file, kept as its parts so the test knows which text each key owns.
#[derive(Debug, Clone)]
struct File {
    bom: bool,
    line_ending: &'static str,
    final_newline: bool,
    lines: Vec<Line>,
}

#[derive(Debug, Clone)]
enum Line {
    /// Blank, or whitespace only.
    Blank(&'static str),
    /// A whole-line comment, possibly indented, possibly mentioning keys and quotes.
    Comment(String),
    Assignment(Assignment),
}

#[derive(Debug, Clone)]
struct Assignment {
    /// Indentation, `export ` prefix, the key and the spacing before `=`.
    head: String,
    key: &'static str,
    /// Spacing between `=` and the value.
    gap: &'static str,
    /// The value's text, quotes included, with [`BREAK`] for line breaks.
    value: String,
    /// What dotenvy reads the value as.
    read_as: String,
    /// Whitespace and a comment after the value.
    tail: &'static str,
}

const KEYS: &[&str] = &[
    "GOTO_ACCESS_TOKEN",
    "GOTO_ACCESS_TOKEN_EXPIRES_AT",
    "GOTO_PAT",
    "A",
    "a.b",
    "_X",
    "export",
];

/// Keys never in a generated file, so updates of them append.
const NEW_KEYS: &[&str] = &["GOTO_TOKEN_SCOPE", "NEW.key"];

impl File {
    fn body(&self, replace: &dyn Fn(&Assignment) -> Option<String>) -> String {
        let mut body = String::new();
        for (index, line) in self.lines.iter().enumerate() {
            if index > 0 {
                body.push_str(self.line_ending);
            }
            match line {
                Line::Blank(text) => body.push_str(text),
                Line::Comment(text) => body.push_str(text),
                Line::Assignment(assignment) => match replace(assignment) {
                    Some(rendered) => body.push_str(&rendered),
                    None => body.push_str(&assignment.text(self.line_ending)),
                },
            }
        }
        if self.final_newline && !self.lines.is_empty() {
            body.push_str(self.line_ending);
        }
        body
    }

    fn contents(&self) -> String {
        self.with_bom(self.body(&|_| None))
    }

    fn with_bom(&self, body: String) -> String {
        if self.bom {
            format!("\u{feff}{body}")
        } else {
            body
        }
    }

    fn keys(&self) -> impl Iterator<Item = &Assignment> {
        self.lines.iter().filter_map(|line| match line {
            Line::Assignment(assignment) => Some(assignment),
            _ => None,
        })
    }

    /// The expected result of `edit`: owned values replaced as documented, missing keys appended.
    fn expected(&self, updates: &[(&'static str, String)]) -> String {
        let rendered = |key: &str| {
            updates
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| render_value(v).unwrap())
        };
        // The file's line ending is that of its last line break, even one inside a value.
        let original = self.body(&|_| None);
        let line_ending = match original.rfind('\n') {
            Some(i) if original[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        let mut body = self.body(&|assignment| {
            let new = rendered(assignment.key)?;
            let gap = if new.is_empty() { "" } else { assignment.gap };
            Some(format!("{}={gap}{new}{}", assignment.head, assignment.tail))
        });
        let missing: Vec<_> = updates
            .iter()
            .filter(|(key, _)| self.keys().all(|a| a.key != *key))
            .collect();
        let ends_open = !body.is_empty() && !body.ends_with('\n');
        for (key, value) in missing {
            let line = format!("{key}={}", render_value(value).unwrap());
            if ends_open {
                body.push_str(line_ending);
                body.push_str(&line);
            } else {
                body.push_str(&line);
                body.push_str(line_ending);
            }
        }
        self.with_bom(body)
    }
}

impl Assignment {
    fn text(&self, line_ending: &str) -> String {
        let value = self.value.replace(BREAK, line_ending);
        format!("{}={}{value}{}", self.head, self.gap, self.tail)
    }
}

fn text_from(
    alphabet: &'static [&'static str],
    len: std::ops::Range<usize>,
) -> BoxedStrategy<String> {
    prop::collection::vec(prop::sample::select(alphabet), len)
        .prop_map(|pieces| pieces.concat())
        .boxed()
}

/// Stands for a line break inside a quoted value; it becomes the file's line ending, which dotenvy
/// then reads as part of the value.
const BREAK: char = '⏎';

/// A value's text and what dotenvy reads it as, with [`BREAK`] for line breaks.
fn value() -> impl Strategy<Value = (String, String)> {
    const BARE: &[&str] = &[
        "a", "Z", "0", "_", ".", "/", ":", "@", "+", "=", "-", "é", "☃",
    ];
    const SINGLE: &[&str] = &["a", " ", "#", "$", "\"", "=", "é", "\\", "⏎", "x"];
    const DOUBLE: &[&str] = &["a", " ", "#", "'", "=", "☃", "⏎", "x"];
    const DOUBLE_ESCAPES: &[(&str, &str)] = &[("\\n", "\n"), ("\\\"", "\""), ("\\\\", "\\")];
    prop_oneof![
        1 => Just((String::new(), String::new())),
        3 => (text_from(BARE, 1..10), text_from(&["#", "a"], 0..2))
            .prop_map(|(bare, tail)| (format!("{bare}{tail}"), format!("{bare}{tail}"))),
        // No backslash right before the closing quote: dotenvy's reader would skip the quote.
        2 => text_from(SINGLE, 0..10).prop_map(|text| {
            let text = if text.ends_with('\\') { format!("{text}x") } else { text };
            (format!("'{text}'"), text)
        }),
        2 => prop::collection::vec(
            prop_oneof![
                3 => prop::sample::select(DOUBLE).prop_map(|c| (c.to_owned(), c.to_owned())),
                1 => prop::sample::select(DOUBLE_ESCAPES)
                    .prop_map(|(raw, read)| (raw.to_owned(), read.to_owned())),
            ],
            0..8,
        )
        .prop_map(|pieces| {
            let raw: String = pieces.iter().map(|(raw, _)| raw.as_str()).collect();
            let read: String = pieces.iter().map(|(_, read)| read.as_str()).collect();
            (format!("\"{raw}\""), read)
        }),
    ]
}

fn assignment() -> impl Strategy<Value = Assignment> {
    (
        prop::sample::select(&["", "  ", "\t"][..]),
        prop::sample::select(&["", "export ", "export  "][..]),
        prop::sample::select(KEYS),
        prop::sample::select(&["", " ", "  "][..]),
        prop::sample::select(&["", " ", "\t"][..]),
        value(),
        // One whitespace character before `#` makes dotenvy's reader cut the comment off, so
        // quotes are safe there; after two, they would open a quote.
        prop::sample::select(&["", "  ", " # note", "\t# it's \"mine\"", "  # K=old ☃"][..]),
    )
        .prop_map(
            |(indent, export, key, before_equals, gap, (value, read_as), tail)| {
                // An empty value takes no spacing after `=`: `K= # c` is read the same either way,
                // and the model would have to follow where the new value goes.
                let gap = if value.is_empty() { "" } else { gap };
                // `export =1` is an assignment to `export`, but `export export =1` is too, and
                // `export  =1` with a prefix would not parse; keep the prefix off that key.
                let export = if key == "export" { "" } else { export };
                Assignment {
                    head: format!("{indent}{export}{key}{before_equals}"),
                    key,
                    gap,
                    value,
                    read_as,
                    tail,
                }
            },
        )
}

fn file() -> impl Strategy<Value = File> {
    const COMMENT: &[&str] = &[
        "#",
        " ",
        "K=old",
        "GOTO_ACCESS_TOKEN=x",
        "'",
        "\"",
        "\\",
        "é",
        "☃",
    ];
    let line = prop_oneof![
        1 => prop::sample::select(&["", "  ", "\t\t"][..]).prop_map(Line::Blank),
        2 => (prop::sample::select(&["", "  "][..]), text_from(COMMENT, 0..6))
            .prop_map(|(indent, text)| Line::Comment(format!("{indent}#{text}"))),
        5 => assignment().prop_map(Line::Assignment),
    ];
    (
        any::<bool>(),
        prop::sample::select(&["\n", "\r\n"][..]),
        any::<bool>(),
        prop::collection::vec(line, 0..12),
    )
        .prop_map(|(bom, line_ending, final_newline, lines)| File {
            bom,
            line_ending,
            final_newline,
            lines,
        })
}

/// Updates of present and missing keys, now and then with a value no encoding carries portably.
fn updates() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let key = prop_oneof![3 => prop::sample::select(KEYS), 1 => prop::sample::select(NEW_KEYS)];
    let value = prop_oneof![
        6 => "[A-Za-z0-9._~+/=-]{0,12}",
        3 => "[a-z #$\"\\\\:@é]{0,8}",
        1 => prop::sample::select(&["it's", "${HOME}", "a\\\\b", "end\\", "a\nb", "\t"][..])
            .prop_map(str::to_owned),
    ];
    prop::collection::vec((key, value), 0..4)
}

/// Merges repeated keys as `edit` documents: the last value, in the position of the first.
fn merged(updates: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut merged: Vec<(&'static str, String)> = Vec::new();
    for (key, value) in updates {
        match merged.iter_mut().find(|(k, _)| k == key) {
            Some(earlier) => earlier.1 = value.clone(),
            None => merged.push((key, value.clone())),
        }
    }
    merged
}

fn dotenvy_entries(contents: &str) -> Vec<(String, String)> {
    let body = contents.strip_prefix('\u{feff}').unwrap_or(contents);
    dotenvy::from_read_iter(body.as_bytes())
        .collect::<Result<_, _>>()
        .expect("dotenvy reads the file")
}

proptest! {
    // Failures are not saved under `proptest-regressions/`: each one found is kept as a plain
    // test instead (see `ok_edit_property_regressions` in the unit tests).
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn prop_edit_is_lossless(file in file(), updates in updates()) {
        let contents = file.contents();
        // The generator only makes files dotenvy reads, with the values it meant.
        let before = dotenvy_entries(&contents);
        let expected_before: Vec<(String, String)> = file
            .keys()
            .map(|a| (a.key.to_owned(), a.read_as.replace(BREAK, file.line_ending)))
            .collect();
        prop_assert_eq!(&before, &expected_before);

        let borrowed: Vec<(&str, &str)> = updates.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let merged = merged(&updates);
        let result = edit(&contents, &borrowed);
        if let Some((key, _)) = updates.iter().find(|(_, v)| render_value(v).is_err()) {
            // The first unportable value is refused, and nothing is produced.
            let refused = matches!(&result, Err(EditError::Unportable { key: k, .. }) if k == key);
            prop_assert!(refused, "{:?}", result);
            return Ok(());
        }
        let edited = result.unwrap();

        // Byte for byte: everything not owned by an updated key is unchanged.
        prop_assert_eq!(&edited, &file.expected(&merged));

        // Every reader-visible value is as intended: updated keys everywhere, others as before.
        let after = dotenvy_entries(&edited);
        let new_value = |key: &str| merged.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
        let appended = merged.iter().filter(|(key, _)| file.keys().all(|a| a.key != *key));
        let expected_after: Vec<(String, String)> = before
            .iter()
            .map(|(key, old)| (key.clone(), new_value(key).unwrap_or_else(|| old.clone())))
            .chain(appended.map(|(key, value)| ((*key).to_owned(), value.clone())))
            .collect();
        prop_assert_eq!(after, expected_after);

        // Editing again with the same updates changes nothing.
        prop_assert_eq!(edit(&edited, &borrowed).unwrap(), edited);
    }
}
