//! Authenticated API calls: which host a path lives on, the request, and a short secret-free
//! summary of an error answer.

use crate::error::{CallError, Error, retried};
use crate::http::{HttpRequest, HttpResponse};
use crate::redact::Redactor;
use crate::secret::AccessToken;
use crate::url::{BaseUrl, GETGO_API_URL, GOTO_CONNECT_API_URL};

/// Everything but RFC 3986's unreserved characters (letters, digits, `-`, `.`, `_`, `~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a value for a query or a path (RFC 3986's unreserved characters pass
/// through): a `+` in a time zone offset or in an opaque page marker must not arrive as a space,
/// nor a `/` or `=` split what it belongs to.
pub fn percent_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// A successful answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The 2xx status.
    pub status: u16,
    /// The JSON body; `None` when the body is empty.
    pub json: Option<serde_json::Value>,
}

/// Reads an API's answer: a 2xx answer's JSON (`None` for an empty body), or the typed failure,
/// its texts built through the redactor `redactor` makes, which knows every secret of the call
/// (made only for a failure: a successful call needs none).
///
/// # Errors
///
/// GoTo's insufficient-scope answer, any other status outside 2xx, or a 2xx body that is not
/// JSON.
pub fn read_answer(
    method: &str,
    path: &str,
    answer: HttpResponse,
    redactor: impl FnOnce() -> Redactor,
) -> Result<Answer, CallError> {
    let status = answer.status;
    if !(200..300).contains(&status) {
        return Err(refusal(method, path, &answer, &redactor()));
    }
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Answer { status, json: None });
    }
    match serde_json::from_slice(&answer.body) {
        Ok(json) => Ok(Answer {
            status,
            json: Some(json),
        }),
        Err(_) => Err(not_json(method, path, &answer, &redactor())),
    }
}

/// The typed failure of an answer outside 2xx.
fn refusal(method: &str, path: &str, answer: &HttpResponse, redactor: &Redactor) -> CallError {
    let status = answer.status;
    if let Some(scope) = insufficient_scope(answer) {
        return CallError::InsufficientScope {
            method: method.to_owned(),
            path: path.to_owned(),
            status,
            scope,
            summary: error_summary(answer, redactor),
        };
    }
    let hint = matches!(status, 401 | 403).then(|| rejection_hint(status));
    let mut summary = error_summary(answer, redactor);
    if status == 429 {
        summary.push_str(&crate::error::rate_limit_advice(
            answer.retry_after.as_deref(),
            std::time::SystemTime::now(),
        ));
    }
    CallError::Refused {
        method: method.to_owned(),
        path: path.to_owned(),
        status,
        summary,
        hint,
    }
}

/// The failure of a 2xx answer whose body is not JSON (a captive portal's page, a cut-off
/// answer).
fn not_json(method: &str, path: &str, answer: &HttpResponse, redactor: &Redactor) -> CallError {
    CallError::NotJson {
        method: method.to_owned(),
        path: path.to_owned(),
        status: answer.status,
        content_type: answer.content_type.clone(),
        excerpt: redactor.excerpt(&answer.body),
    }
}

/// Reads an API's answer as a `T` straight from its body (one parse; an empty body reads as
/// `null`): [`read_answer`]'s checks, without building a `serde_json::Value` first.
///
/// # Errors
///
/// As [`read_answer`] (after `made` attempts), or [`Error::Decode`] for JSON of another shape.
pub(crate) fn read_typed<T: serde::de::DeserializeOwned>(
    method: &str,
    path: &str,
    answer: HttpResponse,
    made: u32,
    redactor: impl FnOnce() -> Redactor,
) -> Result<T, Error> {
    if !(200..300).contains(&answer.status) {
        return Err(retried(made, refusal(method, path, &answer, &redactor())).into());
    }
    let body: &[u8] = if answer.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &answer.body
    };
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(error) if error.is_data() => Err(Error::Decode {
            method: method.to_owned(),
            path: path.to_owned(),
            detail: crate::error::decode_detail(&error),
        }),
        Err(_) => Err(retried(made, not_json(method, path, &answer, &redactor())).into()),
    }
}

/// Whether `path` can only reach the API base it is joined to: it starts with one `/` (a
/// `//host` would be read as another host, and a path without `/` glued onto the base's host
/// could name `host@evil.example`), and holds no backslash (which some servers read as `/`), no
/// fragment, no space and no control character. The token goes only to GoTo's hosts or
/// `GOTO_API_URL`, so this is checked before anything is sent.
///
/// # Errors
///
/// What is wrong with the path, in words.
pub fn check_path(path: &str) -> Result<(), &'static str> {
    if !path.starts_with('/') {
        return Err("it does not start with /");
    }
    if path.starts_with("//") {
        return Err("a path that starts with // names another host");
    }
    if path.contains('\\') {
        return Err("it holds a backslash, which some servers read as /");
    }
    if path.contains('#') {
        return Err("it holds a fragment (#), which is never sent");
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it holds a space or a control character");
    }
    Ok(())
}

/// The path prefixes served by api.getgo.com (Admin, SCIM identity, GoToWebinar, GoToMeeting);
/// every other path is a GoTo Connect API on api.goto.com (GoTo's API reference lists each product under its host).
const GETGO_PREFIXES: [&str; 4] = ["/admin/", "/identity/", "/G2W/", "/G2M/"];

/// The base URL a path is called on: `GOTO_API_URL` when set, else GoTo's host for that API.
pub fn base_for(path: &str, api_url: Option<&BaseUrl>) -> BaseUrl {
    if let Some(base) = api_url {
        return base.clone();
    }
    let host = if GETGO_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        GETGO_API_URL
    } else {
        GOTO_CONNECT_API_URL
    };
    BaseUrl::parse("GOTO_API_URL", host).expect("GoTo's own hosts are valid URLs")
}

/// One API call: `Authorization: Bearer …`, `Accept: application/json`, and a JSON body when
/// one is given.
pub fn api_request(
    base: &BaseUrl,
    method: &str,
    path_and_query: &str,
    token: &AccessToken,
    json_body: Option<Vec<u8>>,
) -> HttpRequest {
    let mut headers = vec![
        (
            "Authorization".to_owned(),
            format!("Bearer {}", token.expose_secret()),
        ),
        ("Accept".to_owned(), "application/json".to_owned()),
    ];
    if json_body.is_some() {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    HttpRequest {
        method: method.to_ascii_uppercase(),
        url: base.join(path_and_query),
        headers,
        body: json_body,
    }
}

/// A one-line summary of an error answer: GoTo Connect's `errorCode: message`, GoToWebinar's
/// `int_err_code: msg`, or an excerpt of anything else; the secrets `redactor` knows are
/// removed.
pub fn error_summary(answer: &HttpResponse, redactor: &Redactor) -> String {
    let json: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|v| v.get(name))
            .and_then(|v| v.as_str())
            .map(|text| redactor.redact(text))
    };
    let pairs = [
        ("errorCode", "message"),
        ("int_err_code", "msg"),
        ("error", "error_description"),
    ];
    for (code, message) in pairs {
        if let Some(code) = field(code) {
            return match field(message) {
                Some(message) => {
                    format!("{code}: {}", message.chars().take(160).collect::<String>())
                }
                None => code,
            };
        }
    }
    // A gateway's own answer often carries only a message.
    if let Some(message) = field("message") {
        return message.chars().take(160).collect();
    }
    redactor.excerpt(&answer.body)
}

/// Whether an answer says the token itself was refused: a 401 from any API, or GoToWebinar's
/// 403 `InvalidToken` (it answers bad tokens with 403, so clients that only watch for 401 never
/// renew).
pub fn is_token_rejection(answer: &HttpResponse) -> bool {
    answer.status == 401
        || (answer.status == 403
            && serde_json::from_slice::<serde_json::Value>(&answer.body)
                .ok()
                .is_some_and(|body| body["int_err_code"] == "InvalidToken"))
}

/// What a 401 or 403 from an API most likely means, for the message after the token was
/// already renewed once.
pub fn rejection_hint(status: u16) -> &'static str {
    match status {
        401 => {
            "GoTo rejected the access token even after a fresh exchange: check that the PAT's \
             user may use this API (admin APIs need an admin) and that GOTO_API_URL, if set, \
             belongs to the same GoTo environment as GOTO_AUTH_URL"
        }
        _ => {
            "GoTo refused the call: the token lacks a scope this API needs; enable the scope on \
             the OAuth client (https://developer.logmeininc.com/clients) and on a new PAT \
             (https://myaccount.goto.com → Developer Tools), then exchange the new PAT"
        }
    }
}

pub use crate::error::INSUFFICIENT_SCOPE;

/// GoTo's own insufficient-scope answer: `Some(scope)` for a 403 whose error envelope carries
/// [`INSUFFICIENT_SCOPE`] as its code (GoTo Connect's `errorCode`, GoToWebinar's `int_err_code`,
/// or the OAuth `error`), with the scope its message names, if it names one. `None` for every
/// other answer, a 403 with another code included.
///
/// A new token from the same PAT has the same scopes, so this answer is not worth an exchange.
pub fn insufficient_scope(answer: &HttpResponse) -> Option<Option<String>> {
    if answer.status != 403 {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
    let text = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
    [
        ("errorCode", "message"),
        ("int_err_code", "msg"),
        ("error", "error_description"),
    ]
    .iter()
    .find_map(|(code, message)| {
        (text(code) == Some(INSUFFICIENT_SCOPE)).then(|| text(message).and_then(named_scope))
    })
}

/// The scope a message names after the word "scope" ("The access token does not have the
/// required scope: call-events-report.v1.read").
///
/// Only a word shaped like GoTo's scope names is taken: lowercase letters, digits and `.` `:`
/// `_` `-`, starting with a letter, with a `.` or `:` inside (`users.v1.lines.read`,
/// `identity:`). Credentials and tokens mix cases, so this never lifts one out of a message.
fn named_scope(message: &str) -> Option<String> {
    let at = message.to_ascii_lowercase().rfind("scope")?;
    let rest = &message[at + "scope".len()..];
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let rest = rest.trim_start_matches([' ', ':', '"', '\'', '`', '=']);
    let word: String = rest
        .chars()
        .take_while(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | ':' | '_' | '-')
        })
        .collect();
    let word = word.trim_end_matches(['.', '-']);
    let shaped = word.len() <= 64
        && word.contains(['.', ':'])
        && word.starts_with(|c: char| c.is_ascii_lowercase());
    shaped.then(|| word.to_owned())
}

#[cfg(test)]
mod scope_tests {
    use super::*;

    fn answer(status: u16, body: &[u8]) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.to_vec(),
        }
    }

    #[test]
    fn gotos_insufficient_scope_names_the_scope_in_each_envelope() {
        let connect = br#"{"reference":"a1","constraintViolations":[],"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"The access token does not have the required scope: call-events-report.v1.read"}"#;
        assert_eq!(
            insufficient_scope(&answer(403, connect)),
            Some(Some("call-events-report.v1.read".into()))
        );
        let period = br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"The access token does not grant the scope users.v1.lines.read."}"#;
        assert_eq!(
            insufficient_scope(&answer(403, period)),
            Some(Some("users.v1.lines.read".into()))
        );
        let webinar =
            br#"{"int_err_code":"AUTHZ_INSUFFICIENT_SCOPE","msg":"Missing scope 'collab:'"}"#;
        assert_eq!(
            insufficient_scope(&answer(403, webinar)),
            Some(Some("collab:".into()))
        );
        let oauth = br#"{"error":"AUTHZ_INSUFFICIENT_SCOPE","error_description":"required scopes: identity:scim.me, users.v1.read"}"#;
        assert_eq!(
            insufficient_scope(&answer(403, oauth)),
            Some(Some("identity:scim.me".into()))
        );
    }

    #[test]
    fn a_message_without_a_scope_name_still_counts_without_naming_one() {
        for body in [
            &br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"Insufficient scope"}"#[..],
            br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE"}"#,
            br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"scope: Ab3dEf9hIj2kLm5nOp8qRs1tUv4wXy.z"}"#,
        ] {
            assert_eq!(insufficient_scope(&answer(403, body)), Some(None), "{body:?}");
        }
    }

    #[test]
    fn other_refusals_are_not_a_missing_scope() {
        let scope = br#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"scope a.b"}"#;
        assert_eq!(insufficient_scope(&answer(401, scope)), None);
        assert_eq!(insufficient_scope(&answer(500, scope)), None);
        for body in [
            &br#"{"errorCode":"FORBIDDEN","message":"missing scope a.b"}"#[..],
            br#"{"int_err_code":"InvalidToken","msg":"Invalid token passed"}"#,
            b"AUTHZ_INSUFFICIENT_SCOPE",
            b"<html>403</html>",
        ] {
            assert_eq!(insufficient_scope(&answer(403, body)), None, "{body:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_to_their_products_host() {
        assert_eq!(
            base_for("/identity/v1/Users/me", None).as_str(),
            GETGO_API_URL
        );
        assert_eq!(
            base_for("/G2W/rest/v2/organizers/1/webinars", None).as_str(),
            GETGO_API_URL
        );
        assert_eq!(
            base_for("/users/v1/lines", None).as_str(),
            GOTO_CONNECT_API_URL
        );
        let sandbox = BaseUrl::parse("GOTO_API_URL", "http://127.0.0.1:9").unwrap();
        assert_eq!(base_for("/users/v1/lines", Some(&sandbox)), sandbox);
    }

    #[test]
    fn webinar_403_invalid_token_is_a_rejection_but_a_missing_scope_is_not() {
        let answer = |status: u16, body: &str| HttpResponse {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        };
        assert!(is_token_rejection(&answer(401, "not.authenticated")));
        assert!(is_token_rejection(&answer(
            403,
            r#"{"int_err_code":"InvalidToken","msg":"Invalid token passed"}"#
        )));
        assert!(!is_token_rejection(&answer(
            403,
            r#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"no"}"#
        )));
    }

    #[test]
    fn error_summaries_read_each_products_envelope() {
        let answer = |body: &str| HttpResponse {
            status: 403,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.as_bytes().to_vec(),
        };
        assert_eq!(
            error_summary(
                &answer(
                    r#"{"reference":"x","constraintViolations":[],"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"scope missing"}"#
                ),
                &Redactor::default()
            ),
            "AUTHZ_INSUFFICIENT_SCOPE: scope missing"
        );
        assert_eq!(
            error_summary(
                &answer(r#"{"int_err_code":"InvalidToken","msg":"Invalid token passed"}"#),
                &Redactor::default()
            ),
            "InvalidToken: Invalid token passed"
        );
        assert_eq!(
            error_summary(&answer("not.authenticated"), &Redactor::default()),
            "not.authenticated"
        );
    }

    /// GoTo's own insufficient-scope answers keep the scope they name; the token is redacted.
    #[test]
    fn goto_messages_keep_scope_names_and_lose_the_token() {
        let token = "eyJraWQiOiJvYXV0aHYyLmxtaS5jb20uMDIxOSJ9.eyJzYyI6ImNyLnYxLnJlYWQifQ.c2ln";
        let redactor = Redactor::new([token]);
        let answer = |body: String| HttpResponse {
            status: 403,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.into_bytes(),
        };
        assert_eq!(
            error_summary(
                &answer(r#"{"errorCode":"AUTHZ_INSUFFICIENT_SCOPE","message":"The access token does not have the required scope: call-events-report.v1.read"}"#.into()),
                &redactor
            ),
            "AUTHZ_INSUFFICIENT_SCOPE: The access token does not have the required scope: call-events-report.v1.read"
        );
        assert_eq!(
            error_summary(
                &answer(format!(
                    r#"{{"int_err_code":"InvalidToken","msg":"Invalid token passed: {token}"}}"#
                )),
                &redactor
            ),
            "InvalidToken: Invalid token passed: [redacted]"
        );
        assert_eq!(
            error_summary(
                &answer(r#"{"error":"insufficient_scope","error_description":"notification-channel.v1.read voice-admin.v1.read required"}"#.into()),
                &redactor
            ),
            "insufficient_scope: notification-channel.v1.read voice-admin.v1.read required"
        );
    }
}
