//! The token endpoint, `POST /oauth/token` on authentication.logmeininc.com, for the Personal
//! Access Token grant.
//!
//! Only `invalid_client` ("client not found", 401) was ever captured from GoTo. The other errors
//! follow RFC 6749 §5.2, which is what GoTo's OAuth server otherwise implements: 400 with
//! `invalid_request`, `unsupported_grant_type`, `unauthorized_client`, `invalid_grant` or
//! `invalid_scope`. The checks run in the order an RFC server runs them: client authentication,
//! then the request's form, then the grant type, then the grant itself.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::json;

use crate::UserId;
use crate::answer::{Answer, oauth_error};
use crate::credentials::Client;
use crate::recording::RecordedRequest;
use crate::state::{IssuedToken, State};
use crate::timestamps::unix_millis;

/// The JOSE header of every GoTo access token seen in the wild; tokens therefore start with
/// `eyJraWQiOiJvYXV0aHYyLmxt`, as the guide's example does.
const JWT_HEADER: &str = r#"{"kid":"oauthv2.lmi.com.0219","alg":"RS512"}"#;

/// The body of the decommissioned `api.getgo.com/oauth/v2/*` endpoints, as reported in 2025.
pub(crate) const DECOMMISSIONED_MESSAGE: &str = "This endpoint is no longer valid, see https://developer.goto.com/guides/Authentication/New_Token_Retrieval_Migration_Guide/";

/// `POST /oauth/token`.
pub(crate) fn exchange(state: &mut State, request: &RecordedRequest, now: SystemTime) -> Answer {
    let Some(client) = authenticate_client(&state.clients, request).cloned() else {
        // The one error body captured from GoTo: the same words for an unknown id and for a
        // wrong secret.
        return oauth_error(401, "invalid_client", "client not found");
    };
    if !is_form_encoded(request.header("content-type")) {
        return oauth_error(
            400,
            "invalid_request",
            "The request body must be sent as application/x-www-form-urlencoded.",
        );
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(&request.body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    let parameter = |name: &str| {
        form.iter()
            .find(|(parameter, _)| parameter == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let Some(grant_type) = parameter("grant_type") else {
        return oauth_error(
            400,
            "invalid_request",
            "The grant_type parameter is missing.",
        );
    };
    if grant_type != "personal_access_token" {
        return oauth_error(
            400,
            "unsupported_grant_type",
            &format!(
                "The grant type '{grant_type}' is not supported here; use personal_access_token."
            ),
        );
    }
    if !client.pat_grant_enabled {
        return oauth_error(
            400,
            "unauthorized_client",
            "The client is not allowed to use the personal_access_token grant type.",
        );
    }
    let Some(pat_value) = parameter("pat") else {
        return oauth_error(400, "invalid_request", "The pat parameter is missing.");
    };
    let Some(pat) = state
        .find_pat(pat_value)
        .filter(|pat| !pat.revoked)
        .cloned()
    else {
        return oauth_error(
            400,
            "invalid_grant",
            "The personal access token is invalid, expired or revoked.",
        );
    };
    let missing: Vec<&str> = pat
        .scopes
        .iter()
        .filter(|scope| !client.scopes.contains(scope))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return oauth_error(
            400,
            "invalid_scope",
            &format!(
                "The personal access token has scopes the client does not have: {}.",
                missing.join(" ")
            ),
        );
    }
    let minted = mint(state, &client.id, pat.user, &pat.scopes, now);
    Answer::json(
        200,
        &json!({
            "access_token": minted.access_token,
            "token_type": "Bearer",
            "expires_in": minted.expires_in,
            "scope": pat.scopes.join(" "),
            "principal": pat.user.email(),
            "loa": 3,
        }),
    )
    .with_header("cache-control", "no-store")
    .with_header("pragma", "no-cache")
}

/// The answer of the decommissioned `api.getgo.com/oauth/v2/*` endpoints.
///
/// Nobody recorded its status; 404 is the status a removed endpoint most plausibly has and the
/// one that makes a client stop rather than retry.
pub(crate) fn decommissioned() -> Answer {
    Answer::json(404, &json!({ "message": DECOMMISSIONED_MESSAGE }))
}

/// A freshly minted access token.
#[derive(Debug)]
pub(crate) struct Minted {
    pub(crate) access_token: String,
    pub(crate) expires_in: i64,
}

/// Mints an unsigned JWT-shaped access token with GoTo's claims and remembers what it grants.
///
/// The signature part is random bytes: nothing verifies it, but its length matches RS512 over a
/// 2048-bit key, so clients see tokens of a realistic size.
pub(crate) fn mint(
    state: &mut State,
    client_id: &str,
    user: UserId,
    scopes: &[String],
    now: SystemTime,
) -> Minted {
    let lifetime = state.token_lifetime_seconds;
    let magnitude = Duration::from_secs(lifetime.unsigned_abs());
    let expires_at = if lifetime >= 0 {
        now + magnitude
    } else {
        now.checked_sub(magnitude).unwrap_or(SystemTime::UNIX_EPOCH)
    };
    let issued_at = unix_millis(now) / 1000;
    let claims = json!({
        "sc": scopes.join(" "),
        "sub": user.user_key(),
        "aud": client_id,
        "ogn": "pwd",
        "ls": state.entropy.uuid(),
        "typ": "a",
        "exp": issued_at + lifetime,
        "iat": issued_at,
        "jti": state.entropy.uuid(),
    });
    let access_token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(JWT_HEADER),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        state.entropy.base64url(256)
    );
    state.tokens.insert(
        access_token.clone(),
        IssuedToken {
            user,
            scopes: scopes.to_vec(),
            expires_at,
        },
    );
    Minted {
        access_token,
        expires_in: lifetime,
    }
}

/// The client named by `Authorization: Basic base64(id:secret)`, if its secret matches.
fn authenticate_client<'a>(clients: &'a [Client], request: &RecordedRequest) -> Option<&'a Client> {
    let header = request.header("authorization")?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let encoded = encoded.trim();
    let decoded = STANDARD
        .decode(encoded)
        .or_else(|_| STANDARD_NO_PAD.decode(encoded))
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    clients
        .iter()
        .find(|client| client.id == id && client.secret == secret)
}

/// Whether the `Content-Type` announces a form body (parameters such as `charset` are fine).
fn is_form_encoded(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| {
            media_type
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}
