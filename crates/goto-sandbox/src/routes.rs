//! Which path is which API, what each needs, and the order every request is judged in:
//! route → method → rate limit → the route's own answer → shape drift.

use std::time::{Instant, SystemTime};

use crate::answer::{self, Answer};
use crate::recording::RecordedRequest;
use crate::state::State;
use crate::{api, drift, oauth};

/// Which scopes each API route accepts, by path prefix: the sandbox's own authorization table.
/// A token needs any one of a route's scopes; the first is the one a refusal names.
///
/// An empty list means any valid token will do. That is the case for notification channels,
/// which have no dedicated scope: GoTo's guide only says to use the same user and token as for
/// the subscriptions made on the channel. Report summaries accept two names because the sources
/// disagree: two live integrations use `cr.v1.read`, a published summary of GoTo's reference says
/// `call-events-report.v1.read`. The token endpoint needs no scope and is not listed.
pub const SCOPES: &[(&str, &[&str])] = &[
    ("/identity/v1/Users/me", &["identity:scim.me"]),
    ("/admin/rest/v1/me", &["identity:"]),
    ("/users/v1/lines", &["users.v1.lines.read"]),
    ("/users/v1/users", &["users.v1.read"]),
    ("/voice-admin/v1/phone-numbers", &["voice-admin.v1.read"]),
    ("/voice-admin/v1/extensions", &["voice-admin.v1.read"]),
    (
        "/call-events-report/v1/report-summaries",
        &["cr.v1.read", "call-events-report.v1.read"],
    ),
    ("/notification-channel/v1/channels", &[]),
    ("/G2W/rest/v2/organizers/", &["collab:"]),
    ("/G2M/rest/upcomingMeetings", &["collab:"]),
];

/// A path the sandbox serves.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    Token,
    DecommissionedToken,
    ScimMe,
    AdminMe,
    Lines,
    Users,
    PhoneNumbers,
    Extensions,
    ReportSummaries,
    Channels,
    Webinars { organizer_key: String },
    UpcomingMeetings,
}

/// Which error bodies a route speaks: GoTo Connect's envelope, or GoToWebinar/GoToMeeting's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// api.goto.com, and the SCIM and Admin APIs on api.getgo.com.
    Connect,
    /// GoToWebinar and GoToMeeting on api.getgo.com.
    Collab,
}

impl Route {
    /// The route of `path`, matched exactly (a trailing slash is another path, as upstream).
    pub(crate) fn recognise(path: &str) -> Option<Route> {
        let route = match path {
            "/oauth/token" => Route::Token,
            _ if path.starts_with("/oauth/v2/") => Route::DecommissionedToken,
            "/identity/v1/Users/me" => Route::ScimMe,
            "/admin/rest/v1/me" => Route::AdminMe,
            "/users/v1/lines" => Route::Lines,
            "/users/v1/users" => Route::Users,
            "/voice-admin/v1/phone-numbers" => Route::PhoneNumbers,
            "/voice-admin/v1/extensions" => Route::Extensions,
            "/call-events-report/v1/report-summaries" => Route::ReportSummaries,
            "/notification-channel/v1/channels" => Route::Channels,
            "/G2M/rest/upcomingMeetings" => Route::UpcomingMeetings,
            _ => {
                let organizer_key = path
                    .strip_prefix("/G2W/rest/v2/organizers/")?
                    .strip_suffix("/webinars")?;
                if organizer_key.is_empty() || organizer_key.contains('/') {
                    return None;
                }
                Route::Webinars {
                    organizer_key: organizer_key.to_owned(),
                }
            }
        };
        Some(route)
    }

    /// The one method the route serves; `None` when any method gets the same answer.
    fn method(&self) -> Option<&'static str> {
        match self {
            Route::Token => Some("POST"),
            Route::DecommissionedToken => None,
            _ => Some("GET"),
        }
    }

    pub(crate) fn family(&self) -> Family {
        match self {
            Route::Webinars { .. } | Route::UpcomingMeetings => Family::Collab,
            _ => Family::Connect,
        }
    }
}

/// The scopes [`SCOPES`] accepts on `path`, any one of which will do; empty when any valid
/// token will do.
pub(crate) fn accepted_scopes(path: &str) -> &'static [&'static str] {
    SCOPES
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or(&[], |(_, scopes)| *scopes)
}

/// The API a path belongs to for rate limiting: its first segment (`users`, `G2W`, `oauth`, …).
/// GoTo limits each API separately, so one busy API does not slow the others.
fn api_of(path: &str) -> &str {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
}

/// The real answer to `request`: what the sandbox sends when no fault intervenes.
pub(crate) fn respond(
    state: &mut State,
    request: &RecordedRequest,
    now: SystemTime,
    clock: Instant,
) -> Answer {
    let Some(route) = Route::recognise(&request.path) else {
        return answer::not_found(&request.method, &request.path);
    };
    if let Some(method) = route.method()
        && request.method != method
    {
        return answer::method_not_allowed(&request.method, &request.path, method);
    }
    if route == Route::DecommissionedToken {
        return oauth::decommissioned();
    }
    if !state.rate_limiter.admit(api_of(&request.path), clock) {
        return too_many_requests(state);
    }
    let answer = match route {
        Route::Token => oauth::exchange(state, request, now),
        _ => api::answer(state, &route, request, now),
    };
    drift::apply(&state.drifting_prefixes, &request.path, answer)
}

/// GoTo documents the 429 but not its body or headers; the body is the GoTo Connect envelope
/// (on every route, the token endpoint included) and `Retry-After: 1` is sent unless turned off.
fn too_many_requests(state: &mut State) -> Answer {
    let answer = answer::connect_error(
        429,
        state.entropy.reference(),
        "TOO_MANY_REQUESTS",
        "Rate limit exceeded: slow down and retry later.",
        Vec::new(),
    );
    if state.retry_after {
        answer.with_header("retry-after", "1")
    } else {
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scoped_prefix_is_a_route() {
        for (prefix, _) in SCOPES {
            let path = if prefix.ends_with('/') {
                format!("{prefix}123/webinars")
            } else {
                (*prefix).to_owned()
            };
            assert!(Route::recognise(&path).is_some(), "{path}");
        }
    }

    #[test]
    fn organizer_keys_are_one_segment() {
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/42/webinars"),
            Some(Route::Webinars {
                organizer_key: "42".to_owned()
            })
        );
        assert_eq!(Route::recognise("/G2W/rest/v2/organizers//webinars"), None);
        assert_eq!(
            Route::recognise("/G2W/rest/v2/organizers/4/2/webinars"),
            None
        );
    }

    #[test]
    fn apis_are_first_segments() {
        assert_eq!(api_of("/users/v1/lines"), "users");
        assert_eq!(api_of("/G2W/rest/v2/organizers/1/webinars"), "G2W");
    }
}
