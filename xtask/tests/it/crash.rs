//! Crash safety of the env file: `token --force` killed with SIGKILL at any moment, ended by
//! SIGINT, SIGTERM or SIGHUP while it waits on the token endpoint, and many forced runs at once.
//!
//! SIGKILL cannot be caught, so no destructor or clean-up code runs: what the file holds then is
//! exactly what the atomic write guarantees. The contract promises the old file or the new one,
//! never a torn one, and nothing lost when runs overlap.
//!
//! The temporary file of the atomic write (`..env.goto-auth.XXXXXX.tmp`) exists only while the
//! new contents are written and renamed into place, never during the exchange. `token` installs
//! no handler for SIGINT, SIGTERM or SIGHUP, so their default action ends it at once, and during
//! the exchange that leaves nothing behind. A writer killed inside the write itself can leave the
//! temporary file: `tempfile` removes it on drop, which a signal's default action skips. The next
//! writer removes it under the lock, so leftovers never pile up: at most one is there after a
//! kill, and none after a run that ends.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustix::process::Signal;

use crate::support::*;

/// Enough lines that reading, editing and writing the file take most of a run (about 0.3 s in
/// a debug build), and few enough that 40 rounds stay within a few seconds of test time.
const FILLER_LINES: usize = 20_000;
/// How many runs are killed: half at delays spread evenly over a whole run, half at delays
/// spread over the write itself.
const KILL_ROUNDS: usize = 40;

/// The file's text without the lines of the keys `token` owns: everything `token` must keep.
fn without_token_lines(contents: &str) -> String {
    contents
        .split_inclusive('\n')
        .filter(|line| token_key(line).is_none())
        .collect()
}

/// The key a line assigns, if it is one of the keys `token` owns (which it writes as plain
/// `KEY=value` lines).
fn token_key(line: &str) -> Option<&'static str> {
    let key = line.split_once('=')?.0;
    TOKEN_KEYS.iter().copied().find(|k| *k == key)
}

/// The values of the token keys, read with dotenvy from the token lines alone (the rest of the
/// file is large and checked byte for byte elsewhere), in `TOKEN_KEYS` order.
fn token_values(contents: &str) -> Vec<(&'static str, String)> {
    let token_lines: String = contents
        .split_inclusive('\n')
        .filter(|line| token_key(line).is_some())
        .collect();
    let entries: Vec<(String, String)> = dotenvy::from_read_iter(token_lines.as_bytes())
        .collect::<Result<_, _>>()
        .expect("dotenvy reads the token lines");
    TOKEN_KEYS
        .iter()
        .filter_map(|key| {
            entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, value)| (*key, value.clone()))
        })
        .collect()
}

/// The `exp` claim of a sandbox-issued token, as the RFC 3339 instant `token` stores.
fn expiry_claim(token: &str) -> String {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("the payload is base64url");
    let claims: serde_json::Value = serde_json::from_slice(&json).expect("the claims are JSON");
    let exp = claims["exp"].as_u64().expect("exp is a number");
    let at = std::time::UNIX_EPOCH + Duration::from_secs(exp);
    goto_auth::blocks::format_instant(at)
}

/// Seconds between two RFC 3339 instants.
fn seconds_apart(a: &str, b: &str) -> u64 {
    let a = humantime::parse_rfc3339(a).expect("an RFC 3339 instant");
    let b = humantime::parse_rfc3339(b).expect("an RFC 3339 instant");
    a.duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap()
        .as_secs()
}

/// Checks that `now` is `previous` with one complete new token written in place: line for line
/// the same, except that each token key's line holds a new value, and the new values are one
/// token's: a token other than `previous`'s, the expiry the sandbox put into it, and the same
/// scope, principal and fingerprint.
#[track_caller]
fn assert_one_new_token(previous: &str, now: &str, round: usize) {
    let old_lines: Vec<&str> = previous.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = now.split_inclusive('\n').collect();
    assert_eq!(
        old_lines.len(),
        new_lines.len(),
        "round {round}: lines added or lost"
    );
    for (number, (old, new)) in old_lines.iter().zip(&new_lines).enumerate() {
        assert!(
            old == new || (token_key(old).is_some() && token_key(old) == token_key(new)),
            "round {round}: line {} changed, and it is not a token line",
            number + 1
        );
    }
    let old = token_values(previous);
    let new = token_values(now);
    assert_eq!(
        new.len(),
        TOKEN_KEYS.len(),
        "round {round}: token keys missing"
    );
    assert!(old[0].1 != new[0].1, "round {round}: no new token");
    assert!(
        seconds_apart(&expiry_claim(&new[0].1), &new[1].1) <= 2,
        "round {round}: the stored expiry belongs to another token"
    );
    for index in 2..TOKEN_KEYS.len() {
        assert_eq!(old[index], new[index], "round {round}");
    }
}

/// The names in `dir` other than the env file.
fn others_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != ".env")
        .collect()
}

/// The editor's temporary files in `dir`: `.` + the file's name + `.goto-auth.XXXXXX.tmp`.
fn temporary_files(dir: &Path) -> Vec<String> {
    others_in(dir)
        .into_iter()
        .filter(|name| name.starts_with("..env.") && name.ends_with(".tmp"))
        .collect()
}

/// How often the kill test looks for the temporary file.
const POLL: Duration = Duration::from_millis(1);

/// How long after the temporary file appears the odd rounds kill, at most: writing, syncing and
/// renaming a file of [`FILLER_LINES`] lines takes a few milliseconds.
const WRITE_WINDOW: Duration = Duration::from_millis(12);

#[test]
fn sigkill_at_any_moment_leaves_the_old_file_or_the_new_one() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let mut contents = ws.contents();
    for i in 0..FILLER_LINES {
        contents.push_str(&match i % 4 {
            0 => format!("FILLER_{i}=value_{i}\n"),
            1 => format!("export FILLER_{i}='two words {i}'\n"),
            2 => format!("# comment {i}\n"),
            _ => format!("FILLER_{i}=\"quoted {i}\" # trailing\n"),
        });
    }
    std::fs::write(&ws.env_file, &contents).unwrap();
    // A first run stores a token, so that every later run replaces the token lines in place.
    ws.xtask(&["token"]).run().assert_code(0);
    let kept = without_token_lines(&ws.contents());
    assert_eq!(kept, contents);
    let whole_run = ws.xtask(&["token", "--force"]).run();
    whole_run.assert_code(0);
    let run_time = whole_run.elapsed;

    // Even rounds are killed at delays spread over a whole run (reading, exchanging, editing,
    // writing, and a little after); odd rounds wait until the temporary file appears and are
    // killed at delays spread over the write itself.
    let half = KILL_ROUNDS / 2;
    let mut previous = ws.contents();
    let (mut killed, mut finished, mut changed, mut leftovers) = (0, 0, 0, 0);
    for round in 0..KILL_ROUNDS {
        let step = (round / 2) as f64 / (half - 1) as f64;
        let mut run = ws.xtask(&["token", "--force"]).spawn();
        if round % 2 == 0 {
            std::thread::sleep(run_time.mul_f64(1.2 * step));
        } else {
            let deadline = Instant::now() + run_time * 5;
            while temporary_files(ws.dir()).is_empty()
                && !run.has_exited()
                && Instant::now() < deadline
            {
                std::thread::sleep(POLL);
            }
            std::thread::sleep(WRITE_WINDOW.mul_f64(step));
        }
        run.kill();
        let run = run.wait();
        match run.code {
            -1 => killed += 1,
            0 => finished += 1,
            code => panic!("round {round}: exit code {code}\n{}", run.stderr),
        }
        let now = ws.contents();
        if now != previous {
            assert_one_new_token(&previous, &now, round);
            changed += 1;
        }
        assert_eq!(without_token_lines(&now), kept, "round {round}");
        let temporary = temporary_files(ws.dir());
        assert_eq!(
            others_in(ws.dir()),
            temporary,
            "round {round}: only a temporary file may be left"
        );
        assert!(
            temporary.len() <= usize::from(run.code == -1),
            "round {round}: {temporary:?} left by a run that {} (a writer removes what a killed \
             one left)",
            if run.code == -1 {
                "was killed"
            } else {
                "ended"
            }
        );
        leftovers += temporary.len();
        previous = now;
    }
    #[allow(clippy::print_stderr, reason = "the counts are the test's report")]
    {
        eprintln!(
            "{KILL_ROUNDS} rounds of `token --force` on a {FILLER_LINES}-line file (a whole run \
             took {run_time:?}): {killed} killed, {finished} finished, {changed} changed the \
             file, {leftovers} times a killed run's temporary file was there until the next run"
        );
    }
    assert!(killed > 0, "no run was killed: the delays are too long");
    // After all that, a run that ends writes one new token over whatever the kills left, and
    // the API accepts it.
    ws.xtask(&["token", "--force"]).run().assert_code(0);
    assert_one_new_token(&previous, &ws.contents(), KILL_ROUNDS);
    assert_eq!(
        temporary_files(ws.dir()),
        Vec::<String>::new(),
        "the last run cleaned up"
    );
    ws.xtask(&["api", "/identity/v1/Users/me"])
        .run()
        .assert_code(0);
}

/// The signals that end a run from a terminal (Ctrl-C), a CI runner or a process manager, and
/// a closed terminal or SSH session, with their numbers.
const STOP_SIGNALS: [(Signal, i32, &str); 3] = [
    (Signal::INT, 2, "SIGINT"),
    (Signal::TERM, 15, "SIGTERM"),
    (Signal::HUP, 1, "SIGHUP"),
];

/// How long the slow token endpoint keeps a run waiting: far longer than the test waits.
const SLOW_EXCHANGE: Duration = Duration::from_secs(60);

/// How long a run may take to reach the token endpoint on a busy machine.
const REACH_EXCHANGE: Duration = Duration::from_secs(30);

#[test]
fn sigint_sigterm_or_sighup_during_the_exchange_leave_the_file_as_it_was_and_nothing_beside_it() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let before = ws.contents();
    assert_eq!(others_in(ws.dir()), Vec::<String>::new());
    sandbox.set_route_latency("/oauth/token", SLOW_EXCHANGE);

    for (signal, number, name) in STOP_SIGNALS {
        let requests = token_requests(&sandbox);
        let mut run = ws.xtask(&["token", "--force"]).spawn();
        let deadline = Instant::now() + REACH_EXCHANGE;
        while token_requests(&sandbox) == requests {
            assert!(
                !run.has_exited(),
                "{name}: the run ended before its exchange"
            );
            assert!(
                Instant::now() < deadline,
                "{name}: no exchange after {REACH_EXCHANGE:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // The run holds the file's lock and waits on the token endpoint.
        assert_eq!(
            others_in(ws.dir()),
            Vec::<String>::new(),
            "{name}: no temporary file while the exchange waits"
        );
        run.signal(signal);
        let (run, ended_by) = run.wait_with_signal();
        assert_eq!(
            ended_by,
            Some(number),
            "{name}: the run ends by the signal\n{}",
            run.stderr
        );
        assert_eq!(ws.contents(), before, "{name}: the env file is unchanged");
        assert_eq!(
            others_in(ws.dir()),
            Vec::<String>::new(),
            "{name}: nothing is left beside the env file"
        );
    }

    // The lock went with each run: the next one stores a new token and leaves nothing either.
    sandbox.set_route_latency("/oauth/token", Duration::ZERO);
    ws.xtask(&["token", "--force"]).run().assert_code(0);
    assert_ne!(ws.contents(), before);
    assert_eq!(
        without_token_lines(&ws.contents()),
        without_token_lines(&before)
    );
    assert_eq!(others_in(ws.dir()), Vec::<String>::new());
}

#[test]
fn sixteen_forced_runs_at_once_lose_nothing_round_after_round() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let mut contents = ws.contents();
    for i in 0..200 {
        contents.push_str(&format!(
            "# note {i}\nexport OTHER_{i}='kept {i}' # mine\n\n"
        ));
    }
    std::fs::write(&ws.env_file, &contents).unwrap();

    for round in 0..3 {
        let exchanges_before = token_requests(&sandbox);
        let runs: Vec<Spawned> = (0..16)
            .map(|_| ws.xtask(&["token", "--force"]).spawn())
            .collect();
        for run in runs {
            run.wait().assert_code(0);
        }
        assert_eq!(token_requests(&sandbox), exchanges_before + 16);

        let after = ws.contents();
        assert_eq!(without_token_lines(&after), contents, "round {round}");
        for key in TOKEN_KEYS {
            let lines = after
                .lines()
                .filter(|line| line.starts_with(&format!("{key}=")))
                .count();
            assert_eq!(lines, 1, "round {round}: {key} once");
        }
        assert_eq!(others_in(ws.dir()), Vec::<String>::new(), "round {round}");
        // The stored token is one the sandbox issued and still accepts, with its own expiry.
        let values = token_values(&after);
        assert!(seconds_apart(&expiry_claim(&values[0].1), &values[1].1) <= 2);
        ws.xtask(&["api", "/identity/v1/Users/me"])
            .run()
            .assert_code(0);
        assert_eq!(
            token_requests(&sandbox),
            exchanges_before + 16,
            "round {round}: the stored token was valid"
        );
    }
}
