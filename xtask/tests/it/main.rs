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

/// Every snapshot file smoke writes (committed, recorded, `.snap.new`) read with insta's own
/// parser, accepted as `cargo insta accept` does; stale `.snap.new` files, `.snap` files that are
/// not UTF-8, and the closing advice in and out of CI.
mod snapshot_files;

/// Smoke calls that take values from earlier answers: order, percent-encoding, an empty list
/// (skip) against a pointer that finds nothing (failure), a call the sandbox does not serve, and
/// the Admin API's refusals that are and are not a missing role.
mod chains;

/// Using the token elsewhere: `token --header` and `--github-env`, `api --paginate` with a
/// request count, `completions`.
mod daily;

/// `exec` becomes its command: the token and API URL in its environment, the token written and
/// the lock free before it starts, its pid, exit code and signals its own (a `kill -INT` on a
/// terminal included), its signal mask and dispositions a shell's, 127 and 126 when it cannot
/// start.
mod exec;

/// `init` on a pseudo-terminal: the questions, the secret and the PAT read without echo (also
/// when pasted ahead at the first prompt), the values written and proven by one exchange, Ctrl-C,
/// an environment override flagged for a kept value, and SIGTERM, SIGHUP or SIGINT at the hidden
/// prompt leaving the terminal's echo and line mode restored.
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
/// new one; ended by SIGINT, SIGTERM or SIGHUP during the exchange, it leaves the file unchanged
/// and no temporary file; sixteen forced runs at once lose nothing.
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

/// Hostile answers: echoed credentials redacted in every form we sent them, control characters,
/// bidirectional overrides and workflow-command lines from a server shown escaped on stderr and
/// stdout, and `$GITHUB_ENV` entries that start on a line of their own.
mod hostile;

/// Processes: `sandbox` and `demo` serve the sandbox in-process, with no child; a real SIGINT,
/// SIGTERM or SIGHUP ends them with their server, `demo` removes its temporary directory, and the
/// xtask dies by that signal; `sandbox --env-file` writes its lines but never over real
/// credentials; `demo` ignores `--env-file`.
mod processes;

/// What smoke's reports say when the run goes wrong and what they keep to themselves: reports
/// written when no token can be had, personal values a server echoes masked in every report, a
/// JUnit path that is the env file refused.
mod report_safety;

/// `api --paginate` led astray: a `#` fragment refused, a server's endless markers stopped at the
/// documented cap of 1,000 pages.
mod paging_limits;

/// Small things that must read right: an unusable `$GITHUB_ENV` refused before the exchange,
/// `api 'GE T'` a usage error, a closed stdout a quiet exit, `Retry-After` explained on `api`,
/// `smoke --list --json`, the snapshot diff's order, advice for a missing env-file directory,
/// and completion scripts that offer smoke's call names.
mod polish;
