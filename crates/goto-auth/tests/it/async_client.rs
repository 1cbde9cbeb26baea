//! The async client on both tokio flavours.

use std::time::Duration;

use goto_auth::AsyncGoTo;
use serde_json::Value;

use crate::support::*;

fn runtime(flavour: &str) -> tokio::runtime::Runtime {
    match flavour {
        "current_thread" => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    }
    .enable_all()
    .build()
    .unwrap()
}

/// A future that is `Send` (spawned tasks need it); fails to compile otherwise.
fn assert_send<T: Send>(value: T) -> T {
    value
}

#[test]
fn ok_32_tasks_share_one_exchange_on_both_flavours() {
    for flavour in ["current_thread", "multi_thread"] {
        let setup = Setup::new();
        let goto = AsyncGoTo::from_env_file(&setup.env_file).unwrap();
        runtime(flavour).block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..32 {
                let goto = goto.clone();
                tasks.push(tokio::spawn(assert_send(async move {
                    goto.get::<Value>("/identity/v1/Users/me").await
                })));
            }
            for task in tasks {
                let me = task.await.unwrap().unwrap();
                assert_eq!(me["userName"], seed::ADMIN_EMAIL);
            }
        });
        assert_eq!(setup.exchanges(), 1, "{flavour}");
        assert!(
            std::fs::read_to_string(&setup.env_file)
                .unwrap()
                .contains("GOTO_ACCESS_TOKEN="),
            "the token is cached in the env file"
        );
    }
}

#[test]
fn ok_a_caller_that_drops_its_future_mid_exchange_strands_no_other_caller() {
    let setup = Setup::new();
    setup
        .sandbox
        .set_route_latency("/oauth/token", Duration::from_millis(400));
    let goto = AsyncGoTo::from_env_file(&setup.env_file).unwrap();
    runtime("multi_thread").block_on(async {
        let first = goto.clone();
        let dropped = tokio::time::timeout(Duration::from_millis(100), async move {
            first.get::<Value>("/identity/v1/Users/me").await
        })
        .await;
        assert!(dropped.is_err(), "the first caller gave up mid-exchange");
        let me: Value =
            tokio::time::timeout(Duration::from_secs(20), goto.get("/identity/v1/Users/me"))
                .await
                .expect("the next caller is not stranded")
                .unwrap();
        assert_eq!(me["userName"], seed::ADMIN_EMAIL);
    });
}

#[test]
fn ok_renewal_after_rejection_paging_and_send_work_awaited() {
    let setup = Setup::new();
    let goto = AsyncGoTo::builder()
        .client_id(seed::CLIENT_ID)
        .client_secret(seed::CLIENT_SECRET)
        .pat(seed::PAT)
        .auth_url(setup.sandbox.base_url())
        .api_url(setup.sandbox.base_url())
        .build()
        .unwrap();
    runtime("current_thread").block_on(async {
        let _: Value = goto.get("/identity/v1/Users/me").await.unwrap();
        setup.sandbox.expire_issued_tokens();
        let _: Value = goto.get("/identity/v1/Users/me").await.unwrap();
        assert_eq!(setup.exchanges(), 2, "one renewal");
        let users: Vec<Value> = goto
            .get_all(&format!(
                "/users/v1/users?accountKey={}&pageSize=1",
                seed::ACCOUNT_KEY
            ))
            .await
            .unwrap();
        assert_eq!(users.len(), seed::USER_COUNT);
        let error = goto.get::<Value>("//evil.example/x").await.unwrap_err();
        assert!(error.is_configuration(), "{error}");
        let token = goto.access_token().await.unwrap();
        assert!(!token.expose_secret().is_empty());
    });
    // Nothing was written: the builder was given no env file.
    let stored = std::fs::read_to_string(&setup.env_file).unwrap();
    assert!(!stored.contains("GOTO_ACCESS_TOKEN"), "{stored}");
}
