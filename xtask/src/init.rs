//! `cargo xtask init`: a new `.env` from `.env.example`, readable only by its owner, and the
//! steps of GoTo's guide that fill it in.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use anyhow::Context as _;

use crate::Context;
use crate::flags;
use crate::report::UsageError;
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
                match what_is_there(env_file) {
                    None => ui.success(&format!(
                        "{} already exists; it is kept, not replaced",
                        env_file.display()
                    )),
                    Some(what) => {
                        return Err(UsageError(format!(
                            "cannot create {}: {what}; nothing changed",
                            env_file.display()
                        ))
                        .into());
                    }
                }
            }
            Err(error) => {
                if let Some(directory) = crate::missing_directory(env_file) {
                    return Err(UsageError(format!(
                        "cannot create {}: its directory {} does not exist; create it (mkdir -p \
                         {}) or choose another --env-file path",
                        env_file.display(),
                        directory.display(),
                        crate::ui::shell_word(&directory.to_string_lossy())
                    ))
                    .into());
                }
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

/// What stands at `path` when it is not an env file `init` can leave alone: `None` for a regular
/// file (or a symlink to one), else what it is instead, in words a user can act on.
fn what_is_there(path: &std::path::Path) -> Option<String> {
    let link = std::fs::symlink_metadata(path).ok()?;
    let is_link = link.file_type().is_symlink();
    match std::fs::metadata(path) {
        Ok(metadata) => goto_auth::blocks::kind_name(&metadata.file_type()).map(|kind| {
            if is_link {
                format!("it is a symbolic link to {kind}, not to a file")
            } else {
                format!("it is {kind}, not a file")
            }
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && is_link => {
            let target = std::fs::read_link(path)
                .map(|target| target.display().to_string())
                .unwrap_or_default();
            Some(format!(
                "it is a dangling symbolic link (to {target}, which does not exist); create \
                 the target or remove the link"
            ))
        }
        // Following a link fails otherwise only when the links loop (ELOOP).
        Err(_) if is_link => Some(
            "it is a symbolic link that loops back on itself; remove it or point it at a file"
                .to_owned(),
        ),
        Err(error) => Some(format!("it cannot be inspected ({error})")),
    }
}
