//! No secret in any error's `Display` or `Debug`, nor in any log record: not the client secret,
//! the PAT, the Basic credential or a token, in any form we send them.

use goto_auth::GoTo;
use serde_json::Value;

use crate::support::*;

#[test]
fn ok_errors_and_log_records_hold_no_secret() {
    let setup = Setup::new();
    log_records();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    let mut errors = Vec::new();
    // An exchange, a retry, a renewal after a rejection.
    setup.sandbox.inject(Fault {
        path_prefix: "/users/v1/lines".into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 503,
            content_type: Some("application/json".into()),
            body: br#"{"errorCode":"UNAVAILABLE","message":"later"}"#.to_vec(),
            retry_after: Some("0".into()),
        },
    });
    let _: Value = goto.get("/users/v1/lines").unwrap();
    let token = goto.access_token().unwrap().expose_secret().to_owned();
    setup.sandbox.expire_issued_tokens();
    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
    let renewed = goto.access_token().unwrap().expose_secret().to_owned();
    // A token endpoint that echoes the credentials back, and one that refuses the PAT.
    setup.sandbox.expire_issued_tokens();
    setup.sandbox.inject(Fault {
        path_prefix: "/oauth/token".into(),
        times: 1,
        kind: FaultKind::Echo {
            status: 401,
            suffix: String::new(),
        },
    });
    errors.push(goto.get::<Value>("/identity/v1/Users/me").unwrap_err());
    // An API that echoes the token it was sent.
    setup.sandbox.inject(Fault {
        path_prefix: "/users/v1/lines".into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 400,
            content_type: Some("application/json".into()),
            body: format!(r#"{{"errorCode":"BAD","message":"token {renewed} is odd"}}"#)
                .into_bytes(),
            retry_after: None,
        },
    });
    errors.push(goto.get::<Value>("/users/v1/lines").unwrap_err());
    let revoked = Setup::with_pat(seed::REVOKED_PAT);
    let goto = GoTo::from_env_file(&revoked.env_file).unwrap();
    errors.push(goto.get::<Value>("/identity/v1/Users/me").unwrap_err());

    let mut secrets = seed_secrets();
    secrets.extend([seed::REVOKED_PAT.to_owned(), token, renewed]);
    for error in &errors {
        assert_no_secret("an error's Display", &chain(error), &secrets);
        assert_no_secret("an error's Debug", &format!("{error:?}"), &secrets);
    }
    assert!(
        chain(&errors[0]).contains("[redacted]"),
        "{}",
        chain(&errors[0])
    );
    let records = log_records().join("\n");
    for expected in [
        "exchanging the personal access token",
        "retrying",
        "rejected the access token",
    ] {
        assert!(
            records.contains(expected),
            "no record says {expected:?}:\n{records}"
        );
    }
    assert!(records.contains("goto_auth"), "{records}");
    assert_no_secret("the log", &records, &secrets);
    assert_no_secret("a client's Debug", &format!("{goto:?}"), &secrets);
}

/// An error's `Display` and every cause's after it, as `anyhow`'s `{:#}` shows them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}
