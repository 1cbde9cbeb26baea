//! goto-auth as the team's own programs use it: `GoTo` and `AsyncGoTo` through their public API
//! alone, against the GoTo sandbox over real HTTP on 127.0.0.1. No test mocks the HTTP client.

/// The harness: a sandbox with an env file, request counts, the secret forms to look for, a
/// logger that keeps every record.
mod support;

/// The blocking client: one exchange for 32 threads, renewal before expiry and after every wave
/// of rejections, no renewal storm for a fresh token an API refuses, paths that would leave
/// GoTo's hosts, a read-only env file, both paging styles, a POST sent once.
mod blocking;

/// `GoTo::from_env()` as `cargo xtask exec` starts a program: only the token and its expiry.
mod from_env;

/// No secret in any error's `Display` or `Debug`, nor in any log record.
mod hygiene;

/// The blocking client in a tokio program: fine inside `spawn_blocking`, created and dropped
/// inside a runtime, and an error (never a panic) on a runtime's own thread.
mod in_tokio;

/// The async client on both tokio flavours: one exchange for 32 tasks, a dropped future that
/// strands no other caller, renewal after rejection.
mod async_client;
