//! The blocking client inside a tokio program.
//!
//! reqwest's blocking client starts and waits on a runtime of its own. On a thread that drives
//! a tokio runtime's tasks, waiting would stall every task of that thread (and on a
//! current-thread runtime, the very server it waits for), and in a debug build reqwest panics
//! there. So the blocking `GoTo` asks [`on_runtime_thread`] first and answers such a caller
//! with an error; everywhere else inside a runtime's context (a `spawn_blocking` thread, a
//! thread that entered a runtime's handle) the client is built, used and dropped on a plain
//! thread of its own ([`off_runtime`]), where reqwest cannot tell it is inside a tokio program.

/// Whether this thread is running a tokio runtime's task or `block_on` future: where blocking
/// is not allowed.
///
/// tokio has no public call that says so without panicking, but it does give every task and
/// every `block_on` future a cooperative budget (128 polls), while a `spawn_blocking` closure and
/// a plain thread have none. [`tokio::task::coop::poll_proceed`] spends one unit of a budget:
/// on a budgeted thread it reports `Pending` once the units run out; elsewhere it never does.
/// The units spent are given back (the first guard, dropped without progress, restores the
/// budget it saw), so the caller's task is not charged for the question.
pub fn on_runtime_thread() -> bool {
    if tokio::runtime::Handle::try_current().is_err() {
        return false;
    }
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(first) = tokio::task::coop::poll_proceed(&mut context) else {
        return true;
    };
    // A budget holds at most 128 units; more than that means there is none.
    let budgeted = (0..=256).any(|_| match tokio::task::coop::poll_proceed(&mut context) {
        std::task::Poll::Ready(spent) => {
            spent.made_progress();
            false
        }
        std::task::Poll::Pending => true,
    });
    drop(first);
    budgeted
}

/// Runs `work` where reqwest's blocking client may run: here on a plain thread, else (inside a
/// runtime's context) on a scoped thread of its own, waiting for it.
pub fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|scope| match scope.spawn(work).join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}
