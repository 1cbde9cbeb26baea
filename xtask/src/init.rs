//! `cargo xtask init`: a new `.env` from `.env.example`, readable only by its owner, and the
//! steps of GoTo's guide that fill it in.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use anyhow::Context as _;

use crate::Context;
use crate::flags;
use crate::ui::Style;

impl flags::Init {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let (ui, env_file) = (&ctx.ui, ctx.env_file.as_path());
        let example_path = crate::project_root().join(".env.example");
        let example = std::fs::read(&example_path)
            .with_context(|| format!("could not read {}", example_path.display()))?;
        // create_new: an existing file is never overwritten, even one created a moment ago.
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(env_file)
        {
            Ok(mut file) => {
                file.write_all(&example)
                    .and_then(|()| file.sync_all())
                    .with_context(|| format!("could not write {}", env_file.display()))?;
                ui.success(&format!(
                    "Created {} from .env.example (readable only by you, mode 0600)",
                    env_file.display()
                ));
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                ui.success(&format!(
                    "{} already exists; it is kept, not replaced",
                    env_file.display()
                ));
            }
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("could not create {}", env_file.display()));
            }
        }
        if crate::init_terminal::interactive() {
            return crate::init_terminal::run(ctx);
        }
        let file = env_file.display();
        let steps = [
            format!("Create an OAuth client at https://developer.logmeininc.com/clients and put its id and secret in {file} as GOTO_CLIENT_ID and GOTO_CLIENT_SECRET."),
            "On that client, click the pencil icon → Grant types → enable Personal Access Token → Save.".to_owned(),
            format!("At https://myaccount.goto.com → Developer Tools → Create token, name the token, enable the same scopes as the client, copy it, and put it in {file} as GOTO_PAT."),
            "Run `cargo xtask token` to get an access token, then `cargo xtask smoke` to see your APIs answer.".to_owned(),
        ];
        ui.line(&ui.paint(Style::Bold, "Next, as GoTo's guide describes:"));
        for (number, step) in steps.iter().enumerate() {
            ui.line(&format!("  {}. {step}", number + 1));
        }
        ui.line(
            "No GoTo account yet? `cargo xtask demo` shows the whole flow against a local sandbox.",
        );
        Ok(())
    }
}
