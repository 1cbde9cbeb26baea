//! `goto-sandbox`: serves a seeded GoTo sandbox on 127.0.0.1 until killed.
//!
//! The first five lines on stdout are the env-file lines to use it ([`Sandbox::env_lines`], which
//! `cargo xtask sandbox` prints too), in this order and nothing else, so a script can read them:
//!
//! ```text
//! GOTO_AUTH_URL=http://127.0.0.1:PORT      (https:// with --tls)
//! GOTO_API_URL=http://127.0.0.1:PORT
//! GOTO_CLIENT_ID=…
//! GOTO_CLIENT_SECRET=…
//! GOTO_PAT=…
//! ```
//!
//! Every value is bare-safe for any dotenv reader (`[A-Za-z0-9._~+/=:-]` only). The PAT is
//! [`seed::GUIDE_PAT`], letters and digits only, so GoTo's guide's curl command works with it as
//! typed. The banner for people goes to stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use goto_sandbox::{Options, Sandbox, Tls, seed};

/// A local GoTo: the OAuth token endpoint and read-only APIs, seeded with a small organisation.
#[derive(Debug, Parser)]
#[command(name = "goto-sandbox", version)]
struct Arguments {
    /// The port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Extra delay before every answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// Accept any number of requests per second (GoTo allows 10 per API).
    #[arg(long)]
    no_rate_limit: bool,
    /// Send 429 answers without a Retry-After header.
    #[arg(long)]
    no_retry_after: bool,
    /// Refuse valid tokens on paths starting with PATH as GoTo does for a missing scope: 403
    /// AUTHZ_INSUFFICIENT_SCOPE naming SCOPE, whatever the token holds. Repeatable.
    #[arg(long, value_name = "PATH=SCOPE", value_parser = path_and_scope)]
    insufficient_scope: Vec<(String, String)>,
    /// Serve https:// with a certificate for 127.0.0.1 and localhost from the sandbox's test CA;
    /// clients trust it with SSL_CERT_FILE pointing at the CA's file (printed on stderr).
    #[arg(long)]
    tls: bool,
}

/// The test CA's file in this crate's source, for `SSL_CERT_FILE`.
const TEST_CA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tls/ca.pem");

/// Splits `PATH=SCOPE`; the path must be absolute and the scope non-empty.
fn path_and_scope(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((path, scope)) if path.starts_with('/') && !scope.is_empty() => {
            Ok((path.to_owned(), scope.to_owned()))
        }
        _ => Err(format!(
            "expected PATH=SCOPE such as /users/v1/lines=users.v1.lines.read, got '{text}'"
        )),
    }
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    let options = Options {
        port: arguments.port,
        latency: Duration::from_millis(arguments.latency),
        rate_limit_per_second: if arguments.no_rate_limit {
            None
        } else {
            Options::default().rate_limit_per_second
        },
        retry_after: !arguments.no_retry_after,
        tls: if arguments.tls { Tls::TestCa } else { Tls::Off },
        ..Options::default()
    };
    let sandbox = match Sandbox::start_with(options) {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!(
                "goto-sandbox: cannot listen on 127.0.0.1:{}: {error}",
                arguments.port
            );
            return ExitCode::FAILURE;
        }
    };
    for (path, scope) in &arguments.insufficient_scope {
        sandbox.refuse_scope(path, scope);
    }
    let base_url = sandbox.base_url();
    let lines: String = sandbox
        .env_lines()
        .iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect();
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(lines.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("goto-sandbox: cannot write the credentials to stdout");
        return ExitCode::FAILURE;
    }
    drop(stdout);
    eprintln!(
        "goto-sandbox: a seeded GoTo is serving on {base_url} as {} (Ctrl-C stops it)",
        seed::ADMIN_EMAIL
    );
    if arguments.tls {
        eprintln!(
            "goto-sandbox: its certificate is signed by the sandbox's test CA; trust it with \
             SSL_CERT_FILE={TEST_CA_FILE}"
        );
    }
    // The server runs on the sandbox's own thread; this one only keeps the process alive until a
    // signal ends it, which also ends the sandbox.
    loop {
        std::thread::park();
    }
}
