//! Pacing for calls that run side by side: at most [`PER_HOST_CONCURRENCY`] requests in flight
//! per host and [`PER_API_PER_SECOND`] per API and second, as the session's [`Pace`].
//!
//! When more calls wait for a host than it has places, the places go to the calls with the
//! longest chain of calls waiting on them first ([`Ranked`]): a leaf that waits costs the run
//! nothing, a call others take values from delays every one of them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use goto_auth::blocks::Pace;

use super::catalog::Call;

/// At most this many requests in flight to one host at a time (the bound browsers use).
const PER_HOST_CONCURRENCY: usize = 6;
/// GoTo allows 10 requests per second per API: at most this many requests go to one API in any
/// one-second window, so a smoke run never trips the limit by itself.
const PER_API_PER_SECOND: usize = 10;

/// The per-host bound and the per-API spacing, as the session's [`Pace`].
#[derive(Default)]
pub struct Pacer {
    /// Requests in flight per host, and the ranks of the calls waiting for a place per host.
    in_flight: (Mutex<Hosts>, Condvar),
    /// When the latest requests to each API were sent, for the one-second window.
    sent: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Per host: how many requests are in flight, and the ranks of the calls waiting for a place.
#[derive(Default)]
struct Hosts {
    in_flight: HashMap<String, usize>,
    waiting: HashMap<String, Vec<usize>>,
}

impl Hosts {
    /// Whether a call of `rank` may take a place at `host` now: one is free, and no call with a
    /// longer chain behind it is waiting for one.
    fn admits(&self, host: &str, rank: usize) -> bool {
        self.in_flight.get(host).copied().unwrap_or(0) < PER_HOST_CONCURRENCY
            && self
                .waiting
                .get(host)
                .is_none_or(|ranks| ranks.iter().all(|&other| other <= rank))
    }
}

/// A call's way through the [`Pacer`]: its rank is the length of the longest chain of calls
/// that wait for it (0 for a call no other takes values from).
pub struct Ranked<'p> {
    pub pacer: &'p Pacer,
    pub rank: usize,
}

impl Pace for Ranked<'_> {
    fn enter(&self, host: &str, path: &str) {
        let (lock, freed) = &self.pacer.in_flight;
        let mut hosts = relock(lock);
        hosts
            .waiting
            .entry(host.to_owned())
            .or_default()
            .push(self.rank);
        let mut hosts = freed
            .wait_while(hosts, |hosts| !hosts.admits(host, self.rank))
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(ranks) = hosts.waiting.get_mut(host)
            && let Some(at) = ranks.iter().position(|&rank| rank == self.rank)
        {
            ranks.swap_remove(at);
        }
        *hosts.in_flight.entry(host.to_owned()).or_default() += 1;
        drop(hosts);
        // Others of lower rank may now be the highest waiting.
        freed.notify_all();
        self.pacer.wait_for_slot(goto_apis::api_of(path));
    }

    fn leave(&self, host: &str) {
        let (lock, freed) = &self.pacer.in_flight;
        if let Some(count) = relock(lock).in_flight.get_mut(host) {
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

/// Each call's rank: the length of the longest chain of `calls` that wait for it, so that the
/// pacer lets a call others need go first. A checked catalog has no cycle.
pub fn ranks(calls: &[&'static Call]) -> HashMap<&'static str, usize> {
    fn rank(
        name: &'static str,
        calls: &[&'static Call],
        known: &mut HashMap<&'static str, usize>,
    ) -> usize {
        if let Some(&rank) = known.get(name) {
            return rank;
        }
        let rank = calls
            .iter()
            .filter(|call| call.sources().contains(&name))
            .map(|call| 1 + rank(call.name, calls, known))
            .max()
            .unwrap_or(0);
        known.insert(name, rank);
        rank
    }
    let mut known = HashMap::new();
    for call in calls {
        rank(call.name, calls, &mut known);
    }
    known
}

/// A lock that a panicking thread cannot poison for the others: a panic ends the run anyway,
/// and every value behind these locks is whole after each single assignment.
pub fn relock<T>(lock: &Mutex<T>) -> MutexGuard<'_, T> {
    lock.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smoke::catalog::CALLS;

    #[test]
    fn a_call_others_wait_for_ranks_above_them() {
        let calls: Vec<&'static Call> = CALLS.iter().collect();
        let ranks = ranks(&calls);
        // users_me → webinars → webinar_registrants is the longest chain.
        assert_eq!(ranks["webinar_registrants"], 0);
        assert_eq!(ranks["webinars"], 1);
        assert_eq!(ranks["users_me"], 2);
        assert_eq!(ranks["upcoming_meetings"], 1);
        assert_eq!(ranks["users_lines"], 0);
    }

    #[test]
    fn a_free_place_goes_to_the_highest_rank_waiting() {
        let mut hosts = Hosts::default();
        hosts.in_flight.insert("h".into(), PER_HOST_CONCURRENCY - 1);
        hosts.waiting.insert("h".into(), vec![0, 2, 1]);
        assert!(hosts.admits("h", 2));
        assert!(!hosts.admits("h", 1), "a longer chain is waiting");
        assert!(hosts.admits("other", 0), "another host has its own places");
        hosts.in_flight.insert("h".into(), PER_HOST_CONCURRENCY);
        assert!(!hosts.admits("h", 2), "no place is free");
    }
}
