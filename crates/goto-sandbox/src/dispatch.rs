//! The order every request is judged in: route → method → rate limit → the route's own
//! answer → shape drift.

use std::time::{Instant, SystemTime};

use goto_apis::api_of;

use crate::answer::{self, Answer};
use crate::recording::RecordedRequest;
use crate::routes::Route;
use crate::state::State;
use crate::{api, drift, oauth};

/// The real answer to `request`: what the sandbox sends when no fault intervenes.
pub(crate) fn respond(
    state: &mut State,
    request: &RecordedRequest,
    now: SystemTime,
    clock: Instant,
) -> Answer {
    let unserved = state
        .unserved_prefixes
        .iter()
        .any(|prefix| request.path.starts_with(prefix.as_str()));
    let Some(route) = Route::recognise(&request.path).filter(|_| !unserved) else {
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
