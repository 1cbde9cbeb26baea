//! The xtask's integration tests: the real binary, run as a user runs it, against the GoTo
//! sandbox over real HTTP on 127.0.0.1. No test reaches the internet or mocks the HTTP client.
//!
//! Every run goes through `support::Run`, whose output is scanned for every secret the test
//! used (see `support::SecretScanner`), so no test can print a secret unnoticed.

/// The harness: temp env files, running the binary in a clean environment, the secret scanner.
mod support;

/// `cargo xtask token`: the exchange on the wire, the cache, every OAuth error, retries,
/// timeouts, configuration errors, and the env file's safety (symlinks, CRLF, modes, size,
/// concurrent runs).
mod token;

/// `status` and `init`.
mod status_init;

/// `smoke` and `api`: the catalog against the sandbox, snapshots, scopes, rejection, rate limits.
mod smoke;

/// The command line itself: help, version, usage errors.
mod cli;
