//! `cargo xtask demo`: the whole flow against a fresh sandbox, for someone with no GoTo account.
//! It writes a temporary env file and never reads or writes the user's `.env` (nor a file named
//! with `--env-file`, which it says it ignores), nor lets the user's exported GOTO_* variables in.
//!
//! The sandbox serves inside the demo's own process (see `sandbox.rs`), so it ends with it. The
//! temporary directory holds the sandbox's credentials and a token, so it must not outlive the
//! demo either: on SIGINT, SIGTERM or SIGHUP a watcher thread removes the directory and ends the
//! process by the same signal (see `signals::Stop`).

use anyhow::Context as _;

use crate::Context;
use crate::flags;
use crate::sandbox;
use crate::signals::Stop;
use crate::ui::Style;

impl flags::Demo {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        // The demo's advice is about its own file, not the user's.
        let ui = &ctx.ui.with_env_file(None);
        if ctx.env_file_given {
            ui.warn(&format!(
                "the demo uses a temporary env file of its own; {} is neither read nor written",
                ctx.env_file.display()
            ));
        }
        ui.line(&ui.paint(Style::Bold, "1. Starting a local GoTo sandbox"));
        let stop = Stop::register();
        let sandbox = sandbox::start(0, self.latency)?;
        let dir = tempfile::tempdir().context("could not create a temporary directory")?;
        let dir_path = dir.path().to_owned();
        stop.watch(move || {
            // A write of the main thread may race the removal; a few tries win against it.
            for _ in 0..5 {
                if std::fs::remove_dir_all(&dir_path).is_ok() || !dir_path.exists() {
                    break;
                }
            }
        });
        let env_file = dir.path().join(".env");
        let lines = sandbox::env_lines(&sandbox);
        let updates: Vec<(&str, &str)> = lines
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        goto_auth::blocks::update_file(&env_file, &updates)
            .context("could not write the demo's env file")?;
        ui.success(&format!(
            "sandbox listening at {}; demo env file {}",
            sandbox.base_url(),
            env_file.display()
        ));
        let demo = Context {
            env_file,
            env_file_given: false,
            ui: *ui,
            environment: ctx.environment.without_credentials(),
            connect: ctx.connect,
        };
        let http = flags::HttpOptions { timeout: 30 };
        for title in [
            "2. cargo xtask token",
            "3. cargo xtask token (again: the stored token is reused)",
        ] {
            ui.line(&ui.paint(Style::Bold, title));
            flags::Token {
                force: false,
                print: false,
                json: false,
                header: false,
                github_env: false,
                http,
            }
            .run(&demo)?;
        }
        ui.line(&ui.paint(Style::Bold, "4. cargo xtask smoke"));
        flags::Smoke {
            only: Vec::new(),
            list: false,
            snapshots: None,
            junit: None,
            json: false,
            http,
        }
        .run(&demo)?;
        ui.success("Demo complete. With your own credentials: `cargo xtask init`, fill in .env, then `cargo xtask token` and `cargo xtask smoke`.");
        drop(sandbox);
        Ok(())
    }
}
