//! Answers before they become HTTP, and the error bodies of each GoTo API family.
//!
//! Handlers build an [`Answer`] while holding the sandbox's lock; only afterwards does the server
//! turn it into a response, which lets faults such as a slow or truncated body work on the real
//! answer.

use serde_json::{Value, json};

/// A complete answer: status, headers other than the ones hyper adds, and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// A JSON answer; every JSON answer of GoTo says `application/json`.
    pub(crate) fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type", "application/json".to_owned())],
            body: body.to_string().into_bytes(),
        }
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Answer {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn is_json(&self) -> bool {
        self.headers
            .iter()
            .any(|(name, value)| *name == "content-type" && value.starts_with("application/json"))
    }
}

/// The GoTo Connect error envelope (api.goto.com), also used for SCIM and the Admin API, whose
/// own error bodies were never captured.
pub(crate) fn connect_error(
    status: u16,
    reference: String,
    error_code: &str,
    message: &str,
    constraint_violations: Vec<Value>,
) -> Answer {
    Answer::json(
        status,
        &json!({
            "reference": reference,
            "constraintViolations": constraint_violations,
            "errorCode": error_code,
            "message": message,
        }),
    )
}

/// One entry of `constraintViolations`, e.g. `{"constraint":"NotNull","field":"accountKey"}`.
pub(crate) fn violation(constraint: &str, field: &str) -> Value {
    json!({ "constraint": constraint, "field": field })
}

/// The body GoToWebinar and GoToMeeting use for their errors.
pub(crate) fn collab_error(status: u16, int_err_code: &str, message: &str) -> Answer {
    Answer::json(
        status,
        &json!({ "int_err_code": int_err_code, "msg": message }),
    )
}

/// An RFC 6749 §5.2 error from the token endpoint.
pub(crate) fn oauth_error(status: u16, error: &str, description: &str) -> Answer {
    Answer::json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// The error code of the sandbox's answer to a path it does not serve: its own, not GoTo's
/// `NOT_FOUND`, so a client can tell "the sandbox lacks this route" from a 404 that GoTo or a
/// proxy on the way sends (`cargo xtask smoke` skips such a call against the sandbox).
pub const NOT_SERVED: &str = "SANDBOX_NOT_SERVED";

/// The sandbox's answer to a path it does not serve: 404 with [`NOT_SERVED`].
pub(crate) fn not_found(method: &str, path: &str) -> Answer {
    Answer::json(
        404,
        &json!({
            "errorCode": NOT_SERVED,
            "message": format!("The GoTo sandbox does not serve {method} {path}."),
        }),
    )
}

/// The answer to a known path asked with a method it does not serve.
pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &str) -> Answer {
    Answer::json(
        405,
        &json!({
            "errorCode": "METHOD_NOT_ALLOWED",
            "message": format!("{method} is not supported on {path}; use {allowed}"),
        }),
    )
    .with_header("allow", allowed)
}
