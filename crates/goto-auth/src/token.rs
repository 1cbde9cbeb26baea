//! The PAT exchange, exactly as GoTo's guide shows it, as a pure request builder and a pure
//! answer parser, plus [`exchange`], which runs them through [`HttpClient`].

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde::Deserialize;

use crate::config::Config;
use crate::error::{ExchangeError, OAuthErrorCode};
use crate::http::{HttpClient, HttpRequest, HttpResponse, RetryNotice};
use crate::keys;
use crate::secret::AccessToken;

/// The longest `expires_in` believed: GoTo's tokens live an hour, and an absurd lifetime would
/// keep a dead token in the cache for ever (or overflow the clock).
const MAX_EXPIRES_IN: u64 = 10 * 365 * 24 * 3600;

/// A freshly minted access token.
#[derive(Debug, Clone)]
pub struct Token {
    /// The access token.
    pub access_token: AccessToken,
    /// When it expires, from `expires_in` and the clock when the answer arrived.
    pub expires_at: SystemTime,
    /// The granted scopes, space separated, as the server sent them.
    pub scope: String,
    /// The token owner's email (`principal`).
    pub principal: String,
}

impl Token {
    /// The env-file entries `token` writes for this token.
    pub fn env_entries(&self, minted_for: &str) -> [(&'static str, String); 5] {
        [
            (
                keys::ACCESS_TOKEN,
                self.access_token.expose_secret().to_owned(),
            ),
            (
                keys::ACCESS_TOKEN_EXPIRES_AT,
                format_instant(self.expires_at),
            ),
            (keys::TOKEN_SCOPE, self.scope.clone()),
            (keys::TOKEN_PRINCIPAL, self.principal.clone()),
            (keys::TOKEN_MINTED_FOR, minted_for.to_owned()),
        ]
    }
}

/// An instant as RFC 3339 UTC with whole seconds, e.g. `2026-12-01T07:12:00Z`. Instants past
/// the year 9999, which RFC 3339 cannot write, are clamped to its last second.
pub fn format_instant(at: SystemTime) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    match write!(text, "{}", humantime::format_rfc3339_seconds(at)) {
        Ok(()) => text,
        Err(_) => "9999-12-31T23:59:59Z".to_owned(),
    }
}

/// The request of GoTo's guide: `POST {auth}/oauth/token` with
/// `Authorization: Basic base64(client_id:client_secret)` (the raw pair, as the guide's
/// `echo -n "CLIENT_ID:CLIENT_SECRET" | base64` makes it), `Accept: application/json`, and the
/// form body `grant_type=personal_access_token&pat=…`.
pub fn token_request(config: &Config) -> HttpRequest {
    let pair = format!(
        "{}:{}",
        config.client_id,
        config.client_secret.expose_secret()
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(pair);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "personal_access_token")
        .append_pair("pat", config.pat.expose_secret())
        .finish();
    HttpRequest {
        method: "POST".to_owned(),
        url: config.token_url(),
        headers: vec![
            ("Authorization".to_owned(), format!("Basic {basic}")),
            ("Accept".to_owned(), "application/json".to_owned()),
            (
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            ),
        ],
        body: Some(body.into_bytes()),
    }
}

/// Reads a token endpoint's answer. `now` is when it arrived; `url` is only for messages.
///
/// Accepts the RFC 6749 token answer with `token_type` in any case and ignores fields it does
/// not know (GoTo's live answer carries an undocumented `loa`). Error messages name fields and
/// types, never values, because a malformed answer may still hold a token.
///
/// # Errors
///
/// An OAuth error, GoTo's "no longer valid" answer, a non-JSON body, or a JSON body without a
/// usable token.
pub fn parse_token_response(
    answer: &HttpResponse,
    url: &str,
    now: SystemTime,
) -> Result<Token, ExchangeError> {
    let status = answer.status;
    if status == 429 {
        return Err(ExchangeError::RateLimited {
            url: url.to_owned(),
            retry_after: answer.retry_after.clone(),
        });
    }
    let json = serde_json::from_slice::<serde_json::Value>(&answer.body).ok();
    let Some(serde_json::Value::Object(fields)) = json else {
        return Err(ExchangeError::NotJson {
            status,
            url: url.to_owned(),
            content_type: answer.content_type.clone(),
            excerpt: excerpt(&answer.body),
        });
    };
    if !(200..300).contains(&status) {
        return Err(error_answer(status, url, &fields));
    }
    let malformed = |problem: String| ExchangeError::Malformed {
        status,
        url: url.to_owned(),
        problem,
    };
    let wire = TokenWire::deserialize(serde_json::Value::Object(fields))
        .map_err(|error| malformed(scrub(&error.to_string())))?;
    let access_token = match wire.access_token {
        Some(token) if !token.trim().is_empty() => AccessToken::new(token),
        _ => return Err(malformed("access_token is missing or empty".into())),
    };
    match wire.token_type.as_deref() {
        Some(kind) if kind.eq_ignore_ascii_case("bearer") => {}
        Some(kind) => {
            return Err(malformed(format!(
                "token_type is \"{}\", not \"Bearer\"",
                scrub(kind).chars().take(40).collect::<String>()
            )));
        }
        None => return Err(malformed("token_type is missing".into())),
    }
    let expires_in = match wire.expires_in {
        None => {
            return Err(malformed(
                "expires_in is missing, so the token's lifetime is unknown".into(),
            ));
        }
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(0) | None => {
                return Err(malformed(format!(
                    "expires_in is {n}, not a positive number of seconds"
                )));
            }
            Some(seconds) if seconds > MAX_EXPIRES_IN => {
                return Err(malformed(format!(
                    "expires_in is {seconds}, more than ten years; no access token lives that long"
                )));
            }
            Some(seconds) => seconds,
        },
        Some(other) => {
            return Err(malformed(format!(
                "expires_in is {}, not a number of seconds",
                json_type(&other)
            )));
        }
    };
    Ok(Token {
        access_token,
        expires_at: now + Duration::from_secs(expires_in),
        scope: wire.scope.unwrap_or_default(),
        principal: wire.principal.unwrap_or_default(),
    })
}

/// The token answer's fields, deserialised loosely so that each problem gets its own message.
#[derive(Deserialize)]
struct TokenWire {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    scope: Option<String>,
    principal: Option<String>,
}

fn error_answer(
    status: u16,
    url: &str,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> ExchangeError {
    let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).map(scrub);
    if let Some(code) = text("error") {
        return ExchangeError::OAuth {
            status,
            code: OAuthErrorCode::parse(&code),
            description: text("error_description"),
        };
    }
    if text("message").is_some_and(|m| m.contains("no longer valid")) {
        return ExchangeError::DecommissionedEndpoint {
            status,
            url: url.to_owned(),
        };
    }
    ExchangeError::Status {
        status,
        url: url.to_owned(),
        excerpt: text("message")
            .or_else(|| text("error_description"))
            .map(|m| m.chars().take(160).collect()),
    }
}

/// Runs the exchange: builds the request, sends it under the retry policy, parses the answer.
///
/// # Errors
///
/// See [`ExchangeError`].
pub fn exchange(
    client: &HttpClient,
    config: &Config,
    on_retry: impl FnMut(&RetryNotice),
) -> Result<Token, ExchangeError> {
    let request = token_request(config);
    let answer = client.send_with_retries(&request, on_retry)?;
    parse_token_response(&answer, &request.url, SystemTime::now()).map_err(|error| {
        // A server may echo what it was sent; `scrub` catches token shapes, this catches the
        // credentials we know, however short.
        error.without_secrets(&[
            config.client_secret.expose_secret(),
            config.pat.expose_secret(),
        ])
    })
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A short, single-line, secret-free excerpt of a body for an error message: markup is
/// stripped, whitespace folded, anything token-shaped replaced.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => plain.push(' '),
            c => plain.push(c),
        }
    }
    let folded = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let scrubbed = scrub(&folded);
    if scrubbed.is_empty() {
        return "(empty body)".to_owned();
    }
    let mut cut: String = scrubbed.chars().take(160).collect();
    if cut.len() < scrubbed.len() {
        cut.push('…');
    }
    cut
}

/// Replaces every run of token characters that holds something token-shaped with
/// `[redacted]`, so a server that echoes a credential cannot make us print it. Token-shaped is
/// 24 or more characters mixing letters and digits: a JWT, a PAT, a base64 secret, but not an
/// error code like `AUTHZ_INSUFFICIENT_SCOPE`. A run with slashes is redacted when one of its
/// segments is token-shaped (a token in a URL), or when the whole run is and mixes upper and
/// lower case too (base64 has slashes); a lower-case path like
/// `/call-events-report/v1/report-summaries` stays readable.
pub fn scrub(text: &str) -> String {
    let is_token_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+' | '/' | '=' | '-');
    let token_shaped = |segment: &str| {
        segment.len() >= 24
            && segment.chars().any(|c| c.is_ascii_digit())
            && segment.chars().any(|c| c.is_ascii_alphabetic())
    };
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let mixed_case = run.chars().any(|c| c.is_ascii_uppercase())
            && run.chars().any(|c| c.is_ascii_lowercase());
        if run.split('/').any(token_shaped) || (token_shaped(run) && mixed_case) {
            out.push_str("[redacted]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Replaces each of `secrets` in `text`, as sent and form-encoded, with `[redacted]`.
pub fn redact_secrets(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for form in [*secret, encoded.as_str()] {
            text = text.replace(form, "[redacted]");
        }
    }
    text
}

#[cfg(test)]
mod tests;
