//! Injected faults, each observed from the client side, and latency.

use std::io::Read;
use std::time::{Duration, Instant};

use goto_sandbox::{Fault, FaultKind, Options, Sandbox, seed};

use crate::support::{Reply, client, client_with_timeout, get};

fn fault(path_prefix: &str, times: usize, kind: FaultKind) -> Fault {
    Fault {
        path_prefix: path_prefix.to_owned(),
        times,
        kind,
    }
}

fn lines_url(sandbox: &Sandbox) -> String {
    format!("{}/users/v1/lines", sandbox.base_url())
}

fn bearer(sandbox: &Sandbox) -> String {
    format!("Bearer {}", sandbox.mint_token(seed::PAT))
}

#[test]
fn err_respond_replaces_the_answer_for_the_given_number_of_requests() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    sandbox.inject(fault(
        "/users/",
        2,
        FaultKind::Respond {
            status: 503,
            content_type: Some("text/html".to_owned()),
            body: b"<html>maintenance</html>".to_vec(),
            retry_after: Some("7".to_owned()),
        },
    ));
    // Other paths are untouched.
    assert_eq!(
        get(&sandbox, "/identity/v1/Users/me", Some(&token)).status,
        200
    );
    for _ in 0..2 {
        let reply = get(&sandbox, "/users/v1/lines", Some(&token));
        assert_eq!(reply.status, 503);
        assert_eq!(reply.header("content-type"), Some("text/html"));
        assert_eq!(reply.header("retry-after"), Some("7"));
        assert_eq!(reply.body, b"<html>maintenance</html>");
    }
    assert_eq!(get(&sandbox, "/users/v1/lines", Some(&token)).status, 200);
}

#[test]
fn err_respond_without_content_type_sends_none() {
    let sandbox = Sandbox::start();
    sandbox.inject(fault(
        "/oauth/token",
        1,
        FaultKind::Respond {
            status: 502,
            content_type: None,
            body: Vec::new(),
            retry_after: None,
        },
    ));
    let reply = Reply::from_response(
        client()
            .post(format!("{}/oauth/token", sandbox.base_url()))
            .send()
            .expect("the sandbox answers"),
    );
    assert_eq!(reply.status, 502);
    assert_eq!(reply.header("content-type"), None);
    assert_eq!(reply.header("retry-after"), None);
    assert!(reply.body.is_empty());
}

#[test]
fn err_faults_are_taken_in_injection_order() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    let respond = |status| FaultKind::Respond {
        status,
        content_type: None,
        body: Vec::new(),
        retry_after: None,
    };
    sandbox.inject(fault("/", 1, respond(500)));
    sandbox.inject(fault("/users/v1/lines", 1, respond(502)));
    let statuses: Vec<u16> = (0..3)
        .map(|_| get(&sandbox, "/users/v1/lines", Some(&token)).status)
        .collect();
    assert_eq!(statuses, [500, 502, 200]);
}

#[test]
fn err_delay_holds_back_the_headers() {
    let sandbox = Sandbox::start();
    let authorization = bearer(&sandbox);
    sandbox.inject(fault(
        "/users/v1/lines",
        1,
        FaultKind::Delay(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    let reply = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect("the sandbox answers");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.status(), 200);

    // A long delay is a hung server: the client's timeout is what ends the wait.
    sandbox.inject(fault(
        "/users/v1/lines",
        1,
        FaultKind::Delay(Duration::from_secs(60)),
    ));
    let started = Instant::now();
    let error = client_with_timeout(Duration::from_millis(200))
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect_err("the client gives up");
    assert!(error.is_timeout(), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn err_slow_body_sends_headers_at_once_and_the_body_in_pieces() {
    let sandbox = Sandbox::start();
    let authorization = bearer(&sandbox);
    let expected = Reply::from_response(
        client()
            .get(lines_url(&sandbox))
            .header("authorization", &authorization)
            .send()
            .expect("the sandbox answers"),
    );
    sandbox.inject(fault(
        "/users/v1/lines",
        1,
        FaultKind::SlowBody(Duration::from_millis(50)),
    ));
    let started = Instant::now();
    let response = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect("the headers arrive");
    let headers_after = started.elapsed();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.content_length(),
        Some(expected.body.len() as u64),
        "the true length is announced"
    );
    let body = response.bytes().expect("the body arrives, slowly");
    let body_after = started.elapsed();
    assert_eq!(body.as_ref(), expected.body.as_slice());
    assert!(body_after >= Duration::from_millis(500), "{body_after:?}");
    assert!(
        body_after >= headers_after + Duration::from_millis(400),
        "headers {headers_after:?}, body {body_after:?}"
    );
}

#[test]
fn err_drop_closes_the_connection_without_an_answer() {
    let sandbox = Sandbox::start();
    let authorization = bearer(&sandbox);
    sandbox.inject(fault("/users/v1/lines", 1, FaultKind::Drop));
    let error = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect_err("no answer comes");
    assert!(!error.is_timeout(), "{error}");
    assert!(error.status().is_none());
    let recovered = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect("the next request is answered");
    assert_eq!(recovered.status(), 200);
}

#[test]
fn err_truncate_ends_the_body_before_its_content_length() {
    let sandbox = Sandbox::start();
    let authorization = bearer(&sandbox);
    sandbox.inject(fault("/users/v1/lines", 1, FaultKind::Truncate));
    let mut response = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect("the headers arrive");
    assert_eq!(response.status(), 200);
    let announced = response.content_length().expect("a Content-Length");
    let mut received = Vec::new();
    let outcome = response.read_to_end(&mut received);
    assert!(outcome.is_err(), "the body must not end cleanly");
    assert!(
        (received.len() as u64) < announced,
        "{} of {announced}",
        received.len()
    );
}

#[test]
fn err_oversized_streams_more_json_than_a_client_should_hold() {
    let sandbox = Sandbox::start();
    let authorization = bearer(&sandbox);
    let size: u64 = 64 * 1024 * 1024;
    sandbox.inject(fault("/users/v1/lines", 1, FaultKind::Oversized(size)));
    let mut response = client()
        .get(lines_url(&sandbox))
        .header("authorization", &authorization)
        .send()
        .expect("the headers arrive");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok()),
        Some("application/json")
    );
    assert_eq!(
        response.content_length(),
        None,
        "only counting can stop the client"
    );
    // A capped client reads its limit and hangs up, long before the end.
    let cap = 1024 * 1024;
    let mut kept = Vec::new();
    (&mut response)
        .take(cap)
        .read_to_end(&mut kept)
        .expect("the first megabyte arrives");
    assert_eq!(kept.len() as u64, cap);
    assert!(kept.starts_with(br#"{"padding":"aaaa"#));
    drop(response);

    sandbox.inject(fault("/users/v1/lines", 1, FaultKind::Oversized(100_000)));
    let whole = Reply::from_response(
        client()
            .get(lines_url(&sandbox))
            .header("authorization", &authorization)
            .send()
            .expect("the sandbox answers"),
    );
    assert_eq!(whole.body.len(), 100_000);
    assert!(whole.json()["padding"].is_string());
}

#[test]
fn err_endless_markers_always_point_to_a_page_never_asked_for() {
    let sandbox = Sandbox::start();
    sandbox.inject(fault("/users/v1/users", 3, FaultKind::EndlessMarkers));
    let first = get(&sandbox, "/users/v1/users?accountKey=1", None);
    assert_eq!(first.status, 200);
    assert_eq!(
        first.json(),
        serde_json::json!({"items": [{"page": 0}], "nextPageMarker": "endless-1"})
    );
    let second = get(
        &sandbox,
        "/users/v1/users?accountKey=1&pageMarker=endless-1",
        None,
    );
    assert_eq!(second.json()["nextPageMarker"], "endless-2");
    assert_eq!(second.json()["items"][0]["page"], 1);
    let third = get(&sandbox, "/users/v1/users?pageMarker=endless-41", None);
    assert_eq!(third.json()["nextPageMarker"], "endless-42");
    // Three uses, then the real route again (which wants a token).
    assert_eq!(
        get(&sandbox, "/users/v1/users?accountKey=1", None).status,
        401
    );
}

#[test]
fn ok_latency_delays_every_answer_and_route_latency_adds_to_it() {
    let sandbox = Sandbox::start_with(Options {
        latency: Duration::from_millis(150),
        ..Options::default()
    })
    .expect("the sandbox starts");
    let token = sandbox.mint_token(seed::PAT);
    let timed = |path: &str| {
        let started = Instant::now();
        let status = get(&sandbox, path, Some(&token)).status;
        (status, started.elapsed())
    };
    let (status, elapsed) = timed("/identity/v1/Users/me");
    assert_eq!(status, 200);
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");

    sandbox.set_latency(Duration::ZERO);
    sandbox.set_route_latency("/users/", Duration::from_millis(400));
    let (status, elapsed) = timed("/users/v1/lines");
    assert_eq!(status, 200);
    assert!(elapsed >= Duration::from_millis(400), "{elapsed:?}");
    let (_, elapsed) = timed("/identity/v1/Users/me");
    assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");

    sandbox.set_route_latency("/users/", Duration::ZERO);
    let (_, elapsed) = timed("/users/v1/lines");
    assert!(elapsed < Duration::from_millis(400), "{elapsed:?}");
}
