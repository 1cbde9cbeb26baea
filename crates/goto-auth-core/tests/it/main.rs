//! goto-auth's integration tests: real files in temporary directories, and real HTTP against
//! the GoTo sandbox on 127.0.0.1. Unit tests of the pure parts sit beside the code.

/// The `.env` editor on disk: modes, symlinks, size, concurrency, refusals, and property tests.
mod dotenv;

/// The token exchange through the library: every broken answer and transport fault.
mod exchange;

/// Secret hygiene: the `Debug` of every configuration, token, request and answer type, and every
/// error of a failing exchange, hold no credential in any encoding.
mod redaction;

/// Fuzzing as long proptest runs: token answers, `Retry-After`, values and env files of any
/// bytes never panic, and nothing said about them quotes a secret.
mod fuzz;
