//! The blocking client in a tokio program.

use goto_auth::{Error, GoTo};
use serde_json::Value;

use crate::support::*;

#[test]
fn ok_the_blocking_client_works_inside_spawn_blocking_and_is_created_and_dropped_in_a_runtime() {
    let setup = Setup::new();
    for flavour in ["current_thread", "multi_thread"] {
        let runtime = match flavour {
            "current_thread" => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        }
        .enable_all()
        .build()
        .unwrap();
        let env_file = setup.env_file.clone();
        runtime.block_on(async move {
            // Created, and dropped, on the runtime's own thread.
            let goto = GoTo::from_env_file(&env_file).unwrap();
            let worker = goto.clone();
            let me =
                tokio::task::spawn_blocking(move || worker.get::<Value>("/identity/v1/Users/me"))
                    .await
                    .unwrap()
                    .unwrap();
            assert_eq!(me["userName"], seed::ADMIN_EMAIL, "{flavour}");
            drop(goto);
        });
    }
}

#[test]
fn err_the_blocking_client_on_a_runtime_thread_returns_an_error_instead_of_panicking() {
    let setup = Setup::new();
    let goto = GoTo::from_env_file(&setup.env_file).unwrap();
    for flavour in ["current_thread", "multi_thread"] {
        let runtime = match flavour {
            "current_thread" => tokio::runtime::Builder::new_current_thread(),
            _ => tokio::runtime::Builder::new_multi_thread(),
        }
        .enable_all()
        .build()
        .unwrap();
        let in_block_on = runtime.block_on(async { goto.get::<Value>("/identity/v1/Users/me") });
        let goto_task = goto.clone();
        let in_task = runtime
            .block_on(runtime.spawn(async move { goto_task.access_token() }))
            .unwrap();
        for result in [in_block_on.map(|_| ()), in_task.map(|_| ())] {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::RuntimeThread), "{flavour}: {error}");
            let text = error.to_string();
            assert!(
                text.contains("AsyncGoTo") && text.contains("spawn_blocking"),
                "{text}"
            );
        }
    }
    assert!(setup.sandbox.requests().is_empty(), "nothing was sent");
    // The same client still works where blocking is fine.
    let _: Value = goto.get("/identity/v1/Users/me").unwrap();
}
