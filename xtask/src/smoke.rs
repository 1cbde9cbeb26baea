//! `cargo xtask smoke`: read-only calls against GoTo's APIs with the token, run concurrently,
//! each answer's shape compared with a committed snapshot.
//!
//! The parts: `catalog` (the calls as data), `plan` (the catalog's checks, `--only`'s selection,
//! values by JSON pointer), `runner` (scheduling; the calls are the session's), `verdicts` (what
//! a call's result means),
//! `shape` (values → types), `snapshots` (the comparison), `snapshot_file` (insta's file format), `outcome`
//! (the per-call [`outcome::CallRecord`] every report reads) and `report` (the table). The
//! machine-readable reports are pure functions of the same records: `junit`, `json_report` and
//! `github` (annotations and job summary), with `export` (totals, and what text may leave the
//! machine).

pub(crate) mod catalog;
mod export;
mod github;
mod json_report;
mod junit;
mod outcome;
mod pacer;
mod personal;
mod plan;
mod report;
mod runner;
mod shape;
mod snapshot_file;
mod snapshots;
mod verdicts;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use goto_auth::blocks::{Provenance, Scopes, Session};

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::ui;
use catalog::{CALLS, Call};
use runner::Runner;
use snapshots::SnapshotStore;

impl flags::Smoke {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        plan::check(CALLS).map_err(|error| {
            UsageError(format!(
                "the smoke catalog (xtask/src/smoke/catalog.rs) cannot run: {error}"
            ))
        })?;
        if self.list {
            ui::stdout(&report::listing(self.json))?;
            return Ok(());
        }
        let selected = select(&self.only)?;
        self.refuse_report_over_env_file(ctx)?;
        let before = Instant::now();
        let prepared = prepare(ctx, &self);
        let (session, scopes, store) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => {
                // CI's most common failure (an expired or revoked PAT) still leaves the reports
                // it asked for, saying why no call ran.
                self.write_reports_without_calls(ctx, &error, before.elapsed());
                return Err(error);
            }
        };
        let started = Instant::now();
        let ran = Runner::new(&session, scopes).run(&selected);
        let wall = started.elapsed();
        let records: Vec<_> = ran.into_iter().map(|ran| store.judge(ran, ui)).collect();
        report::print(ui, &records, wall, store.display_dir());
        self.write_reports(ctx, &records, wall)?;
        let failed = records.iter().filter(|r| r.verdict.fails()).count();
        if failed > 0 {
            let changed = records
                .iter()
                .any(|r| r.verdict == outcome::Verdict::Changed);
            // Advice about `cargo insta review` only for a `.snap.new` this run left; CI leaves none.
            let advice = if store.wrote_pending() {
                "; if a changed shape is expected, accept it with `cargo insta review`"
            } else if changed && ctx.environment.ci {
                "; if a changed shape is expected, run `cargo xtask smoke` locally, where it leaves \
                 a `.snap.new` to accept, and commit the accepted snapshot"
            } else {
                ""
            };
            anyhow::bail!(
                "{failed} of {} smoke calls did not pass{advice}",
                records.len()
            );
        }
        Ok(())
    }
}

impl flags::Smoke {
    /// The machine-readable reports the run asked for, and GitHub's annotations and job summary
    /// when it runs under GitHub Actions. All are written before the exit code is decided, so a
    /// failing run still leaves its reports.
    fn write_reports(
        &self,
        ctx: &Context,
        records: &[outcome::CallRecord],
        wall: Duration,
    ) -> anyhow::Result<()> {
        let totals = export::Totals::of(records, wall);
        if ctx.environment.github_actions {
            let annotations = github::annotations(records);
            if !annotations.is_empty() {
                ctx.ui.workflow_commands(&annotations);
            }
            if let Some(summary) = &ctx.environment.github_step_summary {
                append(summary, &github::step_summary(records, &totals)).with_context(|| {
                    format!(
                        "could not append the table to $GITHUB_STEP_SUMMARY ({})",
                        summary.display()
                    )
                })?;
            }
        }
        if let Some(path) = &self.junit {
            std::fs::write(path, junit::render(records, &totals))
                .with_context(|| format!("could not write the JUnit report {}", path.display()))?;
        }
        if self.json {
            ui::stdout(&json_report::render(records, &totals))
                .context("could not write the JSON report to stdout")?;
        }
        Ok(())
    }
}

/// The session, the token's scopes and the snapshot store: everything before the first call,
/// where a run fails without having made one.
fn prepare(
    ctx: &Context,
    smoke: &flags::Smoke,
) -> anyhow::Result<(Session, Scopes, SnapshotStore)> {
    let session = ctx.session(Duration::from_secs(smoke.http.timeout))?;
    let api_url = session.sources().api_url()?;
    let (token, provenance) = session.token(false)?;
    if provenance != Provenance::Stored {
        ctx.ui
            .success(&format!("New access token for {}", token.principal));
    }
    let store = SnapshotStore::new(
        api_url.as_ref(),
        smoke.snapshots.as_deref(),
        ctx.environment.ci,
    )?;
    Ok((session, token.scopes, store))
}

impl flags::Smoke {
    /// The reports of a run that failed before its first call (no token, no usable
    /// configuration): each says why no call ran. A report that cannot be written is a warning
    /// here, so the reason the run failed stays the error it ends with.
    fn write_reports_without_calls(&self, ctx: &Context, error: &anyhow::Error, wall: Duration) {
        let reason = format!("no call ran: {error:#}");
        let warn = |what: &str, failure: &dyn std::fmt::Display| {
            ctx.ui.warn(&format!("could not write {what}: {failure}"));
        };
        if ctx.environment.github_actions {
            ctx.ui
                .workflow_commands(&github::not_run_annotation(&reason));
            if let Some(summary) = &ctx.environment.github_step_summary
                && let Err(failure) = append(summary, &github::step_summary_not_run(&reason))
            {
                warn("the table to $GITHUB_STEP_SUMMARY", &failure);
            }
        }
        if let Some(path) = &self.junit
            && let Err(failure) = std::fs::write(path, junit::render_not_run(&reason, wall))
        {
            warn(&format!("the JUnit report {}", path.display()), &failure);
        }
        if self.json
            && let Err(failure) = ui::stdout(&json_report::render_not_run(&reason, wall))
        {
            warn("the JSON report to stdout", &failure);
        }
    }

    /// Refuses a `--junit` path that is the env file (the same file after following symlinks,
    /// or a hard link to it): the report would replace the credentials with XML.
    fn refuse_report_over_env_file(&self, ctx: &Context) -> Result<(), UsageError> {
        match &self.junit {
            Some(path) if same_file(path, &ctx.env_file) => Err(UsageError(format!(
                "--junit {} is the env file, which holds your credentials; write the report \
                 elsewhere, e.g. --junit smoke.xml",
                path.display()
            ))),
            _ => Ok(()),
        }
    }
}

/// Whether `a` and `b` name the same file: one inode when both exist, else the same path once
/// their directories are resolved (a file about to be created).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return (a.dev(), a.ino()) == (b.dev(), b.ino());
    }
    let resolved = |path: &Path| {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        Some(
            std::fs::canonicalize(directory)
                .ok()?
                .join(path.file_name()?),
        )
    };
    resolved(a).is_some_and(|a| Some(a) == resolved(b))
}

/// Appends `text` to the file at `path`, creating it if needed (as GitHub's own tools do).
fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// The calls `--only` names, in catalog order, with the calls they depend on run but reported
/// too. No `--only` means every call.
fn select(only: &[String]) -> anyhow::Result<Vec<&'static Call>> {
    for name in only {
        if catalog::find(name).is_none() {
            let names: Vec<&str> = CALLS.iter().map(|call| call.name).collect();
            return Err(UsageError(format!(
                "there is no smoke call named `{name}`; the calls are: {}",
                names.join(", ")
            ))
            .into());
        }
    }
    Ok(plan::select(CALLS, only))
}
