//! `POST /oauth/token`: the PAT grant's success and every error, and `/oauth/v2/*`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use goto_sandbox::{Client, Pat, Sandbox, UserId, seed};
use serde_json::{Value, json};

use crate::support::{Reply, basic, client, exchange, form, get, post_token_body, token_for};

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

fn assert_oauth_error(reply: &Reply, status: u16, error: &str) {
    assert_eq!(
        reply.status,
        status,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let body = reply.json();
    assert_eq!(body["error"], error, "{body}");
    let description = body["error_description"].as_str().expect("a description");
    assert!(!description.is_empty());
    assert_eq!(
        body.as_object().map(serde_json::Map::len),
        Some(2),
        "{body}"
    );
}

#[test]
fn ok_pat_grant_answers_as_the_guide_documents() {
    let sandbox = Sandbox::start();
    let reply = exchange(&sandbox, seed::PAT);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], seed::ALL_SCOPES.join(" "));
    assert_eq!(body["principal"], seed::ADMIN_EMAIL);
    assert_eq!(body["loa"], 3);
    assert!(
        body.get("refresh_token").is_none(),
        "the PAT grant never returns one"
    );
    let token = body["access_token"].as_str().expect("access_token");
    assert!(token.starts_with("eyJraWQiOiJvYXV0aHYyLmxt"), "{token}");
}

#[test]
fn ok_access_tokens_are_jwt_shaped_with_gotos_claims() {
    let sandbox = Sandbox::start();
    let token = token_for(&sandbox, seed::IDENTITY_ONLY_PAT);
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        decode_part(parts[0]),
        json!({"kid": "oauthv2.lmi.com.0219", "alg": "RS512"})
    );
    let claims = decode_part(parts[1]);
    assert_eq!(claims["sc"], "identity:scim.me");
    assert_eq!(claims["sub"], UserId::Viewer.user_key());
    assert_eq!(claims["aud"], seed::CLIENT_ID);
    assert_eq!(claims["typ"], "a");
    let issued_at = claims["iat"].as_i64().expect("iat");
    assert_eq!(claims["exp"].as_i64(), Some(issued_at + 3600));
    assert_eq!(claims["jti"].as_str().map(str::len), Some(36));
    assert!(URL_SAFE_NO_PAD.decode(parts[2]).expect("signature").len() >= 256);
}

#[test]
fn ok_every_exchange_mints_a_new_token() {
    let sandbox = Sandbox::start();
    let first = token_for(&sandbox, seed::PAT);
    let second = token_for(&sandbox, seed::PAT);
    assert_ne!(first, second);
    for token in [&first, &second] {
        assert_eq!(get(&sandbox, "/users/v1/lines", Some(token)).status, 200);
    }
}

#[test]
fn ok_plus_slash_and_equals_survive_proper_form_encoding() {
    let sandbox = Sandbox::start();
    for pat in [seed::PAT, seed::MEMBER_PAT, seed::IDENTITY_ONLY_PAT] {
        assert!(pat.contains('/') && pat.contains('='), "{pat}");
        let encoded = form(&[("pat", pat)]);
        assert!(
            encoded.contains("%2F") && encoded.contains("%3D"),
            "{encoded}"
        );
        assert_eq!(exchange(&sandbox, pat).status, 200);
    }
    assert!(seed::PAT.contains('+'));
    assert!(form(&[("pat", seed::PAT)]).contains("%2B"));
}

#[test]
fn err_an_unencoded_plus_arrives_as_a_space() {
    let sandbox = Sandbox::start();
    let reply = post_token_body(
        &sandbox,
        &format!("grant_type=personal_access_token&pat={}", seed::PAT),
    );
    assert_oauth_error(&reply, 400, "invalid_grant");
}

#[test]
fn ok_form_content_type_may_carry_a_charset() {
    let sandbox = Sandbox::start();
    let reply = client()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .header("authorization", basic(seed::CLIENT_ID, seed::CLIENT_SECRET))
        .header(
            "content-type",
            "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
        )
        .body(form(&[
            ("grant_type", "personal_access_token"),
            ("pat", seed::PAT),
        ]))
        .send()
        .expect("the sandbox answers");
    assert_eq!(reply.status(), 200);
}

#[test]
fn err_invalid_client_for_every_bad_client_authentication() {
    let sandbox = Sandbox::start();
    let body = form(&[("grant_type", "personal_access_token"), ("pat", seed::PAT)]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    ));
    let attempts: Vec<Option<String>> = vec![
        None,
        Some(basic(seed::CLIENT_ID, "wrong-secret")),
        Some(basic(
            "00000000-0000-4000-8000-000000000000",
            seed::CLIENT_SECRET,
        )),
        Some(basic(seed::CLIENT_SECRET, seed::CLIENT_ID)),
        Some(format!("Bearer {encoded}")),
        Some("Basic not*base64".to_owned()),
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(seed::CLIENT_ID)
        )),
    ];
    for authorization in attempts {
        let mut request = client()
            .post(format!("{}/oauth/token", sandbox.base_url()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone());
        if let Some(authorization) = &authorization {
            request = request.header("authorization", authorization);
        }
        let reply = Reply::from_response(request.send().expect("the sandbox answers"));
        assert_eq!(reply.status, 401, "{authorization:?}");
        // The one token-endpoint error ever recorded from GoTo, byte for byte.
        assert_eq!(
            reply.json(),
            json!({"error": "invalid_client", "error_description": "client not found"})
        );
    }
}

#[test]
fn ok_basic_scheme_is_case_insensitive() {
    let sandbox = Sandbox::start();
    let header = basic(seed::CLIENT_ID, seed::CLIENT_SECRET).replacen("Basic", "basic", 1);
    let reply = client()
        .post(format!("{}/oauth/token", sandbox.base_url()))
        .header("authorization", header)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", "personal_access_token"),
            ("pat", seed::PAT),
        ]))
        .send()
        .expect("the sandbox answers");
    assert_eq!(reply.status(), 200);
}

#[test]
fn err_invalid_request_for_a_missing_pat_or_grant_type() {
    let sandbox = Sandbox::start();
    for body in [
        form(&[("grant_type", "personal_access_token")]),
        form(&[("grant_type", "personal_access_token"), ("pat", "")]),
        form(&[("pat", seed::PAT)]),
        String::new(),
    ] {
        assert_oauth_error(&post_token_body(&sandbox, &body), 400, "invalid_request");
    }
}

#[test]
fn err_invalid_request_without_a_form_content_type() {
    let sandbox = Sandbox::start();
    let body = form(&[("grant_type", "personal_access_token"), ("pat", seed::PAT)]);
    for content_type in [None, Some("application/json"), Some("text/plain")] {
        let mut request = client()
            .post(format!("{}/oauth/token", sandbox.base_url()))
            .header("authorization", basic(seed::CLIENT_ID, seed::CLIENT_SECRET))
            .body(body.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let reply = Reply::from_response(request.send().expect("the sandbox answers"));
        assert_oauth_error(&reply, 400, "invalid_request");
    }
}

#[test]
fn err_invalid_grant_for_unknown_and_revoked_pats() {
    let sandbox = Sandbox::start();
    for pat in ["iS0vynEEvRFA9i6kZ8gvNDnnOGE", seed::REVOKED_PAT] {
        assert_oauth_error(&exchange(&sandbox, pat), 400, "invalid_grant");
    }
}

#[test]
fn err_unauthorized_client_when_the_pat_grant_is_off() {
    let sandbox = Sandbox::start();
    let reply = Reply::from_response(
        client()
            .post(format!("{}/oauth/token", sandbox.base_url()))
            .header(
                "authorization",
                basic(
                    seed::NO_PAT_GRANT_CLIENT_ID,
                    seed::NO_PAT_GRANT_CLIENT_SECRET,
                ),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "personal_access_token"),
                ("pat", seed::PAT),
            ]))
            .send()
            .expect("the sandbox answers"),
    );
    assert_oauth_error(&reply, 400, "unauthorized_client");
}

#[test]
fn err_invalid_scope_when_the_pat_outgrows_the_client() {
    let sandbox = Sandbox::start();
    let reply = exchange(&sandbox, seed::OVERSCOPED_PAT);
    assert_oauth_error(&reply, 400, "invalid_scope");
    let description = reply.json()["error_description"].to_string();
    assert!(description.contains(seed::UNGRANTED_SCOPE), "{description}");
}

#[test]
fn err_unsupported_grant_type_for_other_grants() {
    let sandbox = Sandbox::start();
    for grant_type in [
        "refresh_token",
        "authorization_code",
        "client_credentials",
        "password",
    ] {
        let body = form(&[("grant_type", grant_type), ("pat", seed::PAT)]);
        assert_oauth_error(
            &post_token_body(&sandbox, &body),
            400,
            "unsupported_grant_type",
        );
    }
}

#[test]
fn err_get_on_the_token_endpoint_is_405() {
    let sandbox = Sandbox::start();
    let reply = get(&sandbox, "/oauth/token", None);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(reply.json()["errorCode"], "METHOD_NOT_ALLOWED");
}

#[test]
fn err_the_decommissioned_v2_endpoint_points_to_the_migration_guide() {
    let sandbox = Sandbox::start();
    let reply = Reply::from_response(
        client()
            .post(format!("{}/oauth/v2/token", sandbox.base_url()))
            .header("authorization", basic(seed::CLIENT_ID, seed::CLIENT_SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "personal_access_token"),
                ("pat", seed::PAT),
            ]))
            .send()
            .expect("the sandbox answers"),
    );
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.json(),
        json!({"message": "This endpoint is no longer valid, see https://developer.goto.com/guides/Authentication/New_Token_Retrieval_Migration_Guide/"})
    );
}

#[test]
fn ok_token_lifetime_is_configurable_down_to_already_expired() {
    let sandbox = Sandbox::start();
    sandbox.set_token_lifetime(120);
    assert_eq!(exchange(&sandbox, seed::PAT).json()["expires_in"], 120);
    sandbox.set_token_lifetime(0);
    let reply = exchange(&sandbox, seed::PAT).json();
    assert_eq!(reply["expires_in"], 0);
    let token = reply["access_token"].as_str().expect("a token");
    let refused = get(&sandbox, "/users/v1/lines", Some(token)).json();
    assert_eq!(refused["errorCode"], "AUTHN_EXPIRED_TOKEN");
    sandbox.set_token_lifetime(-60);
    assert_eq!(exchange(&sandbox, seed::PAT).json()["expires_in"], -60);
}

#[test]
fn ok_added_clients_and_pats_take_part_in_exchanges() {
    let sandbox = Sandbox::start();
    sandbox.add_client(Client {
        id: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6".to_owned(),
        secret: "another-secret".to_owned(),
        pat_grant_enabled: true,
        scopes: vec!["cr.v1.read".to_owned()],
    });
    sandbox.add_pat(Pat {
        value: "a+b/c=".to_owned(),
        user: UserId::Operator,
        scopes: vec!["cr.v1.read".to_owned()],
        revoked: false,
    });
    let reply = Reply::from_response(
        client()
            .post(format!("{}/oauth/token", sandbox.base_url()))
            .header(
                "authorization",
                basic("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "another-secret"),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(&[
                ("grant_type", "personal_access_token"),
                ("pat", "a+b/c="),
            ]))
            .send()
            .expect("the sandbox answers"),
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["principal"], UserId::Operator.email());
    assert_eq!(reply.json()["scope"], "cr.v1.read");
    // The seeded client lacks nothing the new PAT has, so it can exchange it too.
    assert_eq!(exchange(&sandbox, "a+b/c=").status, 200);
}

#[test]
fn ok_minted_tokens_work_like_exchanged_ones() {
    let sandbox = Sandbox::start();
    let token = sandbox.mint_token(seed::MEMBER_PAT);
    let me = get(&sandbox, "/identity/v1/Users/me", Some(&token)).json();
    assert_eq!(me["userName"], seed::MEMBER_EMAIL);
    assert!(
        sandbox.requests().len() == 1,
        "minting sends no request: {:?}",
        sandbox.requests()
    );
}
