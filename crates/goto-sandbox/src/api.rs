//! The read-only API routes: authorization first, then each route's parameters, then its records.
//!
//! Authorization follows what GoTo documents and integrators recorded (see the crate's README). On GoTo Connect, SCIM and Admin routes a
//! missing or unknown token is 401 `AUTHN_INVALID_TOKEN`, an `Authorization` header that is not
//! `Bearer <JWT-shaped token>` is 401 `AUTHN_MALFORMED_TOKEN`, an expired token is 401
//! `AUTHN_EXPIRED_TOKEN`, and a token without the route's scope is 403 `AUTHZ_INSUFFICIENT_SCOPE`.
//! GoToWebinar and GoToMeeting answer all of these with 403 `InvalidToken`, the only failure body
//! ever seen from them, which is why clients keyed on 401 never refresh there.

use std::time::SystemTime;

use serde_json::{Value, json};

use crate::UserId;
use crate::answer::{Answer, collab_error, connect_error, violation};
use crate::paging::{self, Window};
use crate::recording::RecordedRequest;
use goto_apis::accepted_scopes;

use crate::routes::{Family, Route};
use crate::state::State;
use crate::timestamps::parse_rfc3339;
use crate::{details, seed};

/// The widest window report summaries accept, as GoTo Connect enforces it.
const MAX_REPORT_WINDOW_SECONDS: i64 = 31 * 86_400;

/// The answer of an authorized API route.
pub(crate) fn answer(
    state: &mut State,
    route: &Route,
    request: &RecordedRequest,
    now: SystemTime,
) -> Answer {
    let user = match authorize(state, route.family(), request, now) {
        Ok(user) => user,
        Err(refusal) => return refusal,
    };
    let organisation = &state.organisation;
    match route {
        Route::ScimMe => Answer::json(200, &organisation.scim_user(user)),
        Route::AdminMe if user.is_admin() => Answer::json(200, &organisation.admin_me(user)),
        // Observed text for users who are not administrators, PAT-derived tokens included.
        // Sent as JSON so that every answer of the sandbox parses, with the observed words as
        // both code and message.
        Route::AdminMe => Answer::json(
            401,
            &json!({ "errorCode": "not.authenticated", "message": "not.authenticated" }),
        ),
        Route::Lines => Answer::json(200, &json!({ "items": organisation.lines_of(user) })),
        Route::Users => account_list(state, request, |organisation| organisation.account_users()),
        Route::PhoneNumbers => {
            account_list(state, request, |organisation| organisation.phone_numbers())
        }
        Route::Extensions => account_list(state, request, |organisation| organisation.extensions()),
        Route::ReportSummaries => report_summaries(state, request),
        Route::Channels => match paging::connect_window(request) {
            Ok(window) => connect_page(&organisation.channels_of(user), &window, None),
            Err(bad) => bad_request(state, vec![violation(bad.constraint, bad.field)]),
        },
        Route::Webinars { organizer_key } => webinars(state, request, user, organizer_key),
        Route::Registrants {
            organizer_key,
            webinar_key,
        } => details::registrants(organisation, user, organizer_key, webinar_key),
        Route::UpcomingMeetings => {
            Answer::json(200, &Value::from(organisation.upcoming_meetings_of(user)))
        }
        Route::Meeting { meeting_id } => details::meeting(organisation, user, meeting_id),
        Route::Token | Route::DecommissionedToken => {
            unreachable!("the token routes are answered by oauth")
        }
    }
}

/// Why a request was refused before reaching its route.
enum Refusal {
    Missing,
    Malformed,
    Unknown,
    Expired,
    MissingScope(String),
}

/// The user behind the request's bearer token, or the answer refusing it.
fn authorize(
    state: &mut State,
    family: Family,
    request: &RecordedRequest,
    now: SystemTime,
) -> Result<UserId, Answer> {
    let refusal = match bearer_token(request) {
        Err(refusal) => refusal,
        Ok(token) => match state.tokens.get(token) {
            None => Refusal::Unknown,
            Some(issued) if now >= issued.expires_at => Refusal::Expired,
            Some(issued) => match accepted_scopes(&request.path) {
                accepted @ [first, ..]
                    if !accepted
                        .iter()
                        .any(|scope| issued.scopes.iter().any(|granted| granted == scope)) =>
                {
                    Refusal::MissingScope((*first).to_owned())
                }
                _ => match refused_scope(state, &request.path) {
                    Some(scope) => {
                        return Err(insufficient_scope(state, family, &scope));
                    }
                    None => return Ok(issued.user),
                },
            },
        },
    };
    if family == Family::Collab {
        return Err(collab_error(403, "InvalidToken", "Invalid token passed"));
    }
    let (status, code, message) = match refusal {
        Refusal::Missing => (
            401,
            "AUTHN_INVALID_TOKEN",
            "Authentication is required: send Authorization: Bearer <access token>.".to_owned(),
        ),
        Refusal::Malformed => (
            401,
            "AUTHN_MALFORMED_TOKEN",
            "The Authorization header does not hold a well-formed bearer token.".to_owned(),
        ),
        Refusal::Unknown => (
            401,
            "AUTHN_INVALID_TOKEN",
            "The access token is not valid.".to_owned(),
        ),
        Refusal::Expired => (
            401,
            "AUTHN_EXPIRED_TOKEN",
            "The access token has expired.".to_owned(),
        ),
        Refusal::MissingScope(scope) => return Err(insufficient_scope(state, family, &scope)),
    };
    Err(connect_error(
        status,
        state.entropy.reference(),
        code,
        &message,
        Vec::new(),
    ))
}

/// The scope a test told the sandbox to refuse on `path` (`Sandbox::refuse_scope`), if any; the
/// longest matching prefix wins.
fn refused_scope(state: &State, path: &str) -> Option<String> {
    state
        .refused_scopes
        .iter()
        .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, scope)| scope.clone())
}

/// GoTo's 403 for a token without the route's scope, in the route family's envelope, with the
/// words GoTo uses: `AUTHZ_INSUFFICIENT_SCOPE`, "The access token does not have the required
/// scope: <scope>".
///
/// A token that lacks `collab:` on GoToWebinar or GoToMeeting gets `InvalidToken` instead, the
/// only failure those APIs were ever seen to send; this answer reaches them only through
/// `Sandbox::refuse_scope`, in their own `{int_err_code, msg}` envelope.
fn insufficient_scope(state: &mut State, family: Family, scope: &str) -> Answer {
    let message = format!("The access token does not have the required scope: {scope}");
    match family {
        Family::Collab => collab_error(403, "AUTHZ_INSUFFICIENT_SCOPE", &message),
        Family::Connect => connect_error(
            403,
            state.entropy.reference(),
            "AUTHZ_INSUFFICIENT_SCOPE",
            &message,
            Vec::new(),
        ),
    }
}

/// The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235).
/// A token must look like a JWT, three non-empty base64url parts, as all GoTo tokens do.
fn bearer_token(request: &RecordedRequest) -> Result<&str, Refusal> {
    let header = request.header("authorization").ok_or(Refusal::Missing)?;
    let (scheme, token) = header.trim().split_once(' ').ok_or(Refusal::Malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Refusal::Malformed);
    }
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let is_base64url = |part: &&str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    };
    if parts.len() == 3 && parts.iter().all(is_base64url) {
        Ok(token)
    } else {
        Err(Refusal::Malformed)
    }
}

/// A 400 in the GoTo Connect envelope. The `errorCode` is the sandbox's own: GoTo's code for
/// validation failures was never captured, only a violation's `constraint` and `field`.
fn bad_request(state: &mut State, violations: Vec<Value>) -> Answer {
    connect_error(
        400,
        state.entropy.reference(),
        "BAD_REQUEST",
        "The request has invalid or missing parameters.",
        violations,
    )
}

/// Checks the required `accountKey`: 400 when missing, 404 when it is not the seeded account.
///
/// GoTo's answer to someone else's account key was never captured; 404 `NOT_FOUND` reuses the
/// one documented code that fits, where 403 would suggest a missing scope to clients.
fn check_account(state: &mut State, request: &RecordedRequest) -> Result<(), Answer> {
    match request.query_param("accountKey") {
        None => Err(bad_request(state, vec![violation("NotNull", "accountKey")])),
        Some(key) if key == seed::ACCOUNT_KEY => Ok(()),
        Some(key) => Err(connect_error(
            404,
            state.entropy.reference(),
            "NOT_FOUND",
            &format!("Account {key} was not found."),
            Vec::new(),
        )),
    }
}

/// An account-wide list with GoTo Connect paging.
fn account_list(
    state: &mut State,
    request: &RecordedRequest,
    records: impl FnOnce(&crate::organisation::Organisation) -> Vec<Value>,
) -> Answer {
    if let Err(refusal) = check_account(state, request) {
        return refusal;
    }
    match paging::connect_window(request) {
        Ok(window) => connect_page(&records(&state.organisation), &window, None),
        Err(bad) => bad_request(state, vec![violation(bad.constraint, bad.field)]),
    }
}

/// `{"items": [...], "nextPageMarker": "..."}`, the marker only when more items follow.
/// Report summaries also echo their `pageSize`.
fn connect_page(items: &[Value], window: &Window, page_size_field: Option<usize>) -> Answer {
    let (page, more) = window.apply(items);
    let mut body = json!({ "items": page });
    if let Some(page_size) = page_size_field {
        body["pageSize"] = json!(page_size);
    }
    if more {
        body["nextPageMarker"] = json!(window.next_marker());
    }
    Answer::json(200, &body)
}

/// `GET /call-events-report/v1/report-summaries?accountKey=&startTime=&endTime=`.
fn report_summaries(state: &mut State, request: &RecordedRequest) -> Answer {
    let mut violations = Vec::new();
    let account_key = request.query_param("accountKey");
    if account_key.is_none() {
        violations.push(violation("NotNull", "accountKey"));
    }
    let mut instant = |field: &str| match request.query_param(field) {
        None => {
            violations.push(violation("NotNull", field));
            None
        }
        Some(text) => {
            let parsed = parse_rfc3339(&text);
            if parsed.is_none() {
                violations.push(violation("InvalidFormat", field));
            }
            parsed
        }
    };
    let (start, end) = (instant("startTime"), instant("endTime"));
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            violations.push(violation(
                "InvalidRange",
                "startTime must not be after endTime",
            ));
        } else if end - start > MAX_REPORT_WINDOW_SECONDS {
            violations.push(violation(
                "InvalidRange",
                "maximum supported range is 31 days",
            ));
        }
    }
    if !violations.is_empty() {
        return bad_request(state, violations);
    }
    if let Err(refusal) = check_account(state, request) {
        return refusal;
    }
    let window = match paging::connect_window(request) {
        Ok(window) => window,
        Err(bad) => return bad_request(state, vec![violation(bad.constraint, bad.field)]),
    };
    let (Some(start), Some(end)) = (start, end) else {
        unreachable!("missing instants were reported as violations above")
    };
    let summaries = state.organisation.call_summaries(start, end);
    connect_page(&summaries, &window, Some(window.size))
}

/// `GET /G2W/rest/v2/organizers/{organizerKey}/webinars?fromTime=&toTime=&page=&size=`.
///
/// An organizer may list only their own webinars. A key that is not the caller's is answered
/// 403 whether or not such a user exists, so that keys cannot be probed: GoToWebinar v2's
/// description declares only 200, 400 and 403 for this operation. The `int_err_code` is
/// `Forbidden`, not `InvalidToken`, because the token is fine and clients renew on `InvalidToken`.
fn webinars(
    state: &mut State,
    request: &RecordedRequest,
    user: UserId,
    organizer_key: &str,
) -> Answer {
    if UserId::from_user_key(organizer_key) != Some(user) {
        return collab_error(
            403,
            "Forbidden",
            &format!("Organizer {organizer_key} is not the authenticated organizer."),
        );
    }
    let instant = |field: &str| match request.query_param(field) {
        None => Err(format!("Required parameter '{field}' is missing.")),
        Some(text) => parse_rfc3339(&text).ok_or_else(|| {
            format!("Parameter '{field}' must be an ISO-8601 instant such as 2024-05-01T10:00:00Z.")
        }),
    };
    let (from, to) = match (instant("fromTime"), instant("toTime")) {
        (Ok(from), Ok(to)) if from <= to => (from, to),
        (Ok(_), Ok(_)) => {
            return collab_error(400, "InvalidRequest", "fromTime must not be after toTime.");
        }
        (Err(message), _) | (_, Err(message)) => {
            return collab_error(400, "InvalidRequest", &message);
        }
    };
    let window = match paging::webinar_window(request) {
        Ok(window) => window,
        Err(message) => return collab_error(400, "InvalidRequest", &message),
    };
    let webinars = state.organisation.webinars_of(user, from, to);
    let (page, _) = window.apply(&webinars);
    let total = webinars.len();
    Answer::json(
        200,
        &json!({
            "_embedded": { "webinars": page },
            "page": {
                "size": window.size,
                "totalElements": total,
                "totalPages": total.div_ceil(window.size),
                "number": window.offset / window.size,
            },
        }),
    )
}
