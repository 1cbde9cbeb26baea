use super::*;
use crate::secret::{ClientSecret, PersonalAccessToken};
use crate::token::format_instant;
use crate::url::BaseUrl;

fn config() -> Config {
    Config {
        client_id: "client-id".into(),
        client_secret: ClientSecret::new("s3cr3t"),
        pat: PersonalAccessToken::new("a+b/c=d&e"),
        auth_url: BaseUrl::parse("GOTO_AUTH_URL", "https://authentication.logmeininc.com").unwrap(),
    }
}

fn answer(status: u16, content_type: &str, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        content_type: Some(content_type.into()),
        retry_after: None,
        body: body.as_bytes().to_vec(),
    }
}

fn parse(status: u16, body: &str) -> Result<Token, ExchangeError> {
    parse_token_response(
        &answer(status, "application/json", body),
        "https://auth/oauth/token",
        SystemTime::UNIX_EPOCH,
        &Redactor::default(),
    )
}

#[test]
fn request_is_the_guides_curl_command() {
    let request = token_request(&config());
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        "https://authentication.logmeininc.com/oauth/token"
    );
    // echo -n "client-id:s3cr3t" | base64
    assert_eq!(
        request.header("authorization"),
        Some("Basic Y2xpZW50LWlkOnMzY3IzdA==")
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        request.body.as_deref(),
        Some(&b"grant_type=personal_access_token&pat=a%2Bb%2Fc%3Dd%26e"[..])
    );
    let debug = format!("{request:?}");
    assert!(
        !debug.contains("Y2xpZW50") && !debug.contains("pat="),
        "{debug}"
    );
}

#[test]
fn parses_the_live_answer_with_loa_and_any_case_bearer() {
    let token = parse(
        200,
        r#"{"access_token":"eyJ.x.y","token_type":"bearer","expires_in":3600,
            "scope":"identity:scim.me collab:","principal":"a@example.test","loa":3}"#,
    )
    .unwrap();
    assert_eq!(token.access_token.expose_secret(), "eyJ.x.y");
    assert_eq!(format_instant(token.expires_at), "1970-01-01T01:00:00Z");
    assert_eq!(token.scopes.to_string(), "identity:scim.me collab:");
    assert_eq!(token.principal, "a@example.test");
}

#[test]
fn oauth_errors_carry_the_guides_remedy() {
    let cases = [
        (401, "invalid_client", "GOTO_CLIENT_SECRET"),
        (400, "invalid_grant", "myaccount.goto.com"),
        (400, "unauthorized_client", "Personal Access Token grant"),
        (400, "invalid_scope", "scopes must match"),
    ];
    for (status, code, remedy) in cases {
        let body = format!(r#"{{"error":"{code}","error_description":"nope"}}"#);
        let message = parse(status, &body).unwrap_err().to_string();
        assert!(message.contains(code), "{message}");
        assert!(message.contains("nope"), "{message}");
        assert!(message.contains(remedy), "{message}");
    }
}

#[test]
fn malformed_answers_name_the_field_not_the_value() {
    let cases = [
        (
            r#"{"token_type":"Bearer","expires_in":3600}"#,
            "access_token is missing",
        ),
        (
            r#"{"access_token":"SECRET-TOKEN-VALUE","token_type":"mac","expires_in":3600}"#,
            "token_type is \"mac\"",
        ),
        (
            r#"{"access_token":"SECRET-TOKEN-VALUE","token_type":"Bearer"}"#,
            "expires_in is missing",
        ),
        (
            r#"{"access_token":"SECRET-TOKEN-VALUE","token_type":"Bearer","expires_in":0}"#,
            "expires_in is 0",
        ),
        (
            r#"{"access_token":"SECRET-TOKEN-VALUE","token_type":"Bearer","expires_in":-5}"#,
            "expires_in is -5",
        ),
        (
            r#"{"access_token":"SECRET-TOKEN-VALUE","token_type":"Bearer","expires_in":"3600"}"#,
            "expires_in is a string",
        ),
    ];
    for (body, expected) in cases {
        let message = parse(200, body).unwrap_err().to_string();
        assert!(message.contains(expected), "{message}");
        assert!(!message.contains("SECRET-TOKEN-VALUE"), "{message}");
    }
}

#[test]
fn html_answers_show_status_and_a_clean_excerpt() {
    let error = parse_token_response(
        &answer(
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>",
        ),
        "https://auth/oauth/token",
        SystemTime::UNIX_EPOCH,
        &Redactor::default(),
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("answered 502 with text/html"), "{message}");
    assert!(message.contains("\"502 Bad Gateway nginx\""), "{message}");
    assert!(message.contains("try again later"), "{message}");
}

#[test]
fn the_decommissioned_host_is_recognised() {
    let body = r#"{"message":"This endpoint is no longer valid, see https://developer.goto.com/guides/Authentication/New_Token_Retrieval_Migration_Guide/"}"#;
    let message = parse(404, body).unwrap_err().to_string();
    assert!(message.contains("no longer valid"), "{message}");
    assert!(
        message.contains("authentication.logmeininc.com"),
        "{message}"
    );
}
