//! The signals that end the xtask while it holds something to clean up: `demo` removes its
//! temporary directory (the sandbox's credentials and a token) and dies by the signal.
//! (`sandbox` catches none: its server lives and dies with the process. `exec` has nothing to
//! look after: it becomes its command.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The signals caught while there is something to clean up.
const ENDING: [i32; 3] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
];

/// How often the watcher looks for a signal.
pub const POLL: Duration = Duration::from_millis(10);

/// SIGINT, SIGTERM and SIGHUP, caught from the moment of [`Stop::register`] on; the caller polls
/// [`Stop::received`]. Flags rather than an iterator thread: no unsafe code of ours and no
/// extra signal-hook features.
pub struct Stop([Arc<AtomicBool>; 3]);

impl Stop {
    /// Catches the ending signals from now on. Register before creating what must be cleaned
    /// up, so that a signal arriving meanwhile is not lost.
    pub fn register() -> Stop {
        Stop(ENDING.map(|signal| {
            let flag = Arc::new(AtomicBool::new(false));
            // Registration fails only for signals that cannot be caught, which these are not.
            let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
            flag
        }))
    }

    /// The first ending signal received since the last call, if any.
    pub fn received(&self) -> Option<i32> {
        ENDING
            .into_iter()
            .zip(&self.0)
            .find_map(|(signal, flag)| flag.swap(false, Ordering::SeqCst).then_some(signal))
    }

    /// Watches for an ending signal on a thread of its own; on one, runs `clean_up` and ends the
    /// process by that signal.
    pub fn watch(self, clean_up: impl FnOnce() + Send + 'static) {
        std::thread::spawn(move || {
            let signal = loop {
                if let Some(signal) = self.received() {
                    break signal;
                }
                std::thread::sleep(POLL);
            };
            clean_up();
            die_by(signal);
        });
    }
}

/// Ends the process by `signal`, as if it had never been caught: the shell then reports 128 + N
/// and a supervisor sees the signal it sent. `exit(128 + N)` is the fallback should re-raising
/// fail.
pub fn die_by(signal: i32) -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
}
