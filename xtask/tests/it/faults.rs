//! The fault matrix: every way GoTo, a proxy in front of it or the network can fail, met by
//! `token`, `smoke` and `api`, through the real binary and the sandbox.
//!
//! Each cell runs one command against a fresh sandbox with one fault queued, and checks what a
//! user sees: the contract's exit code, a message that names the cause, a run time within the
//! bound the retry policy and `--timeout` promise, the number of requests the retry policy
//! allows, an env file that a failed run left byte for byte as it was, no file left beside it,
//! and (through the harness's scanner) no secret in the output. Transient faults must be retried
//! away; persistent ones must be explained after at most four attempts; answers that asking
//! again cannot fix must not be retried at all.
//!
//! The cells are independent (each has its own sandbox and env file) and spend most of their
//! time waiting on backoff, `Retry-After` or a timeout, so they run a few at a time.
//!
//! `docs/fault-matrix.md` is this matrix as a table, written by the same test:
//! `FAULT_MATRIX_OUT=docs/fault-matrix.md cargo test -p xtask --test it fault_matrix`
//! (a relative path is taken from the workspace root).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use goto_sandbox::{Fault, FaultKind};

use crate::support::*;

/// A JWT-shaped access token that injected token answers carry. Every run's scanner looks for
/// it: a broken answer that still holds a token must not get that token printed.
const INJECTED_TOKEN: &str =
    "eyJhbGciOiJSUzUxMiJ9.eyJzYyI6ImlkZW50aXR5OiIsInN1YiI6IjEifQ.c2lnbmF0dXJlLW9mLWEtdG9rZW4";

const TOKEN_PATH: &str = "/oauth/token";
/// The API call `smoke --only users_me` and `api` make.
const API_PATH: &str = "/identity/v1/Users/me";

/// How many cells run at once: enough to overlap their waiting, few enough for two cores.
const PARALLEL_CELLS: usize = 6;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Token,
    Smoke,
    Api,
}

const COMMANDS: [Command; 3] = [Command::Token, Command::Smoke, Command::Api];

impl Command {
    fn name(self) -> &'static str {
        match self {
            Command::Token => "token",
            Command::Smoke => "smoke",
            Command::Api => "api",
        }
    }

    fn args(self) -> &'static [&'static str] {
        match self {
            Command::Token => &["token"],
            Command::Smoke => &["smoke", "--only", "users_me"],
            Command::Api => &["api", API_PATH],
        }
    }
}

/// Which request a fault hits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The request the command exists for: the exchange for `token`, and for `smoke` and `api`
    /// their GET of `/identity/v1/Users/me` with a token the env file already holds.
    MainRequest,
    /// The exchange, for every command: `smoke` and `api` then start without a stored token, so
    /// the broken token answer reaches them too.
    Exchange,
}

/// Whether a fault's answer stands in for a token answer or an API answer, so that bodies can
/// look like what each endpoint would plausibly send.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Token,
    Api,
}

/// What one command must show for one fault.
struct Expect {
    code: i32,
    /// Text stderr must contain; the first one also picks the line the table quotes.
    says: &'static [&'static str],
    /// Text stdout must contain (`api` prints the answer there).
    prints: &'static str,
}

/// The run gets past the fault and succeeds, saying what it retried.
const fn recovers(says: &'static [&'static str]) -> Expect {
    Expect {
        code: 0,
        says,
        prints: "",
    }
}

/// `api` succeeds and prints the answer it got.
const fn prints(prints: &'static str, says: &'static [&'static str]) -> Expect {
    Expect {
        code: 0,
        says,
        prints,
    }
}

/// The run fails with exit 1 and a message naming the cause.
const fn fails(says: &'static [&'static str]) -> Expect {
    Expect {
        code: 1,
        says,
        prints: "",
    }
}

/// One fault, and what each command must make of it.
struct Row {
    fault: &'static str,
    target: Target,
    kind: fn(Endpoint) -> FaultKind,
    /// How many requests the fault hits: 1 or 2 for a transient fault, 4 (every attempt the
    /// retry policy allows) for a persistent one.
    times: usize,
    /// `--timeout`, in seconds.
    timeout: u64,
    /// Requests to the faulted path the run must make.
    attempts: usize,
    /// The least a run may take: a `Retry-After` that must have been honoured.
    at_least: Duration,
    /// The most a run may take.
    at_most: Duration,
    token: Expect,
    smoke: Expect,
    api: Expect,
}

impl Row {
    fn expect(&self, command: Command) -> &Expect {
        match command {
            Command::Token => &self.token,
            Command::Smoke => &self.smoke,
            Command::Api => &self.api,
        }
    }
}

fn respond(status: u16, content_type: &str, body: &[u8], retry_after: Option<String>) -> FaultKind {
    FaultKind::Respond {
        status,
        content_type: Some(content_type.to_owned()),
        body: body.to_vec(),
        retry_after,
    }
}

fn too_many_requests(retry_after: Option<String>) -> FaultKind {
    respond(
        429,
        "application/json",
        br#"{"errorCode":"TOO_MANY_REQUESTS","message":"Too many requests"}"#,
        retry_after,
    )
}

/// A 200 token answer with these fields.
fn token_answer(fields: &str) -> FaultKind {
    respond(200, "application/json", fields.as_bytes(), None)
}

const NGINX_502: &[u8] = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const CAPTIVE_PORTAL: &[u8] = b"<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head><body><h1>Welcome!</h1><p>Accept the terms to continue.</p></body></html>";

const SECOND: Duration = Duration::from_secs(1);
/// Four attempts with full-jitter backoff wait at most 0.5 + 1 + 2 s between them.
const RETRIES: Duration = Duration::from_millis(3500);
/// Room for starting the binary and the sandbox's answers on a busy machine.
const SLACK: Duration = Duration::from_secs(5);

const fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

fn rows() -> Vec<Row> {
    let answered_429 = &["answered 429; retrying in"];
    vec![
        Row {
            fault: "429, `Retry-After: 1` (seconds), once",
            target: Target::MainRequest,
            kind: |_| too_many_requests(Some("1".into())),
            times: 1,
            timeout: 10,
            attempts: 2,
            at_least: SECOND,
            at_most: secs(1) + SLACK,
            token: recovers(&["answered 429; retrying in 1.0 s"]),
            smoke: recovers(&["answered 429; retrying in 1.0 s", "1 ok"]),
            api: prints("userName", &["answered 429; retrying in 1.0 s"]),
        },
        Row {
            fault: "429, `Retry-After` as an HTTP date 3 s ahead, once",
            target: Target::MainRequest,
            kind: |_| {
                let at = SystemTime::now() + secs(3);
                too_many_requests(Some(httpdate::fmt_http_date(at)))
            },
            times: 1,
            timeout: 10,
            attempts: 2,
            // The date has whole seconds, and the request leaves a moment after it was made:
            // the wait is a little over 1 s at the least, far above the first backoff's 0.5 s.
            at_least: SECOND,
            at_most: secs(3) + SLACK,
            token: recovers(answered_429),
            smoke: recovers(&["answered 429; retrying in", "1 ok"]),
            api: prints("userName", answered_429),
        },
        Row {
            fault: "429 without `Retry-After`, once",
            target: Target::MainRequest,
            kind: |_| too_many_requests(None),
            times: 1,
            timeout: 10,
            attempts: 2,
            at_least: Duration::ZERO,
            at_most: Duration::from_millis(500) + SLACK,
            token: recovers(answered_429),
            smoke: recovers(&["answered 429; retrying in", "1 ok"]),
            api: prints("userName", answered_429),
        },
        Row {
            fault: "429, `Retry-After: 3600` (over the 30 s cap)",
            target: Target::MainRequest,
            kind: |_| too_many_requests(Some("3600".into())),
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["answered 429", "asks to wait 3600 s"]),
            smoke: fails(&[
                "users_me",
                "TOO_MANY_REQUESTS: Too many requests",
                "did not pass",
            ]),
            api: fails(&["answered 429", "TOO_MANY_REQUESTS: Too many requests"]),
        },
        Row {
            fault: "500 JSON, once",
            target: Target::MainRequest,
            kind: |_| {
                respond(
                    500,
                    "application/json",
                    br#"{"errorCode":"INTERNAL_ERROR","message":"Internal Server Error"}"#,
                    None,
                )
            },
            times: 1,
            timeout: 10,
            attempts: 2,
            at_least: Duration::ZERO,
            at_most: Duration::from_millis(500) + SLACK,
            token: recovers(&["answered 500; retrying in"]),
            smoke: recovers(&["answered 500; retrying in", "1 ok"]),
            api: prints("userName", &["answered 500; retrying in"]),
        },
        Row {
            fault: "502 nginx HTML page, on every attempt",
            target: Target::MainRequest,
            kind: |_| respond(502, "text/html", NGINX_502, None),
            times: 4,
            timeout: 10,
            attempts: 4,
            at_least: Duration::ZERO,
            at_most: RETRIES + SLACK,
            token: fails(&[
                "answered 502 with text/html instead of JSON",
                "502 Bad Gateway nginx",
            ]),
            smoke: fails(&["users_me", "502 Bad Gateway nginx", "did not pass"]),
            api: fails(&["answered 502", "502 Bad Gateway nginx"]),
        },
        Row {
            fault: "503 plain text, twice",
            target: Target::MainRequest,
            kind: |_| respond(503, "text/plain", b"Service Unavailable", None),
            times: 2,
            timeout: 10,
            attempts: 3,
            at_least: Duration::ZERO,
            at_most: Duration::from_millis(1500) + SLACK,
            token: recovers(&["answered 503; retrying in"]),
            smoke: recovers(&["answered 503; retrying in", "1 ok"]),
            api: prints("userName", &["answered 503; retrying in"]),
        },
        Row {
            fault: "504 JSON, on every attempt",
            target: Target::MainRequest,
            kind: |_| {
                respond(
                    504,
                    "application/json",
                    br#"{"message":"Endpoint request timed out"}"#,
                    None,
                )
            },
            times: 4,
            timeout: 10,
            attempts: 4,
            at_least: Duration::ZERO,
            at_most: RETRIES + SLACK,
            token: fails(&["answered 504", "Endpoint request timed out"]),
            smoke: fails(&["users_me", "Endpoint request timed out", "did not pass"]),
            api: fails(&["answered 504", "Endpoint request timed out"]),
        },
        Row {
            fault: "200 with an HTML page (a captive portal)",
            target: Target::MainRequest,
            kind: |_| respond(200, "text/html; charset=utf-8", CAPTIVE_PORTAL, None),
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&[
                "answered 200 with text/html; charset=utf-8 instead of JSON",
                "Hotel Wi-Fi Welcome!",
            ]),
            smoke: fails(&[
                "users_me",
                "text/html; charset=utf-8 instead of JSON",
                "Hotel Wi-Fi Welcome!",
                "did not pass",
            ]),
            api: fails(&[
                "answered 200 with text/html; charset=utf-8 instead of JSON",
                "Hotel Wi-Fi Welcome!",
            ]),
        },
        Row {
            fault: "truncated body (half, then the connection closes), on every attempt",
            target: Target::MainRequest,
            kind: |_| FaultKind::Truncate,
            times: 4,
            timeout: 10,
            attempts: 4,
            at_least: Duration::ZERO,
            at_most: RETRIES + SLACK,
            token: fails(&["the connection to", "failed (the answer broke off"]),
            smoke: fails(&["users_me", "failed (the answer broke off", "did not pass"]),
            api: fails(&["the connection to", "failed (the answer broke off"]),
        },
        Row {
            fault: "connection dropped without an answer, on every attempt",
            target: Target::MainRequest,
            kind: |_| FaultKind::Drop,
            times: 4,
            timeout: 10,
            attempts: 4,
            at_least: Duration::ZERO,
            at_most: RETRIES + SLACK,
            token: fails(&["failed (connection closed before message completed)"]),
            smoke: fails(&["users_me", "connection closed before message completed"]),
            api: fails(&["failed (connection closed before message completed)"]),
        },
        Row {
            fault: "slow headers (3 s) with `--timeout 1`, on every attempt",
            target: Target::MainRequest,
            kind: |_| FaultKind::Delay(secs(3)),
            times: 4,
            timeout: 1,
            attempts: 4,
            at_least: secs(4),
            at_most: secs(4) + RETRIES + SLACK,
            token: fails(&["no answer from", "within 1 s", "--timeout"]),
            smoke: fails(&["users_me", "within 1 s", "did not pass"]),
            api: fails(&["no answer from", "within 1 s", "--timeout"]),
        },
        Row {
            fault: "slow body (10 pieces, 0.3 s apart) with `--timeout 1`, on every attempt",
            target: Target::MainRequest,
            kind: |_| FaultKind::SlowBody(Duration::from_millis(300)),
            times: 4,
            timeout: 1,
            attempts: 4,
            at_least: secs(4),
            at_most: secs(4) + RETRIES + SLACK,
            token: fails(&["no answer from", "within 1 s", "--timeout"]),
            smoke: fails(&["users_me", "within 1 s", "did not pass"]),
            api: fails(&["no answer from", "within 1 s", "--timeout"]),
        },
        Row {
            fault: "oversized body (4 GiB of JSON, chunked)",
            target: Target::MainRequest,
            kind: |_| FaultKind::Oversized(4 << 30),
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["larger than 8388608 bytes", "refusing to read it"]),
            smoke: fails(&["users_me", "larger than 8388608 bytes", "did not pass"]),
            api: fails(&["larger than 8388608 bytes", "refusing to read it"]),
        },
        Row {
            fault: "200 with malformed JSON (cut off)",
            target: Target::MainRequest,
            kind: |endpoint| match endpoint {
                Endpoint::Token => token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer","expires_in":36"#
                )),
                Endpoint::Api => token_answer(r#"{"id":"3392217998392035586","userName":"#),
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["answered 200 with malformed JSON", "[redacted]"]),
            smoke: fails(&["users_me", "the answer is malformed JSON", "did not pass"]),
            api: fails(&["answered 200 with malformed JSON"]),
        },
        Row {
            fault: "200 with a body that is not UTF-8",
            target: Target::MainRequest,
            kind: |endpoint| {
                let mut body = match endpoint {
                    Endpoint::Token => format!(
                        r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer","expires_in":3600,"principal":"j"#
                    )
                    .into_bytes(),
                    Endpoint::Api => br#"{"userName":"j"#.to_vec(),
                };
                // "ürgen" in Latin-1: 0xFC is never valid UTF-8.
                body.extend_from_slice(b"\xfcrgen@example.test\"}");
                respond(200, "application/json", &body, None)
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["answered 200 with malformed JSON", "[redacted]"]),
            smoke: fails(&["users_me", "the answer is malformed JSON", "did not pass"]),
            api: fails(&["answered 200 with malformed JSON"]),
        },
        Row {
            fault: "token answer without `access_token`",
            target: Target::Exchange,
            kind: |_| token_answer(r#"{"token_type":"Bearer","expires_in":3600}"#),
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["access_token is missing or empty"]),
            smoke: fails(&["access_token is missing or empty"]),
            api: fails(&["access_token is missing or empty"]),
        },
        Row {
            fault: "token answer with `token_type` \"mac\"",
            target: Target::Exchange,
            kind: |_| {
                token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"mac","expires_in":3600}}"#
                ))
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&[r#"token_type is "mac", not "Bearer""#]),
            smoke: fails(&[r#"token_type is "mac", not "Bearer""#]),
            api: fails(&[r#"token_type is "mac", not "Bearer""#]),
        },
        Row {
            fault: "token answer without `expires_in`",
            target: Target::Exchange,
            kind: |_| {
                token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer"}}"#
                ))
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["expires_in is missing"]),
            smoke: fails(&["expires_in is missing"]),
            api: fails(&["expires_in is missing"]),
        },
        Row {
            fault: "token answer with `expires_in: 0`",
            target: Target::Exchange,
            kind: |_| {
                token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer","expires_in":0}}"#
                ))
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["expires_in is 0, not a positive number of seconds"]),
            smoke: fails(&["expires_in is 0, not a positive number of seconds"]),
            api: fails(&["expires_in is 0, not a positive number of seconds"]),
        },
        Row {
            fault: "token answer with `expires_in: -60`",
            target: Target::Exchange,
            kind: |_| {
                token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer","expires_in":-60}}"#
                ))
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["expires_in is -60, not a positive number of seconds"]),
            smoke: fails(&["expires_in is -60, not a positive number of seconds"]),
            api: fails(&["expires_in is -60, not a positive number of seconds"]),
        },
        Row {
            fault: "token answer with `expires_in: \"3600\"` (a string)",
            target: Target::Exchange,
            kind: |_| {
                token_answer(&format!(
                    r#"{{"access_token":"{INJECTED_TOKEN}","token_type":"Bearer","expires_in":"3600"}}"#
                ))
            },
            times: 1,
            timeout: 10,
            attempts: 1,
            at_least: Duration::ZERO,
            at_most: SLACK,
            token: fails(&["expires_in is a string, not a number of seconds"]),
            smoke: fails(&["expires_in is a string, not a number of seconds"]),
            api: fails(&["expires_in is a string, not a number of seconds"]),
        },
    ]
}

/// What one cell came to.
struct Cell {
    row: usize,
    command: Command,
    code: i32,
    elapsed: Duration,
    attempts: usize,
    /// The stderr line the table quotes, with the sandbox's port and the temporary path made
    /// stable.
    excerpt: String,
    /// Every way the cell missed its expectation.
    problems: Vec<String>,
}

fn requests_to(sandbox: &Sandbox, path: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .count()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the workspace directory")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn run_cell(index: usize, row: &Row, command: Command) -> Cell {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let path = match (row.target, command) {
        (Target::MainRequest, Command::Smoke | Command::Api) => {
            // The fault is meant for the API call: store a token first.
            ws.xtask(&["token"]).run().assert_code(0);
            API_PATH
        }
        _ => TOKEN_PATH,
    };
    let endpoint = if path == TOKEN_PATH {
        Endpoint::Token
    } else {
        Endpoint::Api
    };
    let before = ws.contents();
    let requests_before = requests_to(&sandbox, path);
    sandbox.inject(Fault {
        path_prefix: path.to_owned(),
        times: row.times,
        kind: (row.kind)(endpoint),
    });
    let timeout = row.timeout.to_string();
    let mut args = command.args().to_vec();
    args.extend(["--timeout", &timeout]);
    // CI=true, as CI runs it: smoke checks the committed snapshots and writes nothing.
    let run = ws
        .xtask(&args)
        .env("CI", "true")
        .secret(INJECTED_TOKEN)
        .run();
    let attempts = requests_to(&sandbox, path) - requests_before;

    let expected = row.expect(command);
    let mut problems = Vec::new();
    if run.code != expected.code {
        problems.push(format!(
            "exit code {}, expected {}",
            run.code, expected.code
        ));
    }
    for text in expected.says {
        if !run.stderr.contains(text) {
            problems.push(format!("stderr lacks {text:?}"));
        }
    }
    if !run.stdout.contains(expected.prints) {
        problems.push(format!("stdout lacks {:?}", expected.prints));
    }
    if run.code != 0 && !run.stdout.is_empty() {
        problems.push("a failed run printed on stdout, which is for what scripts asked for".into());
    }
    if attempts != row.attempts {
        problems.push(format!(
            "{attempts} requests to {path}, expected {}",
            row.attempts
        ));
    }
    if run.elapsed < row.at_least || run.elapsed > row.at_most {
        problems.push(format!(
            "took {:?}, expected between {:?} and {:?}",
            run.elapsed, row.at_least, row.at_most
        ));
    }
    let after = ws.contents();
    match (run.code, command) {
        (0, Command::Token) if row.target == Target::MainRequest => {
            if after == before || ws.value("GOTO_ACCESS_TOKEN").is_none() {
                problems.push("the recovered exchange stored no token".into());
            }
        }
        _ => {
            if after != before {
                problems.push("the env file changed".into());
            }
        }
    }
    if names_in(ws.dir()) != [".env"] {
        problems.push(format!("files left behind: {:?}", names_in(ws.dir())));
    }
    if !problems.is_empty() {
        problems.push(format!(
            "--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        ));
    }
    let quoted = expected.says.first().copied().unwrap_or_default();
    let line = run
        .stderr
        .lines()
        .rev()
        .find(|line| line.contains(quoted) && !line.trim().is_empty())
        .or_else(|| run.stderr.lines().last())
        .unwrap_or_default();
    let excerpt = line
        .replace(&sandbox.base_url(), "http://127.0.0.1:PORT")
        .replace(&ws.env_file.display().to_string(), ".env");
    Cell {
        row: index,
        command,
        code: run.code,
        elapsed: run.elapsed,
        attempts,
        excerpt,
        problems,
    }
}

#[test]
fn fault_matrix() {
    let rows = rows();
    let work: Vec<(usize, Command)> = (0..rows.len())
        .flat_map(|row| COMMANDS.map(|command| (row, command)))
        .collect();
    let next = AtomicUsize::new(0);
    let cells = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_CELLS {
            scope.spawn(|| {
                while let Some(&(row, command)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let cell = run_cell(row, &rows[row], command);
                    cells.lock().unwrap().push(cell);
                }
            });
        }
    });
    let mut cells = cells.into_inner().unwrap();
    cells.sort_by_key(|cell| (cell.row, cell.command as usize));

    if let Some(out) = std::env::var_os("FAULT_MATRIX_OUT") {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(out);
        write_table(&out, &rows, &cells);
    }

    let failures: Vec<String> = cells
        .iter()
        .filter(|cell| !cell.problems.is_empty())
        .map(|cell| {
            format!(
                "{} × {}:\n{}",
                rows[cell.row].fault,
                cell.command.name(),
                cell.problems.join("\n")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n\n{}",
        failures.len(),
        cells.len(),
        failures.join("\n\n")
    );
}

/// Writes the matrix as markdown: one row per fault and command.
fn write_table(out: &Path, rows: &[Row], cells: &[Cell]) {
    let mut text = String::from(
        "# Fault matrix\n\n\
         Generated by `FAULT_MATRIX_OUT=docs/fault-matrix.md cargo test -p xtask --test it fault_matrix`\n\
         (`xtask/tests/it/faults.rs`); do not edit it by hand.\n\n",
    );
    text.push_str(
        "Each fault is queued in the sandbox and met by the real binary. `token` meets it on \
         `POST /oauth/token`; `smoke --only users_me` and `api /identity/v1/Users/me` meet it on \
         their `GET /identity/v1/Users/me` with a token already stored, except the broken token \
         answers at the end, which they meet in the exchange. Every run passes `--timeout` (1 s \
         for the slow faults, else 10 s) and `CI=true`. *requests* counts the requests that reached \
         the faulted path (the retry policy allows 4). A failed run (exit 1) left the env file \
         byte for byte as it was, and no run printed a secret. Times are one run's on loopback; \
         backoff has random jitter.\n\n",
    );
    text.push_str("| fault | command | exit | requests | time | what the user reads (excerpt) |\n");
    text.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for cell in cells {
        let excerpt: String = cell.excerpt.trim().chars().take(170).collect();
        let ellipsis = if excerpt.len() < cell.excerpt.trim().len() {
            "…"
        } else {
            ""
        };
        text.push_str(&format!(
            "| {} | `{}` | {} | {} | {:.1} s | {}{} |\n",
            rows[cell.row].fault,
            cell.command.name(),
            cell.code,
            cell.attempts,
            cell.elapsed.as_secs_f64(),
            excerpt.replace('|', "\\|"),
            ellipsis,
        ));
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the table's directory");
    }
    std::fs::write(out, text).expect("write the fault matrix");
}

/// The peak resident memory of a running process in KiB (`VmHWM`), while it can be read.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The most memory the oversized-answer cell may take: the 8 MiB cap, the buffer growing past
/// it, and the binary itself, with room to spare; a client that read the 4 GiB it is offered
/// would pass it within a fraction of a second.
const OVERSIZED_MEMORY_BOUND_KIB: u64 = 64 * 1024;

/// The oversized answer of the matrix, watched: the process's peak resident memory, read from
/// `/proc` while it runs, stays within a small bound although the server offers 4 GiB.
#[test]
fn oversized_answer_is_refused_within_bounded_memory() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(Fault {
        path_prefix: TOKEN_PATH.to_owned(),
        times: 1,
        kind: FaultKind::Oversized(4 << 30),
    });
    let mut run = ws.xtask(&["token"]).spawn();
    let pid = run.id();
    let mut peak_kib = 0;
    // Read before asking whether it ended: asking reaps it, and its /proc entry goes with it.
    loop {
        if let Some(kib) = peak_memory_kib(pid) {
            peak_kib = peak_kib.max(kib);
        }
        if run.has_exited() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let run = run.wait();
    run.assert_code(1)
        .assert_stderr_contains("larger than 8388608 bytes");
    assert!(peak_kib > 0, "the process's memory could not be read");
    assert!(
        peak_kib < OVERSIZED_MEMORY_BOUND_KIB,
        "peak resident memory {peak_kib} KiB"
    );
}
