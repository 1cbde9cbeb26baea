//! Fidelity with GoTo's own guide: its two curl commands, run with the real `curl` binary, word for
//! word except for the host, get the answers the guide documents, also with exactly the values
//! the `goto-sandbox` binary prints.

use std::process::Command;

use goto_sandbox::{Pat, Sandbox, UserId, seed};
use serde_json::Value;

use crate::binary::value;

/// Runs `script` with bash, the way a reader pastes the guide into a terminal, and returns stdout.
/// Proxy variables are removed so that loopback traffic cannot be sent to a proxy.
fn run_shell(script: &str) -> String {
    match Command::new("curl").arg("--version").output() {
        Ok(output) if output.status.success() => {}
        _ => panic!(
            "these tests run GoTo's guide with the real curl binary: install curl (e.g. `apt-get install curl`)"
        ),
    }
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("all_proxy")
        .env_remove("ALL_PROXY")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{script}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The guide's token request, its host swapped for the sandbox.
fn guide_token_request(base_url: &str, pat: &str) -> String {
    format!(
        r#"curl -X POST "{base_url}/oauth/token" \
-H "Authorization: Basic $(echo -n "{id}:{secret}" | base64)" \
-H "Accept:application/json" \
-H "Content-Type: application/x-www-form-urlencoded" \
-d "grant_type=personal_access_token&pat={pat}""#,
        id = seed::CLIENT_ID,
        secret = seed::CLIENT_SECRET,
    )
}

/// The guide's follow-up call, its host swapped for the sandbox.
fn guide_users_me(base_url: &str, access_token: &str) -> String {
    format!(
        r#"curl -H "Accept: application/json" \
-H "Authorization: Bearer {access_token}" \
"{base_url}/identity/v1/Users/me""#
    )
}

#[test]
fn ok_the_guides_curl_commands_work_as_documented() {
    let sandbox = Sandbox::start();
    // A PAT like the guide's example: letters and digits only, which `-d` sends unharmed.
    let pat = "iS0vynEEvRFA9i6kZ8gvNDnnOGE";
    sandbox.add_pat(Pat {
        value: pat.to_owned(),
        user: UserId::Admin,
        scopes: vec![
            "identity:scim.me".to_owned(),
            "users.v1.lines.read".to_owned(),
        ],
        revoked: false,
    });
    let answer: Value =
        serde_json::from_str(&run_shell(&guide_token_request(&sandbox.base_url(), pat)))
            .expect("the token answer is JSON");
    let fields: Vec<&str> = answer
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    for documented in [
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "principal",
    ] {
        assert!(
            fields.contains(&documented),
            "{documented} missing from {answer}"
        );
    }
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3600);
    assert_eq!(answer["scope"], "identity:scim.me users.v1.lines.read");
    assert_eq!(answer["principal"], seed::ADMIN_EMAIL);
    let access_token = answer["access_token"].as_str().expect("a token");
    assert!(access_token.starts_with("eyJraWQiOiJvYXV0aHYyLmxt"));

    // The exchange went out exactly as the guide builds it.
    let exchange = &sandbox.requests()[0];
    assert_eq!(exchange.header("accept"), Some("application/json"));
    assert_eq!(
        exchange.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );

    let me: Value = serde_json::from_str(&run_shell(&guide_users_me(
        &sandbox.base_url(),
        access_token,
    )))
    .expect("the SCIM answer is JSON");
    assert_eq!(me["userName"], seed::ADMIN_EMAIL);
    assert_eq!(me["id"], seed::ADMIN_USER_KEY);
    assert_eq!(
        me["urn:scim:schemas:extension:getgo:1.0"]["accounts"][0]["value"],
        seed::ACCOUNT_KEY
    );
}

#[test]
fn err_the_guides_unencoded_d_mangles_a_pat_with_plus() {
    let sandbox = Sandbox::start();
    // `-d` sends its text as is; the `+` in the seeded PAT then decodes as a space.
    let verbatim: Value = serde_json::from_str(&run_shell(&guide_token_request(
        &sandbox.base_url(),
        seed::PAT,
    )))
    .expect("JSON");
    assert_eq!(verbatim["error"], "invalid_grant");
    // Encoding the PAT, as a careful client does, succeeds.
    let encoded_script = guide_token_request(&sandbox.base_url(), seed::PAT).replace(
        &format!(r#"-d "grant_type=personal_access_token&pat={}""#, seed::PAT),
        &format!(
            r#"-d "grant_type=personal_access_token" --data-urlencode "pat={}""#,
            seed::PAT
        ),
    );
    let encoded: Value = serde_json::from_str(&run_shell(&encoded_script)).expect("JSON");
    assert_eq!(encoded["principal"], seed::ADMIN_EMAIL, "{encoded}");
}

#[test]
fn ok_the_guides_curl_commands_work_as_typed_with_the_printed_values() {
    let (_running, pairs) = crate::binary::start(&[]);
    let base_url = value(&pairs, "GOTO_AUTH_URL");
    let script = format!(
        r#"curl -X POST "{base_url}/oauth/token" \
-H "Authorization: Basic $(echo -n "{id}:{secret}" | base64)" \
-H "Accept:application/json" \
-H "Content-Type: application/x-www-form-urlencoded" \
-d "grant_type=personal_access_token&pat={pat}""#,
        id = value(&pairs, "GOTO_CLIENT_ID"),
        secret = value(&pairs, "GOTO_CLIENT_SECRET"),
        pat = value(&pairs, "GOTO_PAT"),
    );
    let answer: Value = serde_json::from_str(&run_shell(&script)).expect("JSON");
    assert_eq!(answer["token_type"], "Bearer", "{answer}");
    assert_eq!(answer["principal"], seed::ADMIN_EMAIL);
    let access_token = answer["access_token"].as_str().expect("a token");
    let me: Value = serde_json::from_str(&run_shell(&guide_users_me(
        value(&pairs, "GOTO_API_URL"),
        access_token,
    )))
    .expect("JSON");
    assert_eq!(me["userName"], seed::ADMIN_EMAIL, "{me}");
    assert_eq!(me["id"], seed::ADMIN_USER_KEY);
}
