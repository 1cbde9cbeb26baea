//! A blocking program on goto-auth: who am I, and every user of my account.
//!
//! Against the local sandbox (no GoTo account needed), in two terminals:
//!
//! ```console
//! $ cargo xtask sandbox --env-file sandbox.env
//! $ cargo run -p goto-auth --example blocking -- sandbox.env
//! ```
//!
//! Against GoTo, give it your own `.env` (the one `cargo xtask init` made). Set `RUST_LOG`-style
//! logging up with any `log` backend to see the exchanges, renewals and retries.

#![expect(
    clippy::print_stdout,
    reason = "an example program shows what it found"
)]

use goto_auth::GoTo;
use serde::Deserialize;

/// The part of SCIM's `/identity/v1/Users/me` this program reads.
#[derive(Debug, Deserialize)]
struct Me {
    #[serde(rename = "userName")]
    user_name: String,
    #[serde(rename = "urn:scim:schemas:extension:getgo:1.0")]
    getgo: GetGo,
}

/// GoTo's SCIM extension: the accounts the user belongs to.
#[derive(Debug, Deserialize)]
struct GetGo {
    accounts: Vec<Account>,
}

#[derive(Debug, Deserialize)]
struct Account {
    /// The account key.
    value: String,
}

fn main() -> Result<(), goto_auth::Error> {
    let env_file = std::env::args().nth(1).unwrap_or_else(|| ".env".to_owned());
    let goto = GoTo::from_env_file(&env_file)?;
    let me: Me = goto.get("/identity/v1/Users/me")?;
    println!("signed in as {}", me.user_name);
    for account in &me.getgo.accounts {
        let users: Vec<serde_json::Value> =
            goto.get_all(&format!("/users/v1/users?accountKey={}", account.value))?;
        println!("{} users in account {}", users.len(), account.value);
    }
    Ok(())
}
