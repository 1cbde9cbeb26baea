//! `cargo xtask exec -- CMD [ARGS…]`: run a command with the access token in its environment,
//! as `op run` and `dotenvx run` do, so the token never passes through a shell variable or
//! the command line (where `ps` would show it).
//!
//! The xtask becomes the command: once the token is in hand it replaces itself with CMD
//! (`execvp`, through std's `CommandExt::exec`), as `cargo run` and `env` do. CMD then has the
//! xtask's pid, terminal and standard streams, so a signal sent to that pid is CMD's, and its
//! exit code or the signal that ends it is what the shell sees, with nothing in between to
//! forward or translate. Only when the exec itself fails does the xtask answer, with the shell's
//! 127 (no such command) or 126 (cannot be run).
//!
//! CMD starts as a shell would start it. By the time of the exec the token is written and the
//! env file's lock released (the session's write ends before [`goto_auth::blocks::Session::token`]
//! returns, and the session is dropped first). No signal handler is installed on this path, and
//! the exec resets any caught signal to its default anyway; std's exec also empties the signal
//! mask and restores SIGPIPE, which Rust's runtime ignores. A signal that was already ignored
//! when the xtask started (`nohup`'s SIGHUP) stays ignored, as a shell leaves it.

use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::process::Command;
use std::time::Duration;

use goto_auth::blocks::keys;

use crate::Context;
use crate::flags;
use crate::report::ExecFailed;

impl flags::Exec {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let (program, args) = self
            .command
            .split_first()
            .expect("clap requires the command");
        let mut command = Command::new(program);
        command.args(args);
        {
            let session = ctx.session(Duration::from_secs(self.http.timeout))?;
            let (token, _) = session.token(false)?;
            command.env(keys::ACCESS_TOKEN, token.access_token.expose_secret());
            // With the expiry, a program on goto-auth (`GoTo::from_env()`) uses the token until it
            // expires and then says why it cannot renew it, rather than sending a dead token.
            command.env(
                keys::ACCESS_TOKEN_EXPIRES_AT,
                goto_auth::blocks::format_instant(token.expires_at),
            );
            if let Some(api_url) = session.sources().api_url()? {
                command.env(keys::API_URL, api_url.as_str());
            }
        }
        // Whatever the xtask printed must reach the terminal before the process image is gone.
        let _ = std::io::stdout().flush();
        let error = command.exec();
        Err(ExecFailed::new(program, &error).into())
    }
}
