//! The time a request may take. Every retry (of a lost race, of a cancelled transaction, of keys a
//! batch read left unprocessed) and every database call asks the request's deadline first, so
//! that together they finish before the function's own timeout and the caller gets the
//! contract's 503 instead of the gateway's 5xx.
//!
//! The deadline is set once per request (by the HTTP middleware) and read here through a
//! task-local, so the rules and adapters need no extra parameter. Without one (a stream batch, a
//! unit test) nothing is bounded. Time comes from a [`Timer`], so tests move it by hand instead
//! of sleeping.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Less than this left is not worth another attempt: a database call takes a few milliseconds
/// when all is well, and far longer when it is not.
pub const LEAST_FOR_AN_ATTEMPT: Duration = Duration::from_millis(50);

/// A monotonic time source that can also wait.
pub trait Timer: Send + Sync {
    /// Time since the timer's origin.
    fn now(&self) -> Duration;
    /// Resolves once [`Timer::now`] has reached `at`.
    fn sleep_until(&self, at: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
    /// Lets `pause` pass (a backoff before another attempt).
    fn pause(&self, pause: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.sleep_until(self.now() + pause)
    }
}

/// Real time (tokio's clock).
#[derive(Debug, Clone, Copy)]
pub struct SystemTimer {
    origin: tokio::time::Instant,
}

impl SystemTimer {
    pub fn new() -> Self {
        Self {
            origin: tokio::time::Instant::now(),
        }
    }
}

impl Default for SystemTimer {
    fn default() -> Self {
        Self::new()
    }
}

impl Timer for SystemTimer {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn sleep_until(&self, at: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep_until(self.origin + at))
    }
}

/// Time that moves only when told: by [`ManualTimer::advance`], or (when made with
/// [`ManualTimer::skipping_pauses`]) by every pause, which then ends at once, as if it had
/// passed. For tests.
#[derive(Debug, Default)]
pub struct ManualTimer {
    state: Mutex<ManualState>,
    skip_pauses: bool,
}

#[derive(Debug, Default)]
struct ManualState {
    now: Duration,
    waiting: Vec<(Duration, tokio::sync::oneshot::Sender<()>)>,
}

impl ManualTimer {
    /// Time stands still until [`ManualTimer::advance`] moves it.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every pause moves time on by its length and returns at once (waking what that ends).
    pub fn skipping_pauses() -> Self {
        Self {
            skip_pauses: true,
            ..Self::default()
        }
    }

    /// Moves time on, waking every sleep that has ended.
    pub fn advance(&self, by: Duration) {
        let woken = match self.state.lock() {
            Ok(mut state) => {
                state.now += by;
                let now = state.now;
                let (due, waiting): (Vec<_>, Vec<_>) = state.waiting.drain(..).partition(|(at, _)| *at <= now);
                state.waiting = waiting;
                due
            }
            Err(_) => Vec::new(),
        };
        for (_, wake) in woken {
            let _ = wake.send(());
        }
    }

    /// How many sleeps have not ended yet.
    pub fn sleepers(&self) -> usize {
        self.state.lock().map(|s| s.waiting.len()).unwrap_or(0)
    }
}

impl Timer for ManualTimer {
    fn now(&self) -> Duration {
        self.state.lock().map(|s| s.now).unwrap_or_default()
    }

    fn pause(&self, pause: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        if self.skip_pauses {
            self.advance(pause);
            return Box::pin(std::future::ready(()));
        }
        self.sleep_until(self.now() + pause)
    }

    fn sleep_until(&self, at: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let (wake, woken) = tokio::sync::oneshot::channel();
        match self.state.lock() {
            Ok(mut state) if at > state.now => state.waiting.push((at, wake)),
            _ => return Box::pin(std::future::ready(())),
        }
        Box::pin(async move {
            let _ = woken.await;
        })
    }
}

/// The moment by which a piece of work must be done, on a timer.
#[derive(Clone)]
pub struct Deadline {
    timer: Arc<dyn Timer>,
    at: Duration,
}

impl std::fmt::Debug for Deadline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Deadline(in {:?})", self.remaining())
    }
}

/// The deadline passed (or would pass) before the work was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfTime;

tokio::task_local! {
    static CURRENT: Deadline;
}

impl Deadline {
    /// `budget` from now.
    pub fn after(timer: Arc<dyn Timer>, budget: Duration) -> Self {
        let at = timer.now() + budget;
        Self { timer, at }
    }

    /// Time left (zero once passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_sub(self.timer.now())
    }

    /// Runs `work` with this as the current deadline of everything it awaits.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }

    /// Runs `work`, giving up on it when the deadline passes.
    pub async fn bound<F: Future>(&self, work: F) -> Result<F::Output, OutOfTime> {
        let expiry = self.timer.sleep_until(self.at);
        tokio::pin!(work);
        tokio::select! {
            biased;
            done = &mut work => Ok(done),
            () = expiry => Err(OutOfTime),
        }
    }
}

/// The deadline of the work being done, if it has one.
pub fn current() -> Option<Deadline> {
    CURRENT.try_with(Deadline::clone).ok()
}

/// Runs `work` within the current deadline (unbounded without one).
pub async fn bounded<F: Future>(work: F) -> Result<F::Output, OutOfTime> {
    match current() {
        Some(deadline) if deadline.remaining() < LEAST_FOR_AN_ATTEMPT => Err(OutOfTime),
        Some(deadline) => deadline.bound(work).await,
        None => Ok(work.await),
    }
}

/// Waits `pause` before another attempt, unless the current deadline leaves no time for the
/// pause and an attempt after it: then it answers at once, so the caller can give up in time.
pub async fn pause_before_retry(pause: Duration) -> Result<(), OutOfTime> {
    match current() {
        Some(deadline) => {
            if deadline.remaining() < pause + LEAST_FOR_AN_ATTEMPT {
                return Err(OutOfTime);
            }
            deadline.timer.pause(pause).await;
            Ok(())
        }
        None => {
            tokio::time::sleep(pause).await;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn without_a_deadline_nothing_is_bounded() {
        assert!(current().is_none());
        assert_eq!(bounded(async { 7 }).await, Ok(7));
    }

    #[tokio::test]
    async fn a_pause_that_would_cross_the_deadline_is_not_taken() {
        let timer = Arc::new(ManualTimer::skipping_pauses());
        let deadline = Deadline::after(timer.clone(), Duration::from_millis(1000));
        let taken = deadline
            .scope(async {
                let mut taken = Vec::new();
                for ms in [100, 200, 400, 800] {
                    taken.push(pause_before_retry(Duration::from_millis(ms)).await.is_ok());
                }
                taken
            })
            .await;
        // 100 + 200 + 400 = 700 ms pass; 800 more would cross 1000.
        assert_eq!(taken, vec![true, true, true, false]);
        assert_eq!(timer.now(), Duration::from_millis(700));
    }

    #[tokio::test]
    async fn work_still_running_at_the_deadline_is_given_up() {
        let timer = Arc::new(ManualTimer::new());
        let deadline = Deadline::after(timer.clone(), Duration::from_secs(2));
        let never = std::future::pending::<()>();
        let running = tokio::spawn(deadline.scope(bounded(never)));
        while timer.sleepers() == 0 {
            tokio::task::yield_now().await;
        }
        timer.advance(Duration::from_secs(2));
        assert_eq!(running.await.ok(), Some(Err(OutOfTime)));
    }

    #[tokio::test]
    async fn nothing_starts_with_less_than_an_attempts_time_left() {
        let timer = Arc::new(ManualTimer::new());
        let deadline = Deadline::after(timer.clone(), Duration::from_millis(40));
        let started = std::sync::atomic::AtomicBool::new(false);
        let result = deadline
            .scope(bounded(async {
                started.store(true, std::sync::atomic::Ordering::SeqCst);
            }))
            .await;
        assert_eq!(result, Err(OutOfTime));
        assert!(!started.load(std::sync::atomic::Ordering::SeqCst));
    }
}
