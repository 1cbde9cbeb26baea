//! The PAT exchange, exactly as GoTo's guide shows it, as a pure request builder and a pure
//! answer parser, plus [`exchange`], which runs them through [`HttpClient`]. Every message about
//! a bad answer is built through a [`Redactor`] that knows the credentials sent, so no error
//! ever holds one.

use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::config::Config;
use crate::error::{ExchangeError, OAuthErrorCode};
use crate::http::{Attempts, HttpClient, HttpRequest, HttpResponse, RetryNotice};
use crate::redact::Redactor;
use crate::secret::AccessToken;
use crate::token::{Scopes, Token};

/// The longest `expires_in` believed: GoTo's tokens live an hour, and an absurd lifetime would
/// keep a dead token in the cache for ever (or overflow the clock).
const MAX_EXPIRES_IN: u64 = 10 * 365 * 24 * 3600;

/// The request of GoTo's guide: `POST {auth}/oauth/token` with
/// `Authorization: Basic base64(client_id:client_secret)` (the raw pair, as the guide's
/// `echo -n "CLIENT_ID:CLIENT_SECRET" | base64` makes it), `Accept: application/json`, and the
/// form body `grant_type=personal_access_token&pat=…`.
pub fn token_request(config: &Config) -> HttpRequest {
    let basic = config.basic_credential();
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

/// Reads a token endpoint's answer. `now` is when it arrived; `url` is only for messages;
/// `redactor` knows the credentials that were sent, which a server may echo.
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
    redactor: &Redactor,
) -> Result<Token, ExchangeError> {
    let status = answer.status;
    if status == 429 {
        let too_long = answer
            .retry_after
            .as_deref()
            .and_then(|wait| crate::retry::parse_retry_after(wait, now))
            .is_some_and(|wait| wait > crate::retry::RETRY_AFTER_CAP);
        return Err(ExchangeError::RateLimited {
            url: url.to_owned(),
            retry_after: answer.retry_after.clone(),
            too_long,
        });
    }
    let json = serde_json::from_slice::<serde_json::Value>(&answer.body).ok();
    let Some(serde_json::Value::Object(fields)) = json else {
        return Err(ExchangeError::NotJson {
            status,
            url: url.to_owned(),
            content_type: answer.content_type.clone(),
            excerpt: redactor.excerpt(&answer.body),
        });
    };
    // A token in the answer is a secret too, wherever else the answer repeats it.
    let redactor = match fields.get("access_token").and_then(|v| v.as_str()) {
        Some(token) => redactor.with(token),
        None => redactor.clone(),
    };
    let scrub = |text: &str| redactor.redact(text);
    if !(200..300).contains(&status) {
        return Err(error_answer(status, url, &fields, &scrub));
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
        scopes: Scopes::parse(&wire.scope.unwrap_or_default()),
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
    scrub: &dyn Fn(&str) -> String,
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
    let attempts = client.send_counting(&request, on_retry);
    read_exchange(attempts, &request.url, config)
}

/// The token, or why there is none, from what the exchange's attempts came to.
pub(crate) fn read_exchange(
    attempts: Attempts,
    url: &str,
    config: &Config,
) -> Result<Token, ExchangeError> {
    let result = attempts
        .result
        .map_err(ExchangeError::from)
        .and_then(|answer| {
            parse_token_response(&answer, url, SystemTime::now(), &config.redactor())
        });
    // A failure after retries says so: "answered 429" alone would hide three more tries.
    result.map_err(|last| match attempts.made {
        1 => last,
        attempts => ExchangeError::Retried {
            attempts,
            last: Box::new(last),
        },
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

#[cfg(test)]
mod tests;
