//! Secret hygiene as a mechanism: the `Debug` output of every configuration, token, request and
//! answer type, and the message, `Debug` and source chain of every error a failing exchange can
//! produce, hold no credential.
//!
//! The contract says tokens, the client secret and the PAT never appear in output, logs, error
//! messages or `Debug` output. The xtask's tests scan every run's output; these tests cover what
//! a program using the library would log with `{:?}`, in each form a secret travels: as it is,
//! form-encoded in a request body, and base64-encoded in the Basic header.

use std::path::Path;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use goto_auth_core::BaseUrl;
use goto_auth_core::api_request;
use goto_auth_core::{AccessToken, ClientSecret, PersonalAccessToken};
use goto_auth_core::{Decision, Fingerprint, Sources, decide};
use goto_auth_core::{ExchangeError, TransportError};
use goto_auth_core::{HttpResponse, Reach};
use goto_auth_core::{exchange, parse_token_response, token_request};
use goto_auth_core::{read_file, update_file};
use goto_sandbox::{Fault, FaultKind, Options, Sandbox, Tls, seed};

/// A JWT-shaped token that injected answers carry, as a server might echo one.
const ECHOED_TOKEN: &str =
    "eyJhbGciOiJSUzUxMiJ9.eyJzYyI6ImlkZW50aXR5OiIsInN1YiI6IjEifQ.ZWNob2VkLXNpZ25hdHVyZQ";

/// Every form of every secret these tests handle: the seeded client secret and PAT, as they are,
/// form-encoded and inside the Basic header's base64, the echoed token, and `extra` (tokens the
/// sandbox minted).
fn secret_forms(extra: &[&str]) -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    ));
    let mut forms = vec![
        seed::CLIENT_SECRET.to_owned(),
        seed::PAT.to_owned(),
        form_urlencoded::byte_serialize(seed::PAT.as_bytes()).collect(),
        basic,
        ECHOED_TOKEN.to_owned(),
    ];
    forms.extend(extra.iter().map(|s| (*s).to_owned()));
    forms
}

/// Fails when `text` holds any form of a secret.
#[track_caller]
fn assert_redacted(what: &str, text: &str, extra: &[&str]) {
    for secret in secret_forms(extra) {
        assert!(
            !text.contains(&secret),
            "{what} shows a secret:\n{}",
            text.replace(&secret, "<<THE SECRET>>")
        );
    }
}

/// Fails when the error's message, `Debug` (plain and pretty) or any message down its source
/// chain holds a secret.
#[track_caller]
fn assert_error_redacted(what: &str, error: &(dyn std::error::Error + 'static), extra: &[&str]) {
    let mut texts = vec![
        format!("{error}"),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = error.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        source = cause.source();
    }
    for text in texts {
        assert_redacted(what, &text, extra);
    }
}

/// The sources an env file with every user key and a stored token gives, with the secrets also
/// in the process environment, as CI passes them.
fn sources(sandbox: &Sandbox, stored_token: &str) -> Sources {
    let file = vec![
        ("GOTO_CLIENT_ID".to_owned(), seed::CLIENT_ID.to_owned()),
        (
            "GOTO_CLIENT_SECRET".to_owned(),
            seed::CLIENT_SECRET.to_owned(),
        ),
        ("GOTO_PAT".to_owned(), seed::PAT.to_owned()),
        ("GOTO_AUTH_URL".to_owned(), sandbox.base_url()),
        ("GOTO_API_URL".to_owned(), sandbox.base_url()),
        ("GOTO_ACCESS_TOKEN".to_owned(), stored_token.to_owned()),
        (
            "GOTO_ACCESS_TOKEN_EXPIRES_AT".to_owned(),
            "2099-01-01T00:00:00Z".to_owned(),
        ),
        (
            "GOTO_TOKEN_PRINCIPAL".to_owned(),
            seed::ADMIN_EMAIL.to_owned(),
        ),
        (
            "GOTO_TOKEN_MINTED_FOR".to_owned(),
            Fingerprint::of(
                seed::CLIENT_ID,
                &PersonalAccessToken::new(seed::PAT),
                &BaseUrl::parse("GOTO_AUTH_URL", &sandbox.base_url()).unwrap(),
            )
            .as_str()
            .to_owned(),
        ),
    ];
    Sources::new(Path::new(".env"), file, |key| match key {
        "GOTO_CLIENT_SECRET" => Some(seed::CLIENT_SECRET.to_owned()),
        "GOTO_PAT" => Some(seed::PAT.to_owned()),
        _ => None,
    })
}

#[test]
fn ok_secret_types_show_only_their_name() {
    let debug = [
        format!("{:?}", ClientSecret::new(seed::CLIENT_SECRET)),
        format!("{:#?}", PersonalAccessToken::new(seed::PAT)),
        format!("{:?}", Some(AccessToken::new(ECHOED_TOKEN))),
    ];
    assert_eq!(
        debug,
        [
            "ClientSecret([redacted])",
            "PersonalAccessToken([redacted])",
            "Some(AccessToken([redacted]))"
        ]
    );
}

#[test]
fn ok_configuration_and_token_types_are_redacted() {
    let sandbox = Sandbox::start();
    let minted = sandbox.mint_token(seed::PAT);
    let sources = sources(&sandbox, &minted);
    let config = sources.config().unwrap();
    let Decision::Reuse(cached) = decide(
        &sources,
        &Fingerprint::of_config(&config),
        SystemTime::now(),
        false,
    ) else {
        panic!("the stored token is reused");
    };
    let client = goto_http::connect(Duration::from_secs(5), Reach::LoopbackHttp).unwrap();
    let token = exchange(&client, &config, |_| {}).unwrap();
    let fresh = token.access_token.expose_secret().to_owned();
    let tokens = [minted.as_str(), fresh.as_str()];

    for (what, text) in [
        ("Sources", format!("{sources:#?}")),
        ("Config", format!("{config:?}")),
        ("Config (pretty)", format!("{config:#?}")),
        ("stored Token", format!("{cached:?}")),
        ("Token", format!("{token:?}")),
        ("Token (pretty)", format!("{token:#?}")),
        ("HttpClient", format!("{client:?}")),
        (
            "Fingerprint",
            format!("{:?}", Fingerprint::of_config(&config)),
        ),
    ] {
        assert_redacted(what, &text, &tokens);
    }
    // What is shown instead: names, not values.
    let shown = format!("{sources:?}");
    assert!(
        shown.contains("GOTO_PAT") && !shown.contains(seed::ADMIN_EMAIL),
        "{shown}"
    );
}

#[test]
fn ok_requests_and_answers_hide_headers_and_bodies() {
    let sandbox = Sandbox::start();
    let config = sources(&sandbox, "unused").config().unwrap();
    let request = token_request(&config);
    let client = goto_http::connect(Duration::from_secs(5), Reach::LoopbackHttp).unwrap();
    let answer = client.send(&request).unwrap();
    assert_eq!(answer.status, 200);
    let token =
        parse_token_response(&answer, &request.url, SystemTime::now(), &config.redactor()).unwrap();
    let minted = token.access_token.expose_secret();

    let base = BaseUrl::parse("GOTO_API_URL", &sandbox.base_url()).unwrap();
    let api = api_request(
        &base,
        "post",
        "/identity/v1/Users",
        &token.access_token,
        Some(format!(r#"{{"note":"{ECHOED_TOKEN}"}}"#).into_bytes()),
    );
    for (what, text) in [
        ("token request", format!("{request:?}")),
        ("token request (pretty)", format!("{request:#?}")),
        ("token answer", format!("{answer:?}")),
        ("API request", format!("{api:#?}")),
    ] {
        assert_redacted(what, &text, &[minted]);
    }
    let shown = format!("{request:?}");
    assert!(
        shown.contains("[redacted]") && shown.contains("/oauth/token"),
        "{shown}"
    );
}

#[test]
fn ok_sandbox_credentials_are_redacted() {
    let pat = goto_sandbox::Pat {
        value: seed::PAT.into(),
        user: goto_sandbox::UserId::Admin,
        scopes: vec!["identity:".into()],
        revoked: false,
    };
    let client = goto_sandbox::Client {
        id: seed::CLIENT_ID.into(),
        secret: seed::CLIENT_SECRET.into(),
        pat_grant_enabled: true,
        scopes: vec!["identity:".into()],
    };
    assert_redacted("Pat", &format!("{pat:#?}"), &[]);
    assert_redacted("Client", &format!("{client:#?}"), &[]);
    assert!(format!("{client:?}").contains(seed::CLIENT_ID));
}

/// A sandbox whose token endpoint answers with `status`, `content_type` and `body` once.
fn answering(sandbox: &Sandbox, status: u16, content_type: &str, body: &str) {
    sandbox.inject(Fault {
        path_prefix: "/oauth/token".into(),
        times: 1,
        kind: FaultKind::Respond {
            status,
            content_type: Some(content_type.into()),
            body: body.as_bytes().to_vec(),
            retry_after: None,
        },
    });
}

#[test]
fn ok_every_exchange_error_is_redacted() {
    let sandbox = Sandbox::start();
    let client = goto_http::connect(Duration::from_secs(5), Reach::LoopbackHttp).unwrap();
    let config = sources(&sandbox, "unused").config().unwrap();
    let mut revoked = config.clone();
    revoked.pat = PersonalAccessToken::new(seed::REVOKED_PAT);
    let mut old_host = config.clone();
    old_host.auth_url =
        BaseUrl::parse("GOTO_AUTH_URL", &format!("{}/oauth/v2", sandbox.base_url())).unwrap();

    // Each broken answer echoes credentials where a careless message would quote them: the PAT
    // and a token (caught by their shape) and the 20-character client secret (caught because the
    // exchange knows it sent it).
    let echo = format!("{} {} {ECHOED_TOKEN}", seed::PAT, seed::CLIENT_SECRET);
    let mut errors: Vec<(&str, ExchangeError)> = Vec::new();
    let mut run = |what, config: &goto_auth_core::Config| {
        let error = exchange(&client, config, |_| {}).expect_err(what);
        errors.push((what, error));
    };
    run("revoked PAT", &revoked);
    run("decommissioned host", &old_host);
    answering(
        &sandbox,
        400,
        "application/json",
        &format!(r#"{{"error":"invalid_grant","error_description":"pat {echo} is revoked"}}"#),
    );
    run("OAuth error echoing credentials", &config);
    answering(
        &sandbox,
        200,
        "text/html",
        &format!("<html><body>token {echo}</body></html>"),
    );
    run("HTML answer", &config);
    answering(
        &sandbox,
        200,
        "application/json",
        &format!(r#"{{"access_token":"{ECHOED_TOKEN}","token_type":"{ECHOED_TOKEN}"}}"#),
    );
    run("token type echoing the token", &config);
    answering(
        &sandbox,
        200,
        "application/json",
        &format!(r#"{{"access_token":"{ECHOED_TOKEN}","token_type":"Bearer","expires_in":[1]}}"#),
    );
    run("expires_in of the wrong type", &config);
    answering(
        &sandbox,
        200,
        "application/json",
        &format!(r#"{{"access_token":{{"nested":"{ECHOED_TOKEN}"}}}}"#),
    );
    run("access_token of the wrong type", &config);
    answering(
        &sandbox,
        404,
        "application/json",
        &format!(r#"{{"message":"no such client {echo}"}}"#),
    );
    run("other status echoing credentials", &config);
    for (what, error) in &errors {
        assert_error_redacted(what, error, &[]);
    }
    assert_eq!(errors.len(), 8);
}

#[test]
fn ok_every_transport_error_is_redacted() {
    let sandbox = Sandbox::start();
    let client = goto_http::connect(Duration::from_secs(1), Reach::LoopbackHttp).unwrap();
    let config = sources(&sandbox, "unused").config().unwrap();
    let request = token_request(&config);
    let fail = |what: &str, kind: FaultKind| {
        sandbox.inject(Fault {
            path_prefix: "/oauth/token".into(),
            times: 1,
            kind,
        });
        let error = client.send(&request).expect_err(what);
        // In an exchange, a transport error reaches the caller wrapped like this.
        let error = ExchangeError::from(error);
        assert!(matches!(error, ExchangeError::Transport(_)));
        assert_error_redacted(what, &error, &[]);
    };
    fail("slow headers", FaultKind::Delay(Duration::from_secs(3)));
    fail("slow body", FaultKind::SlowBody(Duration::from_millis(300)));
    fail("dropped connection", FaultKind::Drop);
    fail("truncated answer", FaultKind::Truncate);
    fail("oversized answer", FaultKind::Oversized(9 << 20));
    drop(sandbox);

    let refused = goto_http::connect(Duration::from_secs(1), Reach::LoopbackHttp)
        .unwrap()
        .send(&request)
        .expect_err("nothing listens any more");
    assert!(
        matches!(refused, TransportError::Connection { .. }),
        "{refused}"
    );
    assert_error_redacted("refused connection", &refused, &[]);

    // A certificate that does not verify: the sandbox's TLS mode, whose test CA no store holds.
    let https = Sandbox::start_with(Options {
        tls: Tls::TestCa,
        ..Options::default()
    })
    .unwrap();
    let mut to_https = request.clone();
    to_https.url = format!("{}/oauth/token", https.base_url());
    let untrusted = goto_http::connect(Duration::from_secs(5), Reach::Https)
        .unwrap()
        .send_counting(&to_https, |_| {
            panic!("a certificate failure is never retried")
        });
    assert_eq!(untrusted.made, 1);
    let untrusted = untrusted.result.expect_err("the test CA is not trusted");
    assert!(
        matches!(untrusted, TransportError::Certificate { ref host, .. } if host == "127.0.0.1"),
        "{untrusted}"
    );
    assert_error_redacted("untrusted certificate", &untrusted, &[]);
}

#[test]
fn ok_configuration_and_env_file_errors_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    let secret_line = format!("GOTO_PAT='{}", seed::PAT);
    std::fs::write(
        &path,
        format!(
            "GOTO_CLIENT_SECRET={}\n{secret_line}\n",
            seed::CLIENT_SECRET
        ),
    )
    .unwrap();
    let mut errors: Vec<(&str, Box<dyn std::error::Error>)> = vec![(
        "unclosed quote",
        Box::new(read_file(&path).expect_err("unclosed quote")),
    )];
    std::fs::write(&path, format!("GOTO_PAT {}\n", seed::PAT)).unwrap();
    errors.push((
        "missing equals",
        Box::new(read_file(&path).expect_err("no equals sign")),
    ));
    std::fs::write(&path, format!("GOTO_PAT={}\n", seed::PAT)).unwrap();
    errors.push((
        "unportable value",
        Box::new(
            update_file(
                &path,
                &[("GOTO_ACCESS_TOKEN", &format!("{ECHOED_TOKEN}'\""))],
            )
            .expect_err("a single quote is unportable"),
        ),
    ));
    errors.push((
        "control character",
        Box::new(
            update_file(
                &path,
                &[("GOTO_ACCESS_TOKEN", &format!("{ECHOED_TOKEN}\n"))],
            )
            .expect_err("a newline is unportable"),
        ),
    ));

    let missing_secret = Sources::new(
        &path,
        vec![
            ("GOTO_CLIENT_ID".into(), seed::CLIENT_ID.into()),
            ("GOTO_PAT".into(), seed::PAT.into()),
        ],
        |_| None,
    );
    errors.push((
        "missing key",
        Box::new(missing_secret.config().expect_err("no client secret")),
    ));
    for (what, url) in [
        (
            "user info in the URL",
            format!(
                "https://client:{}@authentication.logmeininc.com",
                seed::CLIENT_SECRET
            ),
        ),
        (
            "query in the URL",
            format!("https://authentication.logmeininc.com/?pat={}", seed::PAT),
        ),
        (
            "plain http off loopback",
            format!("http://auth.example.test/{}", seed::CLIENT_SECRET),
        ),
    ] {
        errors.push((
            what,
            Box::new(BaseUrl::parse("GOTO_AUTH_URL", &url).expect_err(what)),
        ));
    }
    for (what, error) in &errors {
        assert_error_redacted(what, error.as_ref(), &[]);
    }
}

#[test]
fn ok_answers_never_show_their_body() {
    let answer = HttpResponse {
        status: 200,
        content_type: Some("application/json".into()),
        retry_after: Some("1".into()),
        body: format!(r#"{{"access_token":"{ECHOED_TOKEN}"}}"#).into_bytes(),
    };
    let shown = format!("{answer:#?}");
    assert_redacted("HttpResponse", &shown, &[]);
    assert!(shown.contains("bytes"), "{shown}");
}
