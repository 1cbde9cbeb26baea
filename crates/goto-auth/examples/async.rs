//! An async program on goto-auth (feature `async`): ten calls at once, one exchange.
//!
//! Against the local sandbox, in two terminals:
//!
//! ```console
//! $ cargo xtask sandbox --env-file sandbox.env
//! $ cargo run -p goto-auth --features async --example async -- sandbox.env
//! ```

#![expect(
    clippy::print_stdout,
    reason = "an example program shows what it found"
)]

use goto_auth::AsyncGoTo;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), goto_auth::Error> {
    let env_file = std::env::args().nth(1).unwrap_or_else(|| ".env".to_owned());
    let goto = AsyncGoTo::from_env_file(&env_file)?;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let goto = goto.clone();
        calls.spawn(async move { goto.get::<serde_json::Value>("/users/v1/lines").await });
    }
    while let Some(answer) = calls.join_next().await {
        let lines = answer.expect("the task ran")?;
        println!("{} lines", lines["items"].as_array().map_or(0, Vec::len));
    }
    Ok(())
}
