//! The blocking client, through its public API alone.

use std::time::Duration;

use goto_auth::{Error, GoTo};
use serde_json::Value;

use crate::support::*;

#[test]
fn ok_32_threads_arriving_at_once_share_one_exchange() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    let barrier = std::sync::Barrier::new(32);
    std::thread::scope(|scope| {
        for _ in 0..32 {
            let goto = goto.clone();
            let barrier = &barrier;
            scope.spawn(move || {
                barrier.wait();
                let me: Value = goto.get("/identity/v1/Users/me").unwrap();
                assert_eq!(me["userName"], seed::ADMIN_EMAIL);
            });
        }
    });
    assert_eq!(setup.exchanges(), 1);
    assert_eq!(setup.requests_to("/identity/v1/Users/me"), 32);
}

#[test]
fn ok_the_token_is_cached_in_the_env_file_and_reused_by_the_next_client() {
    let setup = Setup::new();
    let first = GoTo::from_env_file(&setup.env_file).unwrap();
    let _: Value = first.get("/identity/v1/Users/me").unwrap();
    let stored = std::fs::read_to_string(&setup.env_file).unwrap();
    assert!(stored.contains("GOTO_ACCESS_TOKEN="), "{stored}");
    let second = GoTo::from_env_file(&setup.env_file).unwrap();
    let _: Value = second.get("/identity/v1/Users/me").unwrap();
    assert_eq!(
        setup.exchanges(),
        1,
        "the second client reused the stored token"
    );
}

#[test]
fn ok_a_token_with_303_s_to_live_is_reused_then_renewed_once_under_5_minutes_are_left() {
    let setup = Setup::new();
    // 3 s above the 5-minute margin: long enough for the first call on a busy machine, short
    // enough that the test need not wait long for the margin to be crossed.
    setup.sandbox.set_token_lifetime(303);
    let goto = GoTo::builder()
        .client_id(seed::CLIENT_ID)
        .client_secret(seed::CLIENT_SECRET)
        .pat(seed::PAT)
        .auth_url(setup.sandbox.base_url())
        .api_url(setup.sandbox.base_url())
        .build()
        .unwrap();
    let first = goto.access_token().unwrap();
    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
    assert_eq!(
        setup.exchanges(),
        1,
        "reused while more than 5 minutes are left"
    );
    // 3 s later it has less than 5 minutes left: the next call renews it first.
    std::thread::sleep(Duration::from_millis(3_300));
    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
    assert_eq!(setup.exchanges(), 2);
    let second = goto.access_token().unwrap();
    assert_ne!(first.expose_secret(), second.expose_secret());
    assert_eq!(
        setup.exchanges(),
        2,
        "the renewed token is good for a while again"
    );
}

#[test]
fn ok_two_waves_of_rejections_make_two_renewals() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
    for wave in 1..=2 {
        // GoTo revokes every token it issued (a password change, an admin's action).
        setup.sandbox.expire_issued_tokens();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                let goto = goto.clone();
                scope.spawn(move || {
                    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
                });
            }
        });
        assert_eq!(
            setup.exchanges(),
            1 + wave,
            "wave {wave}: one renewal, shared"
        );
    }
}

#[test]
fn err_20_calls_an_api_refuses_with_a_fresh_token_make_one_exchange() {
    // A member is not an account administrator: the Admin API refuses their token with a 401.
    let setup = Setup::with_pat(seed::MEMBER_PAT);
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    for _ in 0..20 {
        let error = goto.get::<Value>("/admin/rest/v1/me").unwrap_err();
        assert_eq!(error.status(), Some(401), "{error}");
    }
    assert_eq!(setup.exchanges(), 1, "no renewal storm");
    assert_eq!(setup.requests_to("/admin/rest/v1/me"), 20);
}

#[test]
fn err_a_path_that_would_reach_another_host_is_refused_before_anything_is_sent() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    for path in [
        "//evil.example/x",
        "@evil.example/x",
        "evil.example/x",
        "https://evil.example/x",
        "/x#fragment",
        "/\\evil.example",
    ] {
        let error = goto.get::<Value>(path).unwrap_err();
        assert!(error.is_configuration(), "{path}: {error}");
        assert!(error.to_string().contains("nothing was sent"), "{error}");
        assert_eq!(error.status(), None);
    }
    assert!(
        setup.sandbox.requests().is_empty(),
        "not even the exchange was made"
    );
}

#[test]
fn ok_a_read_only_env_file_is_read_and_the_token_kept_in_memory() {
    use std::os::unix::fs::PermissionsExt;
    let setup = Setup::new();
    std::fs::set_permissions(&setup.env_file, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&setup.env_file).unwrap();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    for _ in 0..3 {
        let _: Value = goto.get("/identity/v1/Users/me").unwrap();
    }
    assert_eq!(setup.exchanges(), 1, "kept in memory");
    assert_eq!(std::fs::read(&setup.env_file).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(setup.dir()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left");
}

#[test]
fn ok_get_all_follows_both_paging_styles() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    let me: Value = goto.get("/identity/v1/Users/me").unwrap();
    let account_key = me["urn:ietf:params:scim:schemas:extension:getgo:2.0:User"]["accountKey"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| seed::ACCOUNT_KEY.to_owned());
    // GoTo Connect: `nextPageMarker`, one user a page.
    let users: Vec<Value> = goto
        .get_all(&format!(
            "/users/v1/users?accountKey={account_key}&pageSize=1"
        ))
        .unwrap();
    assert_eq!(users.len(), seed::USER_COUNT);
    let pages = setup.requests_to("/users/v1/users");
    assert_eq!(pages, seed::USER_COUNT, "one request a page");
    // GoToWebinar: `page.number` / `page.totalPages`, one webinar a page.
    let webinars: Vec<Value> = goto
        .get_all(&format!(
            "/G2W/rest/v2/organizers/{}/webinars?fromTime=2000-01-01T00:00:00Z&toTime=2100-01-01T00:00:00Z&size=1",
            seed::ADMIN_USER_KEY
        ))
        .unwrap();
    assert_eq!(webinars.len(), seed::ADMIN_WEBINAR_COUNT);
    // An answer in no paging style is an error, never one page passed off as the list.
    let error = goto.get_all::<Value>("/identity/v1/Users/me").unwrap_err();
    assert!(matches!(error, Error::Paging { .. }), "{error}");
}

#[test]
fn ok_send_sends_a_post_once_and_reads_an_empty_answer_as_null() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    setup.sandbox.inject(Fault {
        path_prefix: "/notification-channel/v1/channels".into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 503,
            content_type: Some("application/json".into()),
            body: br#"{"errorCode":"UNAVAILABLE","message":"try later"}"#.to_vec(),
            retry_after: None,
        },
    });
    let body = serde_json::json!({"channelNickname": "mine", "channelType": "Webhook"});
    let error = goto
        .send("POST", "/notification-channel/v1/channels", Some(&body))
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        setup.requests_to("/notification-channel/v1/channels"),
        1,
        "a POST is not retried"
    );
    setup.sandbox.inject(Fault {
        path_prefix: "/notification-channel/v1/channels".into(),
        times: 1,
        kind: FaultKind::Respond {
            status: 204,
            content_type: None,
            body: Vec::new(),
            retry_after: None,
        },
    });
    let answer = goto
        .send("DELETE", "/notification-channel/v1/channels", None)
        .unwrap();
    assert_eq!(answer, Value::Null);
}

#[test]
fn err_missing_configuration_fails_at_construction() {
    let setup = Setup::new();
    std::fs::write(&setup.env_file, "GOTO_CLIENT_ID=x\nGOTO_CLIENT_SECRET=y\n").unwrap();
    let error = GoTo::from_env_file(&setup.env_file).unwrap_err();
    assert!(error.is_configuration());
    assert!(error.to_string().contains("GOTO_PAT"), "{error}");
    let error = GoTo::builder()
        .client_id("x")
        .client_secret("y")
        .pat("z")
        .auth_url("http://auth.example.test")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("https is required"), "{error}");
    // Values from anywhere: the message names the builder's method, not an environment variable.
    let error = GoTo::builder()
        .client_id("x")
        .client_secret("y")
        .build()
        .unwrap_err();
    let text = error.to_string();
    assert!(text.contains("`.pat()` on the builder"), "{text}");
    assert!(!text.contains("environment"), "{text}");
    // A mistyped env file path says the file is not there.
    let error = GoTo::from_env_file(setup.dir().join("no-such.env")).unwrap_err();
    assert!(error.is_configuration());
    assert!(error.to_string().contains("no-such.env"), "{error}");
    assert!(!error.to_string().contains("GOTO_CLIENT_ID"), "{error}");
    assert!(setup.sandbox.requests().is_empty());
}

#[test]
fn err_a_host_that_never_answers_times_out_with_the_timeout_given() {
    let setup = Setup::new();
    // Accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api_url = format!("http://{}", silent.local_addr().unwrap());
    let goto = GoTo::builder()
        .client_id(seed::CLIENT_ID)
        .client_secret(seed::CLIENT_SECRET)
        .pat(seed::PAT)
        .auth_url(setup.sandbox.base_url())
        .api_url(api_url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = goto.get::<Value>("/identity/v1/Users/me").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("within 300 ms"), "{text}");
    assert!(
        text.contains("after 4 attempts"),
        "a read is retried: {text}"
    );
    assert!(
        !text.contains("--timeout"),
        "no command-line flag in the library: {text}"
    );
    drop(silent);
}

#[test]
fn err_a_refused_pat_fails_at_the_first_call_that_needs_a_token() {
    let setup = Setup::with_pat(seed::REVOKED_PAT);
    let goto = GoTo::from_env_file(&setup.env_file).expect("configuration is complete");
    assert!(setup.sandbox.requests().is_empty(), "nothing sent yet");
    let error = goto.get::<Value>("/identity/v1/Users/me").unwrap_err();
    assert!(!error.is_configuration());
    assert!(error.to_string().contains("invalid_grant"), "{error}");
    assert!(
        !error.to_string().contains("cargo xtask"),
        "the library's messages name no xtask command: {error}"
    );
}
