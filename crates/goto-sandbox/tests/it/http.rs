//! The wire itself: HTTP/1.1 with keep-alive on 127.0.0.1, JSON content types, a clean stop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use goto_sandbox::{Options, Sandbox, seed};

/// Reads one HTTP/1.1 response with a Content-Length body from `reader`.
fn read_response(reader: &mut BufReader<TcpStream>) -> (String, Vec<String>, Vec<u8>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("a status line");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a header line");
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        headers.push(line.to_lowercase());
    }
    let length: usize = headers
        .iter()
        .find_map(|header| header.strip_prefix("content-length: "))
        .expect("a Content-Length")
        .parse()
        .expect("a number");
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    (status_line.trim_end().to_owned(), headers, body)
}

#[test]
fn ok_one_connection_carries_several_requests() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::PAT);
    let stream = TcpStream::connect(sandbox.addr()).expect("the sandbox listens");
    let mut writer = stream.try_clone().expect("a second handle");
    let mut reader = BufReader::new(stream);
    for path in ["/identity/v1/Users/me", "/users/v1/lines", "/nowhere"] {
        write!(
            writer,
            "GET {path} HTTP/1.1\r\nHost: api.getgo.com\r\nAccept: application/json\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
        .expect("the request goes out");
        let (status_line, headers, body) = read_response(&mut reader);
        assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
        assert!(
            headers.contains(&"content-type: application/json".to_owned()),
            "{headers:?}"
        );
        assert!(!headers.iter().any(|header| header == "connection: close"));
        serde_json::from_slice::<serde_json::Value>(&body).expect("JSON");
    }
    assert_eq!(sandbox.requests().len(), 3);
}

#[test]
fn ok_base_url_is_loopback_without_a_trailing_slash() {
    let sandbox = Sandbox::start();
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}", sandbox.addr().port())
    );
    assert!(sandbox.addr().ip().is_loopback());
    let debug = format!("{sandbox:?}");
    assert!(debug.contains(&sandbox.addr().to_string()), "{debug}");
}

#[test]
fn err_a_taken_port_is_an_error_not_a_panic() {
    let first = Sandbox::start();
    let second = Sandbox::start_with(Options {
        port: first.addr().port(),
        ..Options::default()
    });
    assert!(second.is_err());
}

#[test]
fn ok_dropping_the_sandbox_stops_serving() {
    let sandbox = Sandbox::start();
    let address = sandbox.addr();
    drop(sandbox);
    assert!(
        TcpStream::connect(address).is_err(),
        "nothing listens after drop"
    );
}

#[test]
fn ok_secrets_stay_out_of_debug_output() {
    let client = goto_sandbox::Client {
        id: seed::CLIENT_ID.to_owned(),
        secret: seed::CLIENT_SECRET.to_owned(),
        pat_grant_enabled: true,
        scopes: Vec::new(),
    };
    let pat = goto_sandbox::Pat {
        value: seed::PAT.to_owned(),
        user: goto_sandbox::UserId::Admin,
        scopes: Vec::new(),
        revoked: false,
    };
    let debug = format!("{client:?} {pat:?}");
    assert!(
        !debug.contains(seed::CLIENT_SECRET) && !debug.contains(seed::PAT),
        "{debug}"
    );
    assert!(debug.contains(seed::CLIENT_ID), "{debug}");
}

#[test]
fn ok_threads_can_share_one_sandbox() {
    let sandbox = std::sync::Arc::new(Sandbox::start());
    sandbox.set_rate_limit(None);
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let sandbox = std::sync::Arc::clone(&sandbox);
            std::thread::spawn(move || crate::support::exchange(&sandbox, seed::PAT).status)
        })
        .collect();
    for worker in workers {
        assert_eq!(worker.join().expect("the worker finishes"), 200);
    }
    assert_eq!(sandbox.requests().len(), 4);
}
