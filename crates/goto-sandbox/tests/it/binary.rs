//! The `goto-sandbox` binary: its five stdout lines, then a sandbox that serves until killed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use goto_sandbox::seed;

use crate::support::{Reply, basic, client, form};

/// Kills the child when the test ends, passed or failed.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `arguments` and returns it with the `KEY=value` lines it printed.
pub fn start(arguments: &[&str]) -> (Running, Vec<(String, String)>) {
    let child = Command::new(env!("CARGO_BIN_EXE_goto-sandbox"))
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("piped stdout");
    let mut reader = BufReader::new(stdout);
    let mut pairs = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a line");
        let line = line.strip_suffix('\n').expect("a whole line");
        let (key, value) = line.split_once('=').expect("KEY=value");
        pairs.push((key.to_owned(), value.to_owned()));
    }
    (running, pairs)
}

pub fn value<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.as_str())
        .unwrap_or_else(|| panic!("{key} was not printed"))
}

fn exchange(pairs: &[(String, String)]) -> Reply {
    Reply::from_response(
        client()
            .post(format!("{}/oauth/token", value(pairs, "GOTO_AUTH_URL")))
            .header(
                "authorization",
                basic(
                    value(pairs, "GOTO_CLIENT_ID"),
                    value(pairs, "GOTO_CLIENT_SECRET"),
                ),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "personal_access_token"),
                ("pat", value(pairs, "GOTO_PAT")),
            ]))
            .send()
            .expect("the binary's sandbox answers"),
    )
}

#[test]
fn ok_prints_the_five_env_lines_and_serves() {
    let (_running, pairs) = start(&[]);
    let keys: Vec<&str> = pairs.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "GOTO_AUTH_URL",
            "GOTO_API_URL",
            "GOTO_CLIENT_ID",
            "GOTO_CLIENT_SECRET",
            "GOTO_PAT"
        ]
    );
    let base_url = value(&pairs, "GOTO_AUTH_URL");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(value(&pairs, "GOTO_API_URL"), base_url);
    assert_eq!(value(&pairs, "GOTO_CLIENT_ID"), seed::CLIENT_ID);
    assert_eq!(value(&pairs, "GOTO_CLIENT_SECRET"), seed::CLIENT_SECRET);
    assert_eq!(value(&pairs, "GOTO_PAT"), seed::GUIDE_PAT);
    assert!(
        value(&pairs, "GOTO_PAT")
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric()),
        "the printed PAT is letters and digits, so the guide's unencoded `-d` works"
    );
    for (key, value) in &pairs {
        assert!(
            value
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || b"._~+/=:-".contains(&byte)),
            "{key} is not bare-safe for .env"
        );
    }
    let reply = exchange(&pairs);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["principal"], seed::ADMIN_EMAIL);
}

#[test]
fn ok_flags_set_port_latency_and_rate_limit() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let port_text = port.to_string();
    let (_running, pairs) = start(&[
        "--port",
        &port_text,
        "--latency",
        "100",
        "--no-rate-limit",
        "--no-retry-after",
    ]);
    assert_eq!(
        value(&pairs, "GOTO_API_URL"),
        format!("http://127.0.0.1:{port}")
    );
    let started = Instant::now();
    let replies: Vec<Reply> = (0..12).map(|_| exchange(&pairs)).collect();
    assert!(
        replies.iter().all(|reply| reply.status == 200),
        "no 429 without a limit"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "100 ms each"
    );
}

#[test]
fn err_a_taken_port_exits_with_failure() {
    let sandbox = goto_sandbox::Sandbox::start();
    let status = Command::new(env!("CARGO_BIN_EXE_goto-sandbox"))
        .args(["--port", &sandbox.addr().port().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the binary runs");
    assert!(!status.success());
}

#[test]
fn err_insufficient_scope_flag_refuses_its_path_as_goto_does() {
    let (_running, pairs) = start(&[
        "--insufficient-scope",
        "/users/v1/lines=users.v1.lines.read",
    ]);
    let token = exchange(&pairs).json()["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let call = |path: &str| {
        Reply::from_response(
            client()
                .get(format!("{}{path}", value(&pairs, "GOTO_API_URL")))
                .header("authorization", format!("Bearer {token}"))
                .send()
                .expect("the binary's sandbox answers"),
        )
    };
    let refused = call("/users/v1/lines");
    assert_eq!(refused.status, 403);
    let body = refused.json();
    assert_eq!(body["errorCode"], "AUTHZ_INSUFFICIENT_SCOPE");
    assert_eq!(
        body["message"],
        "The access token does not have the required scope: users.v1.lines.read"
    );
    assert_eq!(call("/identity/v1/Users/me").status, 200);
}

#[test]
fn err_a_malformed_insufficient_scope_flag_is_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_goto-sandbox"))
        .args(["--insufficient-scope", "users.v1.lines.read"])
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected PATH=SCOPE"));
}
