//! Pacing for calls that run side by side: at most [`PER_HOST_CONCURRENCY`] requests in flight
//! per host and [`PER_API_PER_SECOND`] per API and second, as the session's [`Pace`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use goto_auth::blocks::Pace;

/// At most this many requests in flight to one host at a time (the bound browsers use).
const PER_HOST_CONCURRENCY: usize = 6;
/// GoTo allows 10 requests per second per API: at most this many requests go to one API in any
/// one-second window, so a smoke run never trips the limit by itself.
const PER_API_PER_SECOND: usize = 10;

/// The per-host bound and the per-API spacing, as the session's [`Pace`].
#[derive(Default)]
pub struct Pacer {
    in_flight: (Mutex<HashMap<String, usize>>, Condvar),
    /// When the latest requests to each API were sent, for the one-second window.
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Pace for Pacer {
    fn enter(&self, host: &str, path: &str) {
        let (lock, freed) = &self.in_flight;
        let mut counts = freed
            .wait_while(relock(lock), |counts| {
                counts.get(host).copied().unwrap_or(0) >= PER_HOST_CONCURRENCY
            })
            .unwrap_or_else(PoisonError::into_inner);
        *counts.entry(host.to_owned()).or_default() += 1;
        drop(counts);
        self.wait_for_slot(goto_apis::api_of(path));
    }

    fn leave(&self, host: &str) {
        let (lock, freed) = &self.in_flight;
        if let Some(count) = relock(lock).get_mut(host) {
            *count -= 1;
        }
        freed.notify_all();
    }
}

impl Pacer {
    /// Waits until a request to `api` keeps it within [`PER_API_PER_SECOND`], and books it.
    fn wait_for_slot(&self, api: &str) {
        let window = Duration::from_secs(1);
        let wait = {
            let mut sent = relock(&self.sent);
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

/// A lock that a panicking thread cannot poison for the others: a panic ends the run anyway,
/// and every value behind these locks is whole after each single assignment.
pub fn relock<T>(lock: &Mutex<T>) -> MutexGuard<'_, T> {
    lock.lock().unwrap_or_else(PoisonError::into_inner)
}
