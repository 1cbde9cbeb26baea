//! The exchange through the library, against the sandbox over real HTTP: what goes on the
//! wire, and how every kind of broken answer is read.

use std::time::{Duration, Instant};

use goto_auth_core::BaseUrl;
use goto_auth_core::Config;
use goto_auth_core::exchange;
use goto_auth_core::{ClientSecret, PersonalAccessToken};
use goto_auth_core::{ExchangeError, OAuthErrorCode, TransportError};
use goto_auth_core::{HttpClient, Reach};
use goto_sandbox::{Fault, FaultKind, Sandbox, seed};

fn config(sandbox: &Sandbox, pat: &str) -> Config {
    Config {
        client_id: seed::CLIENT_ID.into(),
        client_secret: ClientSecret::new(seed::CLIENT_SECRET),
        pat: PersonalAccessToken::new(pat),
        auth_url: BaseUrl::parse("GOTO_AUTH_URL", &sandbox.base_url()).unwrap(),
    }
}

fn client(timeout_secs: u64) -> HttpClient {
    goto_http::connect(Duration::from_secs(timeout_secs), Reach::LoopbackHttp).unwrap()
}

fn fault(sandbox: &Sandbox, times: usize, kind: FaultKind) {
    sandbox.inject(Fault {
        path_prefix: "/oauth/token".into(),
        times,
        kind,
    });
}

fn attempts(sandbox: &Sandbox) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count()
}

#[test]
fn ok_the_seeded_pat_gets_a_bearer_token_with_its_scopes() {
    let sandbox = Sandbox::start();
    let token = exchange(&client(5), &config(&sandbox, seed::PAT), |_| {}).unwrap();
    assert_eq!(token.principal, seed::ADMIN_EMAIL);
    for scope in seed::ALL_SCOPES {
        assert!(token.scopes.contains(scope), "{scope}");
    }
    assert!(token.access_token.expose_secret().starts_with("eyJ"));
}

#[test]
fn err_each_oauth_error_is_typed() {
    let sandbox = Sandbox::start();
    let cases = [
        (seed::REVOKED_PAT, OAuthErrorCode::InvalidGrant),
        (seed::OVERSCOPED_PAT, OAuthErrorCode::InvalidScope),
        ("not-a-pat-0000", OAuthErrorCode::InvalidGrant),
    ];
    for (pat, expected) in cases {
        match exchange(&client(5), &config(&sandbox, pat), |_| {}) {
            Err(ExchangeError::OAuth { code, .. }) => assert_eq!(code, expected),
            other => panic!("{pat}: {other:?}"),
        }
    }
    let mut wrong_secret = config(&sandbox, seed::PAT);
    wrong_secret.client_secret = ClientSecret::new("wrong");
    assert!(matches!(
        exchange(&client(5), &wrong_secret, |_| {}),
        Err(ExchangeError::OAuth {
            status: 401,
            code: OAuthErrorCode::InvalidClient,
            ..
        })
    ));
    assert_eq!(attempts(&sandbox), 4, "4xx answers are not retried");
}

#[test]
fn ok_dropped_and_truncated_answers_are_retried() {
    for kind in [FaultKind::Drop, FaultKind::Truncate] {
        let sandbox = Sandbox::start();
        fault(&sandbox, 2, kind.clone());
        let mut notices = Vec::new();
        exchange(&client(5), &config(&sandbox, seed::PAT), |n| {
            notices.push(n.cause.clone())
        })
        .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(attempts(&sandbox), 3, "{kind:?}");
        assert_eq!(notices.len(), 2, "{kind:?}: {notices:?}");
    }
}

#[test]
fn err_oversized_answer_is_refused_with_bounded_memory() {
    let sandbox = Sandbox::start();
    fault(&sandbox, 1, FaultKind::Oversized(64 * 1024 * 1024));
    let started = Instant::now();
    let error = exchange(&client(10), &config(&sandbox, seed::PAT), |_| {}).unwrap_err();
    assert!(
        matches!(
            error,
            ExchangeError::Transport(TransportError::TooLarge { .. })
        ),
        "{error}"
    );
    assert_eq!(
        attempts(&sandbox),
        1,
        "an oversized answer is not asked for again"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn err_slow_body_is_bounded_by_the_timeout() {
    let sandbox = Sandbox::start();
    // Ten pieces 0.3 s apart take 3 s, far beyond the 0.4 s each attempt may take (a library
    // user sets the timeout as a `Duration`).
    fault(&sandbox, 4, FaultKind::SlowBody(Duration::from_millis(300)));
    let client = goto_http::connect(Duration::from_millis(400), Reach::LoopbackHttp).unwrap();
    let started = Instant::now();
    let error = exchange(&client, &config(&sandbox, seed::PAT), |_| {}).unwrap_err();
    assert!(
        matches!(
            &error,
            ExchangeError::Retried { attempts: 4, last }
                if matches!(**last, ExchangeError::Transport(TransportError::Timeout { .. }))
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("after 4 attempts, no answer from "),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn err_answers_of_every_broken_shape_name_their_cause() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "application/json",
            r#"{"access_token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln","token_type":"MAC","expires_in":3600}"#,
            "token_type is \"MAC\"",
        ),
        (
            "application/json",
            r#"{"access_token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln","token_type":"Bearer","expires_in":0}"#,
            "expires_in is 0",
        ),
        (
            "application/json",
            r#"{"access_token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln","token_type":"Bearer","expires_in":-1}"#,
            "expires_in is -1",
        ),
        (
            "application/json",
            r#"{"access_token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln","token_type":"Bearer","expires_in":"3600"}"#,
            "expires_in is a string",
        ),
        (
            "application/json",
            r#"{"access_token":"eyJ0eXAiOiJKV1QifQ.e30.c2ln","#,
            "with malformed JSON",
        ),
        (
            "application/json",
            "\u{fffd}\u{0}binary",
            "with malformed JSON",
        ),
    ];
    for (content_type, body, expected) in cases {
        let sandbox = Sandbox::start();
        fault(
            &sandbox,
            1,
            FaultKind::Respond {
                status: 200,
                content_type: Some(content_type.into()),
                body: body.as_bytes().to_vec(),
                retry_after: None,
            },
        );
        let message = exchange(&client(5), &config(&sandbox, seed::PAT), |_| {})
            .unwrap_err()
            .to_string();
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("eyJ0eXAiOiJKV1QifQ"), "{message}");
    }
}

#[test]
fn ok_non_utf8_error_page_gets_a_clean_excerpt() {
    let sandbox = Sandbox::start();
    fault(
        &sandbox,
        1,
        FaultKind::Respond {
            status: 400,
            content_type: Some("text/html".into()),
            body: b"<h1>Bad \xff\xfe request</h1>".to_vec(),
            retry_after: None,
        },
    );
    let message = exchange(&client(5), &config(&sandbox, seed::PAT), |_| {})
        .unwrap_err()
        .to_string();
    assert!(message.contains("answered 400 with text/html"), "{message}");
    assert!(message.contains("Bad"), "{message}");
}

#[test]
fn ok_a_client_that_verifies_https_still_reaches_the_sandbox() {
    let sandbox = Sandbox::start();
    let client = goto_http::connect(Duration::from_secs(5), Reach::Https).unwrap();
    let token = exchange(&client, &config(&sandbox, seed::PAT), |_| {}).unwrap();
    assert_eq!(token.principal, seed::ADMIN_EMAIL);
}
