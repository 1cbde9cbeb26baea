//! The command line, declared with clap's derive API: each doc comment is the help text a
//! newcomer reads, so it says what the command does and when to use it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// From a GoTo Personal Access Token to working GoTo API calls.
///
/// Start with `cargo xtask demo` (no GoTo account needed), then `cargo xtask init` (which asks
/// for your values on a terminal), and run `cargo xtask token` and `cargo xtask smoke`.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version)]
pub struct Cli {
    /// The env file to read and write [default: .env at the workspace root]
    #[arg(long, global = true, value_name = "PATH")]
    pub env_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands; `main` matches on this enum, which is the whole registry.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Get an access token: exchange the PAT (or reuse the stored token) and write it to .env
    Token(Token),
    /// Check the token against GoTo's APIs with read-only calls, comparing answer shapes to snapshots
    Smoke(Smoke),
    /// Make one authenticated API call and print the JSON answer (like `gh api`)
    Api(Api),
    /// Show what the env file holds (secrets masked), the token's validity and the hosts in use
    Status(Status),
    /// Create .env from .env.example (mode 0600, never overwriting); on a terminal, ask for the
    /// values and prove them, else list the steps to fill it
    Init(Init),
    /// Serve the local GoTo sandbox in the foreground and print the lines to use it (with
    /// --env-file, also write them there)
    Sandbox(Sandbox),
    /// Run the whole flow (token, then smoke) against a fresh sandbox; touches no .env of yours
    /// and ignores --env-file
    Demo(Demo),
    /// Run a command with GOTO_ACCESS_TOKEN (and GOTO_API_URL) in its environment
    Exec(Exec),
    /// Print a shell completion script (bash, zsh, fish or powershell) on stdout
    Completions(Completions),
}

/// Options for commands that talk to GoTo.
#[derive(Debug, Args, Clone, Copy)]
pub struct HttpOptions {
    /// Seconds each HTTP attempt may take
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

/// `cargo xtask token`
#[derive(Debug, Args)]
pub struct Token {
    /// Exchange the PAT even if the stored token is still valid
    #[arg(long)]
    pub force: bool,
    /// Print the bare access token on stdout, and nothing else (for `$(cargo xtask token --print)`)
    #[arg(long, conflicts_with_all = ["json", "header"])]
    pub print: bool,
    /// Print one JSON object on stdout: principal, scope, expires_at, reused (no secret)
    #[arg(long, conflicts_with = "header")]
    pub json: bool,
    /// Print `Authorization: Bearer <token>` on stdout, and nothing else (for `curl -H @-`)
    #[arg(long)]
    pub header: bool,
    /// Under GitHub Actions: append the token and its expiry to the file $GITHUB_ENV names, after
    /// printing `::add-mask::` so the log hides it
    #[arg(long, conflicts_with_all = ["print", "json", "header"])]
    pub github_env: bool,
    #[command(flatten)]
    pub http: HttpOptions,
}

/// `cargo xtask smoke`
#[derive(Debug, Args)]
pub struct Smoke {
    /// Run only the named call; repeat to run several (see the list with --list)
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// List the calls and the scope each needs, then exit (with --json, as one JSON object)
    #[arg(long)]
    pub list: bool,
    /// Where the snapshots live [default: xtask/snapshots/sandbox for a loopback GOTO_API_URL,
    /// else xtask/snapshots/live]
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<PathBuf>,
    /// Also write a JUnit XML report to PATH (one testsuite `smoke`, a testcase per call)
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Print one JSON object on stdout: every call (name, method, path, status, milliseconds,
    /// verdict, detail) and the totals; no secret, no personal value
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub http: HttpOptions,
}

/// `cargo xtask api`
#[derive(Debug, Args)]
pub struct Api {
    /// The HTTP method and the path, e.g. `/identity/v1/Users/me` or `GET /users/v1/lines`
    #[arg(value_name = "[METHOD] PATH", num_args = 1..=2, required = true)]
    pub words: Vec<String>,
    /// A JSON request body; without a METHOD the request is a POST (as `gh api`), and a GET
    /// cannot carry one
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// Follow GoTo's paging (nextPageMarker, or page.number/page.totalPages) and print one JSON
    /// array of every record
    #[arg(long)]
    pub paginate: bool,
    #[command(flatten)]
    pub http: HttpOptions,
}

/// `cargo xtask status`
#[derive(Debug, Args)]
pub struct Status {
    /// Print one JSON object on stdout instead of the human-readable report
    #[arg(long)]
    pub json: bool,
}

/// `cargo xtask init`
#[derive(Debug, Args)]
pub struct Init {}

/// `cargo xtask sandbox`
#[derive(Debug, Args)]
pub struct Sandbox {
    /// Port to listen on (127.0.0.1); 0 picks a free one
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Extra delay in milliseconds before every answer, to feel real-world latency
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
}

/// `cargo xtask demo`
#[derive(Debug, Args)]
pub struct Demo {
    /// Extra sandbox delay in milliseconds before every answer
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
}

/// `cargo xtask exec -- CMD [ARGS…]`
#[derive(Debug, Args)]
pub struct Exec {
    #[command(flatten)]
    pub http: HttpOptions,
    /// The command to run and its arguments; put them after `--`
    #[arg(value_name = "CMD", required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<std::ffi::OsString>,
}

/// `cargo xtask completions SHELL`
#[derive(Debug, Args)]
pub struct Completions {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `completions` writes for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    /// Bash
    Bash,
    /// Zsh
    Zsh,
    /// Fish
    Fish,
    /// PowerShell
    Powershell,
}
