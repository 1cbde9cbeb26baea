//! `cargo xtask smoke`: read-only calls against GoTo's APIs with the token, run concurrently,
//! each answer's shape compared with a committed insta snapshot.

mod catalog;
mod shape;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use goto_auth::api::{api_request, base_for, error_summary, is_token_rejection, rejection_hint};
use goto_auth::error::not_json;
use goto_auth::http::{HttpClient, HttpResponse};
use goto_auth::secret::AccessToken;
use goto_auth::token::excerpt;
use goto_auth::token::format_instant;
use goto_auth::url::BaseUrl;

use crate::Context;
use crate::flags;
use crate::report::UsageError;
use crate::session::{Obtained, Session};
use crate::ui::{Style, Ui};
use catalog::{CALLS, Call, Need, USERS_ME};

/// At most this many requests in flight to one host at a time (the bound browsers use).
const PER_HOST_CONCURRENCY: usize = 6;
/// GoTo allows 10 requests per second per API: at most this many requests go to one API in any
/// one-second window, so a smoke run never trips the limit by itself.
const PER_API_PER_SECOND: usize = 10;

impl flags::Smoke {
    pub(crate) fn run(self, ctx: &Context) -> anyhow::Result<()> {
        let ui = &ctx.ui;
        if self.list {
            for call in CALLS {
                ui.line(&format!(
                    "{:22} {:22} {}",
                    call.name,
                    call.scope.unwrap_or("(any token)"),
                    call.about
                ));
            }
            return Ok(());
        }
        let selected = select(&self.only)?;
        let session = ctx.session(Duration::from_secs(self.http.timeout))?;
        let api_url = session.sources().api_url()?;
        let token = session.token(false, ui)?;
        if !token.reused {
            ui.success(&format!("New access token for {}", token.principal));
        }
        let snapshots = SnapshotStore::new(api_url.as_ref(), self.snapshots.as_deref())?;
        let started = Instant::now();
        let runner = Runner::new(&session, api_url, token, ui);
        let outcomes = runner.run(&selected);
        let wall = started.elapsed();
        let verdicts = snapshots.judge(&outcomes);
        print_report(ui, &outcomes, &verdicts, wall, &snapshots);
        let failed = verdicts.iter().filter(|v| v.fails()).count();
        if failed > 0 {
            anyhow::bail!(
                "{failed} of {} smoke calls did not pass{}",
                outcomes.len(),
                if verdicts.iter().any(|v| matches!(v, Verdict::Changed)) {
                    "; if a changed shape is expected, accept it with `cargo insta review`"
                } else {
                    ""
                }
            );
        }
        Ok(())
    }
}

/// The calls `--only` names, in catalog order, with the calls they depend on run but reported
/// too. No `--only` means every call.
fn select(only: &[String]) -> anyhow::Result<Vec<&'static Call>> {
    for name in only {
        if !CALLS.iter().any(|call| call.name == name) {
            let names: Vec<&str> = CALLS.iter().map(|call| call.name).collect();
            return Err(UsageError(format!(
                "there is no smoke call named `{name}`; the calls are: {}",
                names.join(", ")
            ))
            .into());
        }
    }
    let chosen = |call: &Call| only.is_empty() || only.iter().any(|name| name == call.name);
    let needs_users_me = CALLS
        .iter()
        .any(|call| chosen(call) && !call.needs.is_empty());
    Ok(CALLS
        .iter()
        .filter(|call| chosen(call) || (call.name == USERS_ME && needs_users_me))
        .collect())
}

/// What one call came to.
#[derive(Debug)]
struct Outcome {
    call: &'static Call,
    result: CallResult,
}

#[derive(Debug)]
enum CallResult {
    /// The call ran and got a 2xx JSON answer, the only kind compared with a snapshot.
    Answered {
        status: u16,
        body: serde_json::Value,
        elapsed: Duration,
    },
    /// The call did not run.
    Skipped(String),
    /// The call ran and got no usable answer, or the token was rejected.
    Failed {
        elapsed: Duration,
        status: Option<u16>,
        message: String,
    },
}

/// The values later calls take from `users_me`.
#[derive(Debug, Clone, Default)]
struct Keys {
    account_key: Option<String>,
    organizer_key: Option<String>,
    /// Why they are missing, when `users_me` did not give them.
    missing_because: Option<String>,
}

/// Runs calls concurrently with bounded parallelism per host and spacing per API, and
/// exchanges the token once if an API rejects it.
struct Runner<'a> {
    session: &'a Session,
    client: &'a HttpClient,
    api_url: Option<BaseUrl>,
    ui: &'a Ui,
    token: Mutex<TokenState>,
    keys: (Mutex<Option<Keys>>, Condvar),
    in_flight: (Mutex<HashMap<String, usize>>, Condvar),
    /// When the latest requests to each API were sent, for the one-second window.
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
    windows: Windows,
}

struct TokenState {
    token: Obtained,
    /// How many times it was renewed after a rejection (at most once per run).
    renewals: u32,
}

/// The date windows the report and webinar calls ask for, fixed once per run.
struct Windows {
    start: String,
    end: String,
    from: String,
    to: String,
}

impl<'a> Runner<'a> {
    fn new(session: &'a Session, api_url: Option<BaseUrl>, token: Obtained, ui: &'a Ui) -> Self {
        let now = SystemTime::now();
        let day = Duration::from_secs(24 * 3600);
        let at = |time: SystemTime| format_instant(time);
        Runner {
            session,
            client: session
                .http()
                .expect("the HTTP client was built for the token"),
            api_url,
            ui,
            token: Mutex::new(TokenState { token, renewals: 0 }),
            keys: (Mutex::new(None), Condvar::new()),
            in_flight: (Mutex::new(HashMap::new()), Condvar::new()),
            sent: Mutex::new(HashMap::new()),
            windows: Windows {
                start: at(now - 7 * day),
                end: at(now),
                from: at(now - 14 * day),
                to: at(now + 14 * day),
            },
        }
    }

    fn run(&self, calls: &[&'static Call]) -> Vec<Outcome> {
        let has_users_me = calls.iter().any(|call| call.name == USERS_ME);
        if !has_users_me {
            self.publish_keys(Keys::default());
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = calls
                .iter()
                .map(|&call| scope.spawn(move || self.run_one(call)))
                .collect();
            handles
                .into_iter()
                .zip(calls)
                .map(|(handle, &call)| Outcome {
                    call,
                    result: handle.join().unwrap_or_else(|_| CallResult::Failed {
                        elapsed: Duration::ZERO,
                        status: None,
                        message: "internal error while running the call".into(),
                    }),
                })
                .collect()
        })
    }

    fn run_one(&self, call: &'static Call) -> CallResult {
        let result = self.attempt(call);
        if call.name == USERS_ME {
            self.publish_keys(keys_from(&result));
        }
        result
    }

    fn attempt(&self, call: &'static Call) -> CallResult {
        let token = self.current_token();
        if let Some(scope) = call.scope
            && !token.has_scope(scope)
        {
            return CallResult::Skipped(format!("the token lacks the scope {scope}"));
        }
        let path = match self.fill_path(call) {
            Ok(path) => path,
            Err(reason) => return CallResult::Skipped(reason),
        };
        let mut elapsed = Duration::ZERO;
        match self.call_with_renewal(&path, &token.access_token, &mut elapsed) {
            Ok(answer) => answered(answer, elapsed),
            Err((status, message)) => CallResult::Failed {
                elapsed,
                status,
                message,
            },
        }
    }

    /// One call; if the API rejects the token, once more with a renewed one. `elapsed`
    /// accumulates the time spent on the wire.
    fn call_with_renewal(
        &self,
        path: &str,
        token: &AccessToken,
        elapsed: &mut Duration,
    ) -> Result<HttpResponse, (Option<u16>, String)> {
        let answer = self.send(path, token, elapsed).map_err(|m| (None, m))?;
        if !is_token_rejection(&answer) {
            return Ok(answer);
        }
        let renewed = self
            .renewed_token(token)
            .map_err(|message| (Some(answer.status), message))?;
        let answer = self.send(path, &renewed, elapsed).map_err(|m| (None, m))?;
        if is_token_rejection(&answer) {
            let message = format!(
                "{}; {}",
                error_summary(&answer),
                rejection_hint(answer.status)
            );
            return Err((Some(answer.status), message));
        }
        Ok(answer)
    }

    fn current_token(&self) -> Obtained {
        self.token.lock().expect("token lock").token.clone()
    }

    /// The token to retry with after `rejected` was refused: renewed once per run, shared by
    /// every call that saw the rejection.
    fn renewed_token(&self, rejected: &AccessToken) -> Result<AccessToken, String> {
        let mut state = self.token.lock().expect("token lock");
        if state.token.access_token.expose_secret() != rejected.expose_secret() {
            return Ok(state.token.access_token.clone());
        }
        if state.renewals > 0 {
            return Err("the token was rejected again after a fresh exchange".into());
        }
        state.renewals += 1;
        self.ui
            .warn("an API rejected the access token; exchanging the PAT once more");
        match self.session.renew(self.ui) {
            Ok(fresh) => {
                state.token = fresh;
                Ok(state.token.access_token.clone())
            }
            Err(error) => Err(format!(
                "the token was rejected and a new exchange failed: {error:#}"
            )),
        }
    }

    fn fill_path(&self, call: &Call) -> Result<String, String> {
        let mut path = call.path.to_owned();
        if !call.needs.is_empty() {
            let keys = self.wait_for_keys();
            for need in call.needs {
                let (placeholder, value) = match need {
                    Need::AccountKey => ("{account_key}", &keys.account_key),
                    Need::OrganizerKey => ("{organizer_key}", &keys.organizer_key),
                };
                let Some(value) = value else {
                    return Err(keys
                        .missing_because
                        .clone()
                        .unwrap_or_else(|| format!("{USERS_ME} gave no {placeholder}")));
                };
                path = path.replace(placeholder, &encode(value));
            }
        }
        let windows = &self.windows;
        for (placeholder, value) in [
            ("{start}", &windows.start),
            ("{end}", &windows.end),
            ("{from}", &windows.from),
            ("{to}", &windows.to),
        ] {
            path = path.replace(placeholder, &encode(value));
        }
        Ok(path)
    }

    fn publish_keys(&self, keys: Keys) {
        let (lock, ready) = &self.keys;
        *lock.lock().expect("keys lock") = Some(keys);
        ready.notify_all();
    }

    fn wait_for_keys(&self) -> Keys {
        let (lock, ready) = &self.keys;
        let guard = ready
            .wait_while(lock.lock().expect("keys lock"), |keys| keys.is_none())
            .expect("keys lock");
        guard.clone().expect("waited until set")
    }

    /// One GET, within the host's concurrency bound and the API's rate, retried on 429 and 5xx as
    /// the token exchange is. Only the time on the wire counts into `elapsed`, not the wait for
    /// a place.
    fn send(
        &self,
        path: &str,
        token: &AccessToken,
        elapsed: &mut Duration,
    ) -> Result<HttpResponse, String> {
        let base = base_for(path, self.api_url.as_ref());
        let _permit = self.enter_host(base.host());
        self.wait_for_slot(catalog::api_of(path));
        let request = api_request(&base, "GET", path, token, None);
        let started = Instant::now();
        let result = self
            .client
            .send_with_retries(&request, |notice| {
                self.ui.warn(&format!(
                    "{path} answered {}; retrying in {:.1} s",
                    notice.cause,
                    notice.wait.as_secs_f64()
                ));
            })
            .map_err(|error| error.to_string());
        *elapsed += started.elapsed();
        result
    }

    fn enter_host(&self, host: &str) -> HostPermit<'_> {
        let (lock, freed) = &self.in_flight;
        let mut counts = freed
            .wait_while(lock.lock().expect("host lock"), |counts| {
                counts.get(host).copied().unwrap_or(0) >= PER_HOST_CONCURRENCY
            })
            .expect("host lock");
        *counts.entry(host.to_owned()).or_default() += 1;
        HostPermit {
            runner_in_flight: &self.in_flight,
            host: host.to_owned(),
        }
    }

    /// Waits until a request to `api` keeps it within [`PER_API_PER_SECOND`], and books it.
    fn wait_for_slot(&self, api: &str) {
        let window = Duration::from_secs(1);
        let wait = {
            let mut sent = self.sent.lock().expect("rate lock");
            let times = sent.entry(api.to_owned()).or_default();
            let now = Instant::now();
            while times.front().is_some_and(|&at| at + window <= now) {
                times.pop_front();
            }
            let slot = if times.len() >= PER_API_PER_SECOND {
                times[times.len() - PER_API_PER_SECOND] + window
            } else {
                now
            };
            times.push_back(slot);
            slot - now
        };
        std::thread::sleep(wait);
    }
}

/// A place in a host's concurrency bound, given back on drop.
struct HostPermit<'a> {
    runner_in_flight: &'a (Mutex<HashMap<String, usize>>, Condvar),
    host: String,
}

impl Drop for HostPermit<'_> {
    fn drop(&mut self) {
        let (lock, freed) = self.runner_in_flight;
        if let Ok(mut counts) = lock.lock()
            && let Some(count) = counts.get_mut(&self.host)
        {
            *count -= 1;
        }
        freed.notify_all();
    }
}

/// Reads an answer: a 2xx JSON body is a result to compare; any other status, or a body that is
/// not JSON (a captive portal's page, a cut-off answer), is a failure with its own message.
fn answered(answer: HttpResponse, elapsed: Duration) -> CallResult {
    let status = answer.status;
    if !(200..300).contains(&status) {
        return CallResult::Failed {
            elapsed,
            status: Some(status),
            message: error_summary(&answer),
        };
    }
    match serde_json::from_slice(&answer.body) {
        Ok(body) => CallResult::Answered {
            status,
            body,
            elapsed,
        },
        Err(_) => CallResult::Failed {
            elapsed,
            status: Some(status),
            message: format!(
                "the answer is {}: \"{}\"",
                not_json(answer.content_type.as_deref()),
                excerpt(&answer.body)
            ),
        },
    }
}

fn keys_from(result: &CallResult) -> Keys {
    let CallResult::Answered { body, .. } = result else {
        let because = match result {
            CallResult::Skipped(reason) => format!("needs {USERS_ME}, which was skipped: {reason}"),
            _ => format!("needs {USERS_ME}, which failed"),
        };
        return Keys {
            missing_because: Some(because),
            ..Keys::default()
        };
    };
    let text = |value: Option<&serde_json::Value>| {
        value.and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
    };
    Keys {
        account_key: text(body.pointer("/urn:scim:schemas:extension:getgo:1.0/accounts/0/value")),
        organizer_key: text(body.get("id")),
        missing_because: None,
    }
}

/// Percent-encodes a query or path component (RFC 3986 unreserved characters pass through),
/// so that a `+` in a time zone offset is not read as a space.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where snapshots live and how answers are judged against them.
struct SnapshotStore {
    /// The directory, absolute.
    dir: PathBuf,
    /// The directory as the user should read it.
    shown: String,
    ci: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Ok,
    Changed,
    New { recorded: bool },
    Skipped,
    Failed,
}

impl Verdict {
    fn fails(&self) -> bool {
        matches!(
            self,
            Verdict::Changed | Verdict::Failed | Verdict::New { recorded: false }
        )
    }

    fn label(&self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Changed => "changed",
            Verdict::New { .. } => "new",
            Verdict::Skipped => "skipped",
            Verdict::Failed => "failed",
        }
    }
}

impl SnapshotStore {
    /// Sandbox answers (a loopback `GOTO_API_URL`) and live answers are kept apart: the sandbox's
    /// are committed and checked in CI, the live ones belong to whoever runs against GoTo.
    /// `--snapshots DIR` chooses another directory (one per account or environment, say).
    fn new(api_url: Option<&BaseUrl>, chosen: Option<&Path>) -> anyhow::Result<SnapshotStore> {
        let (dir, shown) = match chosen {
            Some(dir) => (std::path::absolute(dir)?, dir.display().to_string()),
            None => {
                let kind = if api_url.is_some_and(BaseUrl::is_loopback) {
                    "sandbox"
                } else {
                    "live"
                };
                let relative = format!("xtask/snapshots/{kind}");
                (crate::project_root().join(&relative), relative)
            }
        };
        Ok(SnapshotStore {
            dir,
            shown,
            ci: std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0"),
        })
    }

    fn display_dir(&self) -> &str {
        &self.shown
    }

    fn judge(&self, outcomes: &[Outcome]) -> Vec<Verdict> {
        outcomes
            .iter()
            .map(|outcome| self.judge_one(outcome))
            .collect()
    }

    fn judge_one(&self, outcome: &Outcome) -> Verdict {
        let CallResult::Answered { status, body, .. } = &outcome.result else {
            return match outcome.result {
                CallResult::Skipped(_) => Verdict::Skipped,
                _ => Verdict::Failed,
            };
        };
        let name = outcome.call.name;
        let snap = self.dir.join(format!("{name}.snap"));
        let actual = shape::shape(body);
        let recorded = std::fs::read_to_string(&snap)
            .ok()
            .and_then(|file| shape::recorded_shape(&file));
        let actual = match &recorded {
            Some(recorded) => shape::fill_empty_arrays(actual, recorded),
            None => actual,
        };
        let text = shape::snapshot_text(*status, &actual);
        // The catalog's template, not the filled path, so headers do not change with keys and dates.
        let description = format!("GET {}", outcome.call.path);
        if recorded.is_none() && !snap.exists() {
            if self.ci {
                return Verdict::New { recorded: false };
            }
            // A first run records the snapshot, as the contract says, rather than leaving a
            // `.snap.new` for review: there is nothing to compare it with yet.
            return match write_snapshot(&snap, &description, &text) {
                Ok(()) => Verdict::New { recorded: true },
                Err(_) => Verdict::Failed,
            };
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&self.dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(description);
        // insta panics on a mismatch after printing the diff and (outside CI) writing a
        // `.snap.new` for `cargo insta review`; the panic is the verdict.
        let matched = settings
            .bind(|| std::panic::catch_unwind(|| insta::assert_snapshot!(name, text)).is_ok());
        if matched {
            Verdict::Ok
        } else {
            Verdict::Changed
        }
    }
}

/// Writes a snapshot in insta's file format, so `cargo insta review` and later assertions read
/// it like one insta wrote.
fn write_snapshot(path: &Path, description: &str, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(
        path,
        format!("---\nsource: xtask/src/smoke.rs\ndescription: {description}\n---\n{text}"),
    )
}

/// The longest chain of calls that had to run one after another: `users_me` then the slowest
/// call that waited for its keys, or the slowest independent call. No scheduler can finish the
/// run sooner, so the wall time is judged against it.
fn critical_path(outcomes: &[Outcome]) -> Duration {
    let elapsed = |outcome: &Outcome| match &outcome.result {
        CallResult::Answered { elapsed, .. } | CallResult::Failed { elapsed, .. } => *elapsed,
        CallResult::Skipped(_) => Duration::ZERO,
    };
    let users_me = outcomes
        .iter()
        .find(|outcome| outcome.call.name == USERS_ME)
        .map_or(Duration::ZERO, elapsed);
    outcomes
        .iter()
        .map(|outcome| {
            let waited = if outcome.call.needs.is_empty() {
                Duration::ZERO
            } else {
                users_me
            };
            waited + elapsed(outcome)
        })
        .max()
        .unwrap_or_default()
}

fn print_report(
    ui: &Ui,
    outcomes: &[Outcome],
    verdicts: &[Verdict],
    wall: Duration,
    store: &SnapshotStore,
) {
    let mut total = Duration::ZERO;
    for (outcome, verdict) in outcomes.iter().zip(verdicts) {
        let (status, elapsed, detail) = match &outcome.result {
            CallResult::Answered {
                status, elapsed, ..
            } => {
                total += *elapsed;
                (
                    status.to_string(),
                    format!("{} ms", elapsed.as_millis()),
                    String::new(),
                )
            }
            CallResult::Skipped(reason) => ("-".into(), "-".into(), reason.clone()),
            CallResult::Failed {
                elapsed,
                status,
                message,
            } => {
                total += *elapsed;
                (
                    status.map_or("-".into(), |s| s.to_string()),
                    format!("{} ms", elapsed.as_millis()),
                    message.clone(),
                )
            }
        };
        let style = match verdict {
            Verdict::Ok => Style::Green,
            Verdict::New { recorded: true } | Verdict::Skipped => Style::Yellow,
            _ => Style::Red,
        };
        let detail = match verdict {
            Verdict::New { recorded: true } => format!(
                "recorded {}/{}.snap",
                store.display_dir(),
                outcome.call.name
            ),
            Verdict::New { recorded: false } => {
                "no snapshot committed; CI records none (run smoke locally and commit it)".into()
            }
            Verdict::Changed => format!(
                "shape differs from {}/{}.snap (diff above)",
                store.display_dir(),
                outcome.call.name
            ),
            _ => detail,
        };
        let verdict = ui.paint(style, &format!("{:8}", verdict.label()));
        let line = format!(
            "  {:22} {status:>4} {elapsed:>8}  {verdict} {detail}",
            outcome.call.name
        );
        ui.line(line.trim_end());
    }
    let count = |label: &str| verdicts.iter().filter(|v| v.label() == label).count();
    ui.line(&format!(
        "{} ok, {} changed, {} new, {} skipped, {} failed in {:.2} s (calls took {:.2} s in all, {:.2} s on the critical path); snapshots in {}",
        count("ok"),
        count("changed"),
        count("new"),
        count("skipped"),
        count("failed"),
        wall.as_secs_f64(),
        total.as_secs_f64(),
        critical_path(outcomes).as_secs_f64(),
        store.display_dir()
    ));
}
