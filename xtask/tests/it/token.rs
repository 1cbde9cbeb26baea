//! `cargo xtask token`, clause by clause of the contract's env-file and token sections.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use goto_sandbox::{Client, Fault, FaultKind, Pat, UserId};

use crate::support::*;

fn respond(
    path: &str,
    times: usize,
    status: u16,
    content_type: &str,
    body: &str,
    retry_after: Option<&str>,
) -> Fault {
    Fault {
        path_prefix: path.to_owned(),
        times,
        kind: FaultKind::Respond {
            status,
            content_type: Some(content_type.to_owned()),
            body: body.as_bytes().to_vec(),
            retry_after: retry_after.map(str::to_owned),
        },
    }
}

#[test]
fn ok_exchange_sends_the_guides_request_and_writes_the_token() {
    let sandbox = Sandbox::start();
    let pat = "pat+with/special=chars&more";
    sandbox.add_pat(Pat {
        value: pat.to_owned(),
        user: UserId::Admin,
        scopes: vec!["identity:scim.me".into(), "collab:".into()],
        revoked: false,
    });
    let ws = Workspace::for_sandbox(&sandbox, pat);
    let run = ws.xtask(&["token"]).secret(pat).run();
    run.assert_code(0).assert_stderr_contains(seed::ADMIN_EMAIL);
    assert_eq!(run.stdout, "", "human output goes to stderr");

    let requests = sandbox.requests();
    let exchange = requests
        .iter()
        .find(|r| r.path == "/oauth/token")
        .expect("an exchange");
    assert_eq!(exchange.method, "POST");
    // echo -n "CLIENT_ID:CLIENT_SECRET" | base64, as the guide builds it.
    let basic = base64_encode(&format!("{}:{}", seed::CLIENT_ID, seed::CLIENT_SECRET));
    assert_eq!(
        exchange.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    assert_eq!(exchange.header("accept"), Some("application/json"));
    assert_eq!(
        exchange.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&exchange.body),
        "grant_type=personal_access_token&pat=pat%2Bwith%2Fspecial%3Dchars%26more"
    );

    for key in TOKEN_KEYS {
        assert!(
            ws.value(key).is_some_and(|v| !v.is_empty()),
            "{key} written"
        );
    }
    assert_eq!(
        ws.value("GOTO_TOKEN_SCOPE").unwrap(),
        "identity:scim.me collab:"
    );
    assert_eq!(ws.value("GOTO_TOKEN_PRINCIPAL").unwrap(), seed::ADMIN_EMAIL);
    let expires_at = ws.value("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap();
    assert!(
        expires_at.ends_with('Z') && expires_at.len() == 20,
        "{expires_at}"
    );
    assert!(
        ws.contents().starts_with("# test env file\n"),
        "comment kept"
    );
}

fn base64_encode(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn ok_cached_token_is_reused_without_a_request() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let before = ws.contents();
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("Reusing the stored access token");
    assert_eq!(token_requests(&sandbox), 1, "the second run sent nothing");
    assert_eq!(
        ws.contents(),
        before,
        "a reused token does not rewrite the file"
    );
}

#[test]
fn ok_token_expiring_within_five_minutes_is_renewed() {
    let sandbox = Sandbox::start();
    sandbox.set_token_lifetime(299);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let first = ws.value("GOTO_ACCESS_TOKEN").unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("expires within 5 minutes");
    assert_eq!(token_requests(&sandbox), 2);
    assert_ne!(ws.value("GOTO_ACCESS_TOKEN").unwrap(), first);
}

#[test]
fn ok_force_always_exchanges() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    ws.xtask(&["token", "--force"]).run().assert_code(0);
    assert_eq!(token_requests(&sandbox), 2);
}

#[test]
fn ok_new_pat_is_never_served_the_old_token() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let contents = ws.contents().replace(seed::PAT, seed::MEMBER_PAT);
    std::fs::write(&ws.env_file, contents).unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(0)
        .assert_stderr_contains("minted for another client, PAT or token host");
    assert_eq!(token_requests(&sandbox), 2);
    assert_eq!(
        ws.value("GOTO_TOKEN_PRINCIPAL").unwrap(),
        seed::MEMBER_EMAIL
    );
}

#[test]
fn ok_print_puts_exactly_the_token_on_stdout() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    let token = ws.value("GOTO_ACCESS_TOKEN").unwrap();
    let run = ws
        .xtask(&["token", "--print"])
        .allow_on_stdout(&token)
        .run();
    run.assert_code(0);
    assert_eq!(run.stdout, format!("{token}\n"));
}

#[test]
fn ok_json_is_one_object_without_secrets() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws.xtask(&["token", "--json"]).run();
    run.assert_code(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(json["principal"], seed::ADMIN_EMAIL);
    assert_eq!(json["reused"], false);
    assert_eq!(
        json["expires_at"],
        ws.value("GOTO_ACCESS_TOKEN_EXPIRES_AT").unwrap()
    );
    assert!(json.get("access_token").is_none());
    let again = ws.xtask(&["token", "--json"]).run();
    let json: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(json["reused"], true);
}

/// Each OAuth error: exit 1, the code, the guide's remedy, and the env file untouched.
#[test]
fn err_oauth_errors_name_the_remedy_and_leave_the_file_alone() {
    let sandbox = Sandbox::start();
    let cases = [
        (
            seed::CLIENT_ID,
            "wrong-secret-value-123",
            seed::PAT,
            "invalid_client",
            "check GOTO_CLIENT_ID and GOTO_CLIENT_SECRET",
        ),
        (
            seed::CLIENT_ID,
            seed::CLIENT_SECRET,
            seed::REVOKED_PAT,
            "invalid_grant",
            "wrong, expired or revoked",
        ),
        (
            seed::NO_PAT_GRANT_CLIENT_ID,
            seed::NO_PAT_GRANT_CLIENT_SECRET,
            seed::PAT,
            "unauthorized_client",
            "enable the Personal Access Token grant type",
        ),
        (
            seed::CLIENT_ID,
            seed::CLIENT_SECRET,
            seed::OVERSCOPED_PAT,
            "invalid_scope",
            "scopes must match",
        ),
    ];
    for (client_id, secret, pat, code, remedy) in cases {
        let ws = Workspace::with_contents(&format!(
            "GOTO_CLIENT_ID={client_id}\r\nGOTO_CLIENT_SECRET={secret}\r\nGOTO_PAT={pat}\r\nGOTO_AUTH_URL={}\r\n",
            sandbox.base_url()
        ));
        let before = ws.contents();
        let run = ws.xtask(&["token"]).secret(secret).run();
        run.assert_code(1)
            .assert_stderr_contains(code)
            .assert_stderr_contains(remedy);
        assert_eq!(ws.contents(), before, "{code}: the env file is untouched");
    }
}

#[test]
fn ok_429_with_retry_after_then_success() {
    let sandbox = Sandbox::start();
    sandbox.inject(respond(
        "/oauth/token",
        1,
        429,
        "application/json",
        r#"{"errorCode":"TOO_MANY_REQUESTS"}"#,
        Some("1"),
    ));
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let run = ws.xtask(&["token"]).run();
    run.assert_code(0)
        .assert_stderr_contains("answered 429; retrying in 1.0 s");
    assert_eq!(token_requests(&sandbox), 2);
    assert!(
        run.elapsed >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
}

#[test]
fn ok_503_twice_then_success() {
    let sandbox = Sandbox::start();
    sandbox.inject(respond(
        "/oauth/token",
        2,
        503,
        "text/plain",
        "Service Unavailable",
        None,
    ));
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    ws.xtask(&["token"]).run().assert_code(0);
    assert_eq!(token_requests(&sandbox), 3);
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());
}

#[test]
fn err_persistent_502_html_is_retried_four_times_then_explained() {
    let sandbox = Sandbox::start();
    let page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>";
    sandbox.inject(respond("/oauth/token", 100, 502, "text/html", page, None));
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let run = ws.xtask(&["token"]).run();
    run.assert_code(1)
        .assert_stderr_contains("answered 502 with text/html instead of JSON")
        .assert_stderr_contains("502 Bad Gateway nginx");
    assert_eq!(token_requests(&sandbox), 4, "at most 4 attempts");
    assert_eq!(ws.contents(), before);
}

#[test]
fn err_non_json_and_missing_fields_are_explained() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    sandbox.inject(respond("/oauth/token", 1, 200, "text/plain", "OK", None));
    ws.xtask(&["token"])
        .run()
        .assert_code(1)
        .assert_stderr_contains("answered 200 with text/plain instead of JSON");
    sandbox.inject(respond(
        "/oauth/token",
        1,
        200,
        "application/json",
        r#"{"access_token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl","token_type":"Bearer"}"#,
        None,
    ));
    let run = ws
        .xtask(&["token"])
        .secret("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")
        .run();
    run.assert_code(1)
        .assert_stderr_contains("expires_in is missing");
    assert_eq!(ws.contents(), before);
}

#[test]
fn err_hung_server_is_bounded_by_the_timeout() {
    let sandbox = Sandbox::start();
    sandbox.inject(Fault {
        path_prefix: "/oauth/token".into(),
        times: 100,
        kind: FaultKind::Delay(Duration::from_secs(60)),
    });
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let before = ws.contents();
    let run = ws.xtask(&["token", "--timeout", "1"]).run();
    run.assert_code(1).assert_stderr_contains("within 1 s");
    assert!(
        run.elapsed < Duration::from_secs(20),
        "bounded: {:?}",
        run.elapsed
    );
    assert_eq!(ws.contents(), before);
}

#[test]
fn err_missing_file_says_to_run_init() {
    let ws = Workspace::with_contents("");
    let missing = ws.dir().join("nope.env");
    let run = xtask(&["token"]).env_file(&missing).run();
    run.assert_code(2)
        .assert_stderr_contains("cargo xtask init");
}

#[test]
fn err_missing_key_names_it_and_where_it_comes_from() {
    let sandbox = Sandbox::start();
    let ws = Workspace::with_contents(&format!(
        "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_AUTH_URL={}\n",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        sandbox.base_url()
    ));
    ws.xtask(&["token"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("GOTO_PAT is not set")
        .assert_stderr_contains("myaccount.goto.com");
    assert_eq!(token_requests(&sandbox), 0);
}

#[test]
fn ok_environment_overrides_user_keys_but_not_the_stored_token() {
    let sandbox = Sandbox::start();
    let ws = Workspace::with_contents(&format!(
        "GOTO_CLIENT_ID={}\nGOTO_CLIENT_SECRET={}\nGOTO_PAT={}\nGOTO_AUTH_URL={}\n",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        seed::REVOKED_PAT,
        sandbox.base_url()
    ));
    let run = ws
        .xtask(&["token"])
        .env("GOTO_PAT", seed::PAT)
        .env("GOTO_ACCESS_TOKEN", "stale-token-from-the-shell-0123456789")
        .secret("stale-token-from-the-shell-0123456789")
        .run();
    run.assert_code(0);
    assert_eq!(
        ws.value("GOTO_PAT").unwrap(),
        seed::REVOKED_PAT,
        "user keys are not written"
    );
    assert_ne!(
        ws.value("GOTO_ACCESS_TOKEN").unwrap(),
        "stale-token-from-the-shell-0123456789"
    );
}

#[test]
fn ok_credentials_from_the_environment_alone_create_the_file() {
    let sandbox = Sandbox::start();
    let ws = Workspace::with_contents("");
    let env_file = ws.dir().join("ci.env");
    xtask(&["token"])
        .env_file(&env_file)
        .env("GOTO_CLIENT_ID", seed::CLIENT_ID)
        .env("GOTO_CLIENT_SECRET", seed::CLIENT_SECRET)
        .env("GOTO_PAT", seed::PAT)
        .env("GOTO_AUTH_URL", &sandbox.base_url())
        .run()
        .assert_code(0);
    let mode = std::fs::metadata(&env_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a new env file is private");
    assert!(dotenv_value(&env_file, "GOTO_ACCESS_TOKEN").is_some());
}

#[test]
fn err_plain_http_off_loopback_is_refused_before_connecting() {
    let ws = Workspace::with_contents(
        "GOTO_CLIENT_ID=id\nGOTO_CLIENT_SECRET=secret-value-1234\nGOTO_PAT=pat-value-1234\nGOTO_AUTH_URL=http://auth.goto.invalid\n",
    );
    ws.xtask(&["token"])
        .secret("secret-value-1234")
        .secret("pat-value-1234")
        .run()
        .assert_code(2)
        .assert_stderr_contains("https is required");
}

#[test]
fn err_decommissioned_token_host_is_explained() {
    let ws = Workspace::with_contents(
        "GOTO_CLIENT_ID=id\nGOTO_CLIENT_SECRET=secret-value-1234\nGOTO_PAT=pat-value-1234\nGOTO_AUTH_URL=https://api.getgo.com/oauth/v2\n",
    );
    ws.xtask(&["token"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("authentication.logmeininc.com");

    // A path on the token host is refused before any request: the host is all it takes.
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let contents = ws.contents().replace(
        &format!("GOTO_AUTH_URL={}", sandbox.base_url()),
        &format!("GOTO_AUTH_URL={}/oauth/v2", sandbox.base_url()),
    );
    std::fs::write(&ws.env_file, contents).unwrap();
    ws.xtask(&["token"])
        .run()
        .assert_code(2)
        .assert_stderr_contains("GOTO_AUTH_URL is the token host")
        .assert_stderr_contains("`/oauth/v2`");
    assert_eq!(token_requests(&sandbox), 0);

    // A server that answers like the old host did is recognised too.
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    sandbox.inject(respond(
        "/oauth/token",
        1,
        404,
        "application/json",
        r#"{"message":"This endpoint is no longer valid, see https://developer.goto.com/guides/Authentication/New_Token_Retrieval_Migration_Guide/"}"#,
        None,
    ));
    ws.xtask(&["token"])
        .run()
        .assert_code(1)
        .assert_stderr_contains("no longer valid")
        .assert_stderr_contains("authentication.logmeininc.com/oauth/token");
}

#[test]
fn ok_symlinked_env_file_stays_a_link() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let link = ws.dir().join("link.env");
    std::os::unix::fs::symlink(".env", &link).unwrap();
    xtask(&["token"]).env_file(&link).run().assert_code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        ws.value("GOTO_ACCESS_TOKEN").is_some(),
        "the target was updated"
    );
}

#[test]
fn ok_crlf_mode_and_other_bytes_are_kept() {
    let sandbox = Sandbox::start();
    let original = format!(
        "# CRLF file\r\nexport GOTO_CLIENT_ID={}\r\nGOTO_CLIENT_SECRET='{}'\r\n\r\nGOTO_PAT={}\r\nGOTO_AUTH_URL={}\r\nGOTO_ACCESS_TOKEN=old # keep this comment\r\nOTHER=\"x y\"",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET,
        seed::PAT,
        sandbox.base_url()
    );
    let ws = Workspace::with_contents(&original);
    std::fs::set_permissions(&ws.env_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    ws.xtask(&["token"]).run().assert_code(0);
    let after = ws.contents();
    let token = ws.value("GOTO_ACCESS_TOKEN").unwrap();
    assert!(after.starts_with(&original[..original.find("GOTO_ACCESS_TOKEN").unwrap()]));
    assert!(after.contains(&format!(
        "GOTO_ACCESS_TOKEN={token} # keep this comment\r\nOTHER=\"x y\"\r\n"
    )));
    assert!(after.contains("\r\nGOTO_TOKEN_MINTED_FOR="));
    assert!(
        !after.ends_with('\n'),
        "a missing final newline stays missing"
    );
    assert!(!after.replace("\r\n", "").contains('\n'), "CRLF throughout");
    let mode = std::fs::metadata(&ws.env_file)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(
        std::fs::read_dir(ws.dir()).unwrap().count(),
        1,
        "no file left behind"
    );
}

#[test]
fn ok_twenty_thousand_line_file() {
    let sandbox = Sandbox::start();
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let mut contents = ws.contents();
    for i in 0..20_000 {
        contents.push_str(&format!("KEY_{i}=value_{i}\n"));
    }
    std::fs::write(&ws.env_file, &contents).unwrap();
    ws.xtask(&["token"]).run().assert_code(0);
    let after = ws.contents();
    assert!(after.starts_with(&contents), "every earlier byte kept");
    assert_eq!(ws.value("KEY_19999").unwrap(), "value_19999");
    assert!(ws.value("GOTO_ACCESS_TOKEN").is_some());
}

#[test]
fn ok_eight_concurrent_forced_runs_lose_nothing() {
    let sandbox = Sandbox::start();
    sandbox.set_rate_limit(None);
    let ws = Workspace::for_sandbox(&sandbox, seed::PAT);
    let runs: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args(["token", "--force", "--env-file"])
                .arg(&ws.env_file)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in runs {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(token_requests(&sandbox), 8);
    let contents = ws.contents();
    for key in TOKEN_KEYS {
        assert_eq!(
            contents.matches(&format!("\n{key}=")).count(),
            1,
            "{key} once:\n{contents}"
        );
    }
    assert!(contents.starts_with("# test env file\nGOTO_CLIENT_ID="));
    assert_eq!(
        std::fs::read_dir(ws.dir()).unwrap().count(),
        1,
        "no file left behind"
    );
    // The stored token is one the sandbox issued and still accepts.
    let me = ws.xtask(&["api", "/identity/v1/Users/me"]).run();
    me.assert_code(0);
    assert_eq!(token_requests(&sandbox), 8, "the stored token was valid");
}

#[test]
fn ok_unportable_scope_is_left_empty_and_the_token_stored() {
    let sandbox = Sandbox::start();
    let scope = "it's:a-\"scope\"";
    sandbox.add_client(Client {
        id: "quote-client".into(),
        secret: "quote-secret-0123456789".into(),
        pat_grant_enabled: true,
        scopes: vec![scope.into()],
    });
    sandbox.add_pat(Pat {
        value: "quote-pat-0123456789".into(),
        user: UserId::Admin,
        scopes: vec![scope.into()],
        revoked: false,
    });
    let ws = Workspace::with_contents(&format!(
        "GOTO_CLIENT_ID=quote-client\nGOTO_CLIENT_SECRET=quote-secret-0123456789\nGOTO_PAT=quote-pat-0123456789\nGOTO_AUTH_URL={}\nGOTO_TOKEN_SCOPE=from-an-earlier-token\n",
        sandbox.base_url()
    ));
    let run = ws
        .xtask(&["token"])
        .secret("quote-secret-0123456789")
        .secret("quote-pat-0123456789")
        .run();
    run.assert_code(0)
        .assert_stderr_contains("GOTO_TOKEN_SCOPE is left empty in")
        .assert_stderr_contains("a single quote (') together with a double quote")
        .assert_stderr_contains("the token itself is stored");
    // The old scope does not stay behind as if it described the new token.
    assert_eq!(ws.value("GOTO_TOKEN_SCOPE").as_deref(), Some(""));
    assert!(
        ws.contents().contains("\nGOTO_TOKEN_SCOPE=\n"),
        "{}",
        ws.contents()
    );
    assert!(
        ws.value("GOTO_ACCESS_TOKEN")
            .is_some_and(|t| t.starts_with("eyJ"))
    );
    assert_eq!(
        ws.value("GOTO_TOKEN_PRINCIPAL").as_deref(),
        Some(seed::ADMIN_EMAIL)
    );
    // The stored token is reused: nothing needs the scope to use it.
    ws.xtask(&["token"])
        .secret("quote-secret-0123456789")
        .secret("quote-pat-0123456789")
        .run()
        .assert_code(0)
        .assert_stderr_contains("Reusing");
    assert_eq!(token_requests(&sandbox), 1);
}
