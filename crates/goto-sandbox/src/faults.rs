//! Faults a test can queue: wrong answers, slow answers, broken connections, huge bodies.

use std::time::Duration;

/// A fault for the next `times` requests whose path starts with `path_prefix`.
///
/// Faults are served in the order they were injected: a request takes the first queued fault
/// whose prefix matches and that still has uses left. A request that takes a fault is still
/// recorded in [`Sandbox::requests`](crate::Sandbox::requests) and still waits for the configured
/// latency first.
#[derive(Clone, Debug)]
pub struct Fault {
    /// Matched against the request path (no query), e.g. `"/oauth/token"` or `"/"` for every path.
    pub path_prefix: String,
    /// How many requests the fault applies to; 0 makes the fault a no-op.
    pub times: usize,
    /// What goes wrong.
    pub kind: FaultKind,
}

/// What an injected [`Fault`] does to a request.
#[derive(Clone, Debug)]
pub enum FaultKind {
    /// Answer with this instead of the real answer.
    ///
    /// Nothing else runs for the request: no authorization, no rate limit. `content_type` `None`
    /// sends no `Content-Type` header at all; `retry_after` `Some` sends `Retry-After` verbatim.
    Respond {
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The body, byte for byte.
        body: Vec<u8>,
        /// The `Retry-After` header, if any (seconds or an HTTP date, as the test wants it).
        retry_after: Option<String>,
    },
    /// A hostile or careless server that repeats what it was sent: answer `status` with an
    /// OAuth error (`invalid_client`) whose `error_description` quotes the request's
    /// `Authorization` header as it arrived (for the token endpoint, `Basic` and the base64 of
    /// `client_id:client_secret`) and its body with lower-case percent escapes (`pat=…%2b…%3d`),
    /// followed by `suffix` (control characters or workflow-command text, say).
    Echo {
        /// The HTTP status code.
        status: u16,
        /// Text appended to the description, byte for byte.
        suffix: String,
    },
    /// Wait this long before starting the real answer (slow headers; a hung server when long).
    Delay(Duration),
    /// Send the real answer's headers at once, then its body in ten pieces, waiting this long
    /// before each piece. The headers carry the true `Content-Length`.
    SlowBody(Duration),
    /// Close the connection without answering.
    Drop,
    /// Send the real answer's headers with its true `Content-Length`, then only the first half of
    /// the body, then close the connection.
    Truncate,
    /// A 200 answer typed `application/json` whose body is this many bytes, streamed with chunked
    /// transfer encoding and no `Content-Length`, so only a client that counts while reading can
    /// stop early. The body is one JSON object, `{"padding":"aaa…"}`, exactly this long (bodies
    /// under 14 bytes are a prefix of it).
    Oversized(u64),
    /// A 200 page of a GoTo Connect list that always points to a next page with a marker never
    /// sent before: `{"items":[{"page":N}],"nextPageMarker":"endless-N+1"}`, where N is the
    /// number in the request's `pageMarker=endless-N` (0 without one). A client that follows
    /// markers without a cap never stops.
    EndlessMarkers,
}

/// The body of an [`FaultKind::EndlessMarkers`] page for a request with this query.
pub(crate) fn endless_page(query: Option<&str>) -> Vec<u8> {
    let number: u64 = query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("pageMarker=endless-"))
        .and_then(|number| number.parse().ok())
        .unwrap_or(0);
    format!(
        "{{\"items\":[{{\"page\":{number}}}],\"nextPageMarker\":\"endless-{}\"}}",
        number + 1
    )
    .into_bytes()
}

/// A queued fault with the uses it has left.
#[derive(Debug)]
pub(crate) struct PendingFault {
    path_prefix: String,
    remaining: usize,
    kind: FaultKind,
}

/// The queue of injected faults.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Vec<PendingFault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.pending.push(PendingFault {
                path_prefix: fault.path_prefix,
                remaining: fault.times,
                kind: fault.kind,
            });
        }
    }

    /// Takes one use of the first fault that applies to `path`.
    pub(crate) fn take(&mut self, path: &str) -> Option<FaultKind> {
        let index = self
            .pending
            .iter()
            .position(|fault| path.starts_with(&fault.path_prefix))?;
        let fault = &mut self.pending[index];
        fault.remaining -= 1;
        if fault.remaining == 0 {
            Some(self.pending.remove(index).kind)
        } else {
            Some(fault.kind.clone())
        }
    }
}
