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

/// The HTTPS path: the sandbox's TLS mode trusted through `SSL_CERT_FILE` or `SSL_CERT_DIR`, or
/// not (failing at once, naming the host and the remedy), an expired certificate, `HTTPS_PROXY`
/// through a CONNECT proxy on 127.0.0.1, `NO_PROXY`, and an unreachable or refusing proxy named
/// as such, without its credentials.
mod https;

/// `status` and `init`.
mod status_init;

/// Where the process environment reaches into the env file: dotenvy's `$NAME` expansion.
mod environment;

/// The code's structure: no import cycles between modules, no panic catching in the xtask,
/// every xtask module under 300 lines.
mod structure;

/// `smoke` and `api`: the catalog against the sandbox, snapshots, scopes, rejection, rate limits.
mod smoke;

/// The `.snap.new` files smoke writes, listed and accepted by the real `cargo-insta`.
mod insta_review;

/// Using the token elsewhere: `token --header` and `--github-env`, `exec` (environment, stdin,
/// exit codes, forwarded signals), `api --paginate` with a request count, `completions`.
mod daily;

/// `init` on a pseudo-terminal: the questions, the secret and the PAT read without echo, the
/// values written and proven by one exchange, Ctrl-C.
mod init_terminal;

/// The command line itself: help, version, usage errors.
mod cli;

/// The fault matrix: every broken answer, slow or dropped connection and bad token answer, met
/// by `token`, `smoke` and `api`, with exit code, message, time and file checked per cell.
mod faults;

/// The env file `token` writes, read by python-dotenv and node's dotenv at pinned versions, which
/// the module installs into the target directory on first use: every value exactly as dotenvy
/// reads it.
mod interop;

/// Crash safety: `token --force` killed with SIGKILL while it writes leaves the old file or the
/// new one; sixteen forced runs at once lose nothing.
mod crash;

/// Snapshot hygiene: nothing under `xtask/snapshots/`, in any folder, holds a token, a secret or
/// an email address.
mod hygiene;

/// `smoke --junit`, `smoke --json` and GitHub Actions' annotations and job summary, read back
/// with an XML parser, serde_json and files in a temp dir.
mod reports;

/// GoTo's insufficient-scope answer and the Admin API's refusal of a member: skipped with the
/// reason, one exchange, exit 0.
mod refusals;

/// Messages and defaults that tell the truth: `api --data` is a POST, a GET with a body is
/// refused; retries that ran out say how many attempts were made and what the last answer was.
mod messages;

/// Real files and real accounts: a principal with an apostrophe, directories, FIFOs, sockets and
/// devices as the env file, read-only files and directories, ownership kept as root, bind mounts
/// (EBUSY), foreign lines, 20 concurrent runs making one exchange, temporary-file clean-up, hard
/// links, the guide's token URL, expiry wording and `init`'s messages. Tests that need root say so
/// on stderr when they cannot run.
mod real_files;

/// Processes: a real SIGINT, SIGTERM or SIGHUP ends `sandbox` and `demo` with their sandbox
/// child, `demo` removes its temporary directory, and the xtask dies by that signal; `sandbox
/// --env-file` writes its lines but never over real credentials; `demo` ignores `--env-file`.
mod processes;
