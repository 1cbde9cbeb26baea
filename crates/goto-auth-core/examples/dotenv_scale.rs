//! How `goto_auth_core::update_file` scales with the size of the env file (benchmark #5).
//!
//! ```console
//! $ cargo build --release --example dotenv_scale -p goto-auth
//! $ target/release/examples/dotenv_scale 10000 15
//! lines=10000 bytes=… reps=15 median_ns=… min_ns=… floor_median_ns=… vm_hwm_kb=… vm_rss_start_kb=…
//! ```
//!
//! It writes a file of N lines (comments, blank lines, `export`, quoted and bare assignments) that
//! already holds the five token keys, then times `update_file` setting those five keys, with
//! values that alternate so that every repetition really rewrites the file (locked read, edit,
//! read-back check, temporary file, fsync, rename, directory fsync). `floor` is the same bytes
//! read, written to a temporary file, fsynced and renamed with std alone: the cost no editor can
//! avoid. Peak memory is the process's `VmHWM` at the end. Run by `benches/run.py`; not a test.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use goto_auth_core::keys;
use goto_auth_core::{Written, update_file};

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: dotenv_scale LINES [REPS]");
    let reps: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(15);
    let rss_start = status_kb("VmRSS");

    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(".env");
    fs::write(&path, generate(lines)).expect("write the generated file");
    let bytes = fs::metadata(&path).expect("metadata").len();

    let token_a = format!("eyJhbGciOiJub25lIn0.{}.sigA", "a".repeat(900));
    let token_b = format!("eyJhbGciOiJub25lIn0.{}.sigB", "b".repeat(900));
    let mut times = Vec::with_capacity(reps);
    for rep in 0..=reps {
        let (token, expires) = if rep % 2 == 0 {
            (&token_a, "2026-12-01T08:00:00Z")
        } else {
            (&token_b, "2026-12-01T09:00:00Z")
        };
        let updates = [
            (keys::ACCESS_TOKEN, token.as_str()),
            (keys::ACCESS_TOKEN_EXPIRES_AT, expires),
            (keys::TOKEN_SCOPE, "identity:scim.me identity: collab:"),
            (keys::TOKEN_PRINCIPAL, "dana.admin@example.test"),
            (keys::TOKEN_MINTED_FOR, "v1-8ac85bb3a3b93e11"),
        ];
        let started = Instant::now();
        let written = update_file(&path, &updates).expect("update_file");
        let elapsed = started.elapsed();
        assert_eq!(written, Written::Changed, "every repetition must rewrite");
        // The first call warms the page cache and the allocator; it is not counted.
        if rep > 0 {
            times.push(elapsed.as_nanos());
        }
    }
    assert_eq!(
        fs::read_to_string(&path)
            .expect("read back")
            .lines()
            .count(),
        lines,
        "the token keys were updated in place, no line was added"
    );

    let mut floor = Vec::with_capacity(reps);
    for _ in 0..reps {
        let started = Instant::now();
        plain_rewrite(&path);
        floor.push(started.elapsed().as_nanos());
    }

    println!(
        "lines={lines} bytes={bytes} reps={reps} median_ns={} min_ns={} floor_median_ns={} \
         vm_hwm_kb={} vm_rss_start_kb={}",
        median(&mut times),
        times.iter().min().copied().unwrap_or_default(),
        median(&mut floor),
        status_kb("VmHWM"),
        rss_start,
    );
}

/// A plausible large env file of exactly `lines` lines, the five token keys spread through it
/// (the first near the top, the last at the very end).
fn generate(lines: usize) -> String {
    assert!(lines >= 20, "at least 20 lines");
    let token_at: Vec<usize> = (0..5).map(|i| 5 + i * (lines - 6) / 4).collect();
    let mut text = String::with_capacity(lines * 40);
    for n in 0..lines {
        if let Some(k) = token_at.iter().position(|&at| at == n) {
            let _ = writeln!(text, "{}=placeholder", keys::TOKEN_KEYS[k]);
            continue;
        }
        let _ = match n % 10 {
            0 => writeln!(text, "# section {n}: settings of service {}", n / 10),
            1 => writeln!(text),
            2 => writeln!(text, "export SERVICE_{n}_HOST=host-{n}.internal.example"),
            3 => writeln!(text, "SERVICE_{n}_NAME='Service number {n}'"),
            4 => writeln!(text, "SERVICE_{n}_DSN=\"postgres://u:p@db/{n}\""),
            _ => writeln!(text, "SERVICE_{n}_VALUE=value-{n}-abcdefghijklmnop"),
        };
    }
    text
}

/// Read, write a temporary file, fsync, rename, fsync the directory: std alone.
fn plain_rewrite(path: &Path) {
    let contents = fs::read(path).expect("read");
    let dir = path.parent().expect("parent");
    let tmp = dir.join(".env.floor.tmp");
    let mut file = fs::File::create(&tmp).expect("create");
    file.write_all(&contents).expect("write");
    file.sync_all().expect("fsync");
    fs::rename(&tmp, path).expect("rename");
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .expect("fsync dir");
}

fn median(values: &mut [u128]) -> u128 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// A `kB` field of /proc/self/status (0 where there is none).
fn status_kb(field: &str) -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix(field)?
                    .strip_prefix(':')?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}
