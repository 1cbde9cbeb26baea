//! `cargo xtask exec -- CMD [ARGS…]`: run a command with the access token in its environment,
//! as `op run` and `dotenvx run` do, so the token never passes through a shell variable or
//! the command line (where `ps` would show it).
//!
//! The xtask stays the command's parent: it forwards SIGINT, SIGTERM and SIGHUP to the child
//! and ends with the child's exit code, so the command behaves in a script as if run directly.

use std::process::{Command, ExitStatus};
use std::time::Duration;

use goto_auth::blocks::keys;
use rustix::process::{Pid, Signal};

use crate::Context;
use crate::flags;
use crate::report::{ChildExit, SpawnFailed};
use crate::signals::{POLL, Stop};

impl flags::Exec {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let session = ctx.session(Duration::from_secs(self.http.timeout))?;
        let (token, _) = session.token(false)?;
        let api_url = session.sources().api_url()?;
        let (program, args) = self
            .command
            .split_first()
            .expect("clap requires the command");
        let mut command = Command::new(program);
        command
            .args(args)
            .env(keys::ACCESS_TOKEN, token.access_token.expose_secret());
        if let Some(api_url) = api_url {
            command.env(keys::API_URL, api_url.as_str());
        }
        // Handlers first, so that a signal arriving while the child starts is not lost; the
        // child starts with default dispositions (exec resets caught signals).
        let stop = Stop::register();
        let mut child = command
            .spawn()
            .map_err(|error| SpawnFailed::new(program, &error))?;
        let pid = Pid::from_child(&child);
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            // A terminal's Ctrl-C reaches the command by itself (it is in the same process
            // group), so SIGINT is passed on only when it did not come from there.
            while let Some(signal) = stop.received().and_then(Signal::from_named_raw) {
                if !(signal == Signal::INT && ctrl_c_reached_child()) {
                    // The child may have ended a moment ago; then there is nobody to tell.
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
            std::thread::sleep(POLL);
        };
        match exit_code(status) {
            0 => Ok(()),
            code => Err(ChildExit(code).into()),
        }
    }
}

/// The exit code a shell would report for the child: its own code, or 128 + N when signal N
/// ended it.
fn exit_code(status: ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => u8::try_from(code & 0xff).unwrap_or(1),
        (None, Some(signal)) => u8::try_from(128 + signal).unwrap_or(255),
        (None, None) => 1,
    }
}

/// Whether a SIGINT most likely came from the terminal's Ctrl-C, which the terminal sends to
/// its whole foreground process group, the child included: the xtask's process group is the
/// terminal's foreground group. Forwarding it then would interrupt the command twice.
fn ctrl_c_reached_child() -> bool {
    rustix::termios::tcgetpgrp(std::io::stdin())
        .is_ok_and(|foreground| foreground == rustix::process::getpgrp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn exit_codes_are_the_shells() {
        assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(15)), 143);
        assert_eq!(exit_code(ExitStatus::from_raw(9)), 137);
    }
}
