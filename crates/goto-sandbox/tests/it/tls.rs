//! The HTTPS mode: a client that trusts the test CA exchanges and calls over https; one that
//! does not, or that meets the expired certificate, fails the handshake before any request.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use goto_sandbox::{Options, Sandbox, TEST_CA_PEM, Tls, seed};

use crate::binary::{Running, value};
use crate::support::{Reply, basic, client_trusting, form};

fn https_sandbox(tls: Tls) -> Sandbox {
    Sandbox::start_with(Options {
        tls,
        ..Options::default()
    })
    .expect("the sandbox listens")
}

/// The guide's exchange of the seeded PAT at `base_url`, through `client`.
fn exchange(
    client: &reqwest::blocking::Client,
    base_url: &str,
) -> reqwest::Result<reqwest::blocking::Response> {
    client
        .post(format!("{base_url}/oauth/token"))
        .header("authorization", basic(seed::CLIENT_ID, seed::CLIENT_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "personal_access_token"),
            ("pat", seed::PAT),
        ]))
        .send()
}

/// The innermost cause of an error, where reqwest says what went wrong with the certificate.
fn innermost(error: &dyn std::error::Error) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[test]
fn ok_a_client_trusting_the_test_ca_exchanges_and_calls_over_https() {
    let sandbox = https_sandbox(Tls::TestCa);
    let base_url = sandbox.base_url();
    assert_eq!(base_url, format!("https://{}", sandbox.addr()));
    let client = client_trusting(TEST_CA_PEM);
    let reply = Reply::from_response(exchange(&client, &base_url).expect("a trusted handshake"));
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let token = reply.json()["access_token"].as_str().unwrap().to_owned();
    let me = Reply::from_response(
        client
            .get(format!("{base_url}/identity/v1/Users/me"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .expect("an API call over https"),
    );
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["userName"], seed::ADMIN_EMAIL);
    // The certificate names localhost too.
    let by_name = format!("https://localhost:{}", sandbox.addr().port());
    let reply = Reply::from_response(exchange(&client, &by_name).expect("localhost is named"));
    assert_eq!(reply.status, 200);
}

#[test]
fn err_a_client_without_the_test_ca_fails_the_handshake_and_nothing_is_recorded() {
    let sandbox = https_sandbox(Tls::TestCa);
    let error =
        exchange(&client_trusting(""), &sandbox.base_url()).expect_err("an unknown CA is refused");
    assert!(
        innermost(&error).contains("UnknownIssuer"),
        "{}",
        innermost(&error)
    );
    assert!(sandbox.requests().is_empty());
}

#[test]
fn err_the_expired_certificate_is_refused_as_expired() {
    let sandbox = https_sandbox(Tls::Expired);
    let error = exchange(&client_trusting(TEST_CA_PEM), &sandbox.base_url())
        .expect_err("an expired certificate is refused");
    assert!(
        innermost(&error).contains("certificate expired"),
        "{}",
        innermost(&error)
    );
    assert!(sandbox.requests().is_empty());
}

#[test]
fn err_plain_http_to_an_https_sandbox_gets_no_answer() {
    let sandbox = https_sandbox(Tls::TestCa);
    let plain = format!("http://{}", sandbox.addr());
    assert!(exchange(&client_trusting(TEST_CA_PEM), &plain).is_err());
    assert!(sandbox.requests().is_empty());
}

#[test]
fn ok_the_binary_with_tls_serves_https_and_names_the_ca_file() {
    let child = Command::new(env!("CARGO_BIN_EXE_goto-sandbox"))
        .arg("--tls")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let mut stdout = BufReader::new(running.0.stdout.take().expect("piped stdout"));
    let mut pairs = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        stdout.read_line(&mut line).expect("a line");
        let (key, value) = line.trim_end().split_once('=').expect("KEY=value");
        pairs.push((key.to_owned(), value.to_owned()));
    }
    let mut stderr = BufReader::new(running.0.stderr.take().expect("piped stderr"));
    let mut banner = String::new();
    while !banner.contains("SSL_CERT_FILE=") {
        let read = stderr.read_line(&mut banner).expect("a banner line");
        assert_ne!(read, 0, "the banner never named the CA file: {banner}");
    }
    let ca_file = banner
        .split("SSL_CERT_FILE=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a path after SSL_CERT_FILE=");
    assert_eq!(
        std::fs::read_to_string(ca_file).expect("the named CA file exists"),
        TEST_CA_PEM
    );
    let auth_url = value(&pairs, "GOTO_AUTH_URL");
    assert!(auth_url.starts_with("https://127.0.0.1:"), "{auth_url}");
    assert_eq!(value(&pairs, "GOTO_API_URL"), auth_url);
    let reply = Reply::from_response(
        exchange(&client_trusting(TEST_CA_PEM), auth_url).expect("the binary serves https"),
    );
    assert_eq!(reply.status, 200);
}
