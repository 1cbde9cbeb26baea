//! Reach GoTo's APIs from your own code.
#![warn(missing_docs)]

pub use goto_auth_core::*;
pub use goto_http::connect;
