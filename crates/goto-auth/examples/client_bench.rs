//! The benchmark behind `benches/run.py --only client`: goto-auth's calls against a bare reqwest
//! GET of the same URL, side by side against the sandbox on loopback. Build it in release:
//! `cargo build --release -p goto-auth --features async --example client_bench`.
//!
//! - `client_bench get ENV_FILE ROUNDS CALLS`: `GoTo::get` and `AsyncGoTo::get` with a cached
//!   token, and reqwest's blocking and async clients sending the same GET with the
//!   `Authorization` header set by hand and parsing the JSON, interleaved round by round.
//!   Prints the median nanoseconds per call of each.
//! - `client_bench crowd ENV_FILE CALLERS`: a fresh client and CALLERS threads that all make their
//!   first call at once, against one thread alone, first as a `get` (the exchange and a GET each)
//!   and then as `access_token()` (the exchange alone); prints the wall time of each and how many
//!   exchanges each made (one, if the callers shared it).

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use goto_auth::{AsyncGoTo, GoTo};
use serde_json::Value;

const PATH: &str = "/identity/v1/Users/me";

/// Counts the exchanges goto-auth logs.
struct Exchanges(AtomicUsize);

impl log::Log for Exchanges {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.args().to_string().starts_with("exchanging") {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn flush(&self) {}
}

static EXCHANGES: Exchanges = Exchanges(AtomicUsize::new(0));

fn main() {
    let args: Vec<String> = std::env::args().collect();
    log::set_logger(&EXCHANGES).expect("one logger");
    log::set_max_level(log::LevelFilter::Info);
    match args.get(1).map(String::as_str) {
        Some("get") => get(&args[2], number(&args[3]), number(&args[4])),
        Some("crowd") => crowd(&args[2], number(&args[3])),
        _ => panic!("usage: client_bench get ENV_FILE ROUNDS CALLS | crowd ENV_FILE CALLERS"),
    }
}

fn number(text: &str) -> usize {
    text.parse().expect("a whole number")
}

/// The value of `key` in the env file the sandbox's lines were written to.
fn value(env_file: &str, key: &str) -> String {
    std::fs::read_to_string(env_file)
        .expect("the env file")
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")).map(str::to_owned))
        .unwrap_or_else(|| panic!("{key} in {env_file}"))
}

fn median(mut samples: Vec<u128>) -> u128 {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn get(env_file: &str, rounds: usize, calls: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let blocking = GoTo::from_env_file(env_file).unwrap();
    let asynchronous = AsyncGoTo::from_env_file(env_file).unwrap();
    // Warm both (the token is then cached), then read it for the bare clients.
    let _: Value = blocking.get(PATH).unwrap();
    let _: Value = runtime.block_on(asynchronous.get(PATH)).unwrap();
    let token = blocking.access_token().unwrap();
    let header = format!("Bearer {}", token.expose_secret());
    let url = format!("{}{PATH}", value(env_file, "GOTO_API_URL"));
    // Configured as goto-http configures its clients (a timeout, no redirects), so that only
    // goto-auth's own work is the difference.
    let timeout = Duration::from_secs(30);
    let bare_blocking = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let bare_async = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let per_call = |started: Instant| started.elapsed().as_nanos() / calls as u128;
    let mut samples: [Vec<u128>; 4] = Default::default();
    for round in 0..rounds {
        for subject in (0..4).map(|i| (i + round) % 4) {
            let started = Instant::now();
            for _ in 0..calls {
                let me: Value = match subject {
                    0 => blocking.get(PATH).unwrap(),
                    1 => runtime.block_on(asynchronous.get(PATH)).unwrap(),
                    2 => {
                        let bytes = bare_blocking
                            .get(&url)
                            .header("Authorization", &header)
                            .header("Accept", "application/json")
                            .send()
                            .unwrap()
                            .bytes()
                            .unwrap();
                        serde_json::from_slice(&bytes).unwrap()
                    }
                    _ => runtime.block_on(async {
                        let bytes = bare_async
                            .get(&url)
                            .header("Authorization", &header)
                            .header("Accept", "application/json")
                            .send()
                            .await
                            .unwrap()
                            .bytes()
                            .await
                            .unwrap();
                        serde_json::from_slice(&bytes).unwrap()
                    }),
                };
                assert!(me.is_object());
            }
            samples[subject].push(per_call(started));
        }
    }
    let [blocking, asynchronous, bare_blocking, bare_async] = samples.map(median);
    println!(
        "blocking_ns={blocking} async_ns={asynchronous} bare_blocking_ns={bare_blocking} bare_async_ns={bare_async} exchanges={}",
        EXCHANGES.0.load(Ordering::SeqCst)
    );
}

/// A client with the env file's credentials and no cached token, keeping its token in memory.
fn fresh(env_file: &str) -> GoTo {
    GoTo::builder()
        .client_id(value(env_file, "GOTO_CLIENT_ID"))
        .client_secret(value(env_file, "GOTO_CLIENT_SECRET"))
        .pat(value(env_file, "GOTO_PAT"))
        .auth_url(value(env_file, "GOTO_AUTH_URL"))
        .api_url(value(env_file, "GOTO_API_URL"))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn crowd(env_file: &str, callers: usize) {
    let mut out = Vec::new();
    for (what, call) in [("callers", true), ("token", false)] {
        for n in [1, callers] {
            let goto = fresh(env_file);
            let before = EXCHANGES.0.load(Ordering::SeqCst);
            let barrier = std::sync::Barrier::new(n + 1);
            let started = std::thread::scope(|scope| {
                for _ in 0..n {
                    let goto = goto.clone();
                    let barrier = &barrier;
                    scope.spawn(move || {
                        barrier.wait();
                        if call {
                            let _: Value = goto.get(PATH).unwrap();
                        } else {
                            goto.access_token().unwrap();
                        }
                    });
                }
                barrier.wait();
                Instant::now()
            });
            out.push(format!(
                "{what}_{n}_ns={} {what}_{n}_exchanges={}",
                started.elapsed().as_nanos(),
                EXCHANGES.0.load(Ordering::SeqCst) - before
            ));
        }
    }
    println!("{}", out.join(" "));
}
