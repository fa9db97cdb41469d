//! The library's own I/O threads for the asynchronous calls.
//!
//! `ureq` stays synchronous: an asynchronous call is a job that one worker thread runs
//! from start to callback. Jobs belong to a *lane* (one per client) that lets at most
//! `maxInFlight` of its jobs run at once; the rest wait in the lane, in order, and are
//! never refused because of load. Threads are started when a job may run and no thread
//! is idle, and an idle thread exits after [`IDLE_EXIT`]. So a process with 300 hung
//! calls has 300 threads blocked in `read()` and none of the host's own threads (no
//! libuv pool thread, no executor thread).
//!
//! Every decision (run or queue, start a thread or wake one, exit when idle) is made by
//! [`Book`], plain data with no threads or clock, so it is tested without sleeping.
//!
//! Fork: one mutex guards everything; `runtime/fork.rs` holds it across `fork()`, and
//! the child starts with no threads, no running and no queued jobs (the parent's calls
//! complete in the parent only).

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::Error;

/// How long a worker waits for a job before it exits.
pub const IDLE_EXIT: Duration = Duration::from_secs(10);
/// Worker stacks: ureq and rustls need far less than the default 2 MiB.
const STACK_BYTES: usize = 512 * 1024;

/// A lane's identity (one per client).
pub type LaneId = u64;

/// A new lane id; ids are never reused.
pub fn new_lane() -> LaneId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One asynchronous call: runs once, on a worker thread.
pub struct Job {
    pub lane: LaneId,
    /// The lane's bound, from the client's config (`maxInFlight`).
    pub max_in_flight: usize,
    /// Called exactly once: with `None` on a worker thread to do the call, or with the
    /// reason it cannot be done (on the submitting thread, only when no thread at all
    /// can be started).
    pub run: Box<dyn FnOnce(Option<Error>) + Send>,
}

/// What the pool should do after admitting a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// Runnable now, and an idle thread will take it.
    Wake,
    /// Runnable now, and no thread is idle: start one.
    Spawn,
    /// Its lane is at its bound: it waits in the lane.
    Queued,
}

#[derive(Default)]
struct Lane {
    running: usize,
    waiting: VecDeque<Job>,
}

/// Every piece of pool state, and every decision made on it.
#[derive(Default)]
pub struct Book {
    ready: VecDeque<Job>,
    lanes: BTreeMap<LaneId, Lane>,
    threads: usize,
    idle: usize,
    /// Idle threads already woken for a ready job (so two jobs never count on one).
    wakes: usize,
}

impl Book {
    /// Takes a new job: runnable now (and by which thread), or queued in its lane.
    pub fn admit(&mut self, job: Job) -> Admission {
        let lane = self.lanes.entry(job.lane).or_default();
        if lane.running >= job.max_in_flight.max(1) {
            lane.waiting.push_back(job);
            return Admission::Queued;
        }
        lane.running += 1;
        self.ready.push_back(job);
        if self.idle > self.wakes {
            self.wakes += 1;
            Admission::Wake
        } else {
            self.threads += 1;
            Admission::Spawn
        }
    }

    /// A worker looks for work: the next ready job, if any.
    pub fn take(&mut self) -> Option<Job> {
        self.ready.pop_front()
    }

    /// A job of `lane` has finished: its lane's next waiting job (if any) becomes ready
    /// and is returned to the same worker (so no thread is started for it).
    pub fn finish(&mut self, lane: LaneId) {
        let Some(l) = self.lanes.get_mut(&lane) else {
            return;
        };
        match l.waiting.pop_front() {
            Some(next) => self.ready.push_back(next),
            None => {
                l.running = l.running.saturating_sub(1);
                if l.running == 0 {
                    self.lanes.remove(&lane);
                }
            }
        }
    }

    /// A worker found nothing to do and waits.
    pub fn go_idle(&mut self) {
        self.idle += 1;
    }

    /// A waiting worker woke up (`timed_out`: its idle time ran out). Returns whether
    /// it exits: only when it timed out and there is nothing for it to do.
    pub fn wake_up(&mut self, timed_out: bool) -> bool {
        self.idle -= 1;
        self.wakes = self.wakes.saturating_sub(1);
        if timed_out && self.ready.is_empty() {
            self.threads -= 1;
            return true;
        }
        false
    }

    /// A thread could not be started for a job admitted with [`Admission::Spawn`].
    /// Returns whether some other thread exists to run it eventually.
    pub fn spawn_failed(&mut self) -> bool {
        self.threads -= 1;
        self.threads > 0
    }

    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    pub fn queued(&self) -> usize {
        self.lanes.values().map(|l| l.waiting.len()).sum()
    }

    pub fn running(&self) -> usize {
        self.lanes.values().map(|l| l.running).sum()
    }

    /// In the child after `fork()`: the parent's threads do not exist here, and its
    /// calls are not the child's to complete. Their jobs are forgotten (never run,
    /// never dropped: dropping could run code that belongs to the parent's state).
    fn forget_everything(&mut self) {
        std::mem::forget(self.take_everything());
    }

    /// Empties the book, handing back what it held (`forget_everything` leaks it on
    /// purpose; a test may drop it, so LeakSanitizer sees no leak of its own making).
    fn take_everything(&mut self) -> Book {
        std::mem::take(self)
    }
}

struct Pool {
    book: Mutex<Book>,
    work: Condvar,
}

static POOL: Pool = Pool {
    book: Mutex::new(Book {
        ready: VecDeque::new(),
        lanes: BTreeMap::new(),
        threads: 0,
        idle: 0,
        wakes: 0,
    }),
    work: Condvar::new(),
};

fn book() -> MutexGuard<'static, Book> {
    POOL.book.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `job` on a library thread, now or when its lane has room. Never blocks on I/O;
/// the only wait is the pool's own short-held mutex.
///
/// If no worker thread exists and none can be started (the process is out of threads),
/// the job is run at once on this thread with an error, so that it still ends once.
pub fn submit(job: Job) {
    crate::runtime::fork::install();

    let mut b = book();
    match b.admit(job) {
        Admission::Queued => {}
        Admission::Wake => {
            drop(b);
            POOL.work.notify_one();
        }
        Admission::Spawn => {
            drop(b);
            let started = std::thread::Builder::new()
                .name("paytoken-io".into())
                .stack_size(STACK_BYTES)
                .spawn(worker);
            if started.is_ok() {
                return;
            }
            let mut b = book();
            if b.spawn_failed() {
                // Another thread will get to it; it is late, not lost.
                crate::runtime::log::warning(format_args!(
                    "could not start a paytoken I/O thread; the call waits for a running one"
                ));
                return;
            }
            // No thread exists to take the ready jobs (ours, and any admitted meanwhile
            // that also failed to start one): end them all here.
            let mut stranded = Vec::new();
            while let Some(j) = b.take() {
                b.finish(j.lane); // may make the lane's next waiting job ready: ended too
                stranded.push(j);
            }
            drop(b);
            for j in stranded {
                (j.run)(Some(Error::internal(
                    "could not start a paytoken I/O thread (the process is out of threads)",
                )));
            }
        }
    }
}

/// The pool's current size, for tests and stats: (threads, running, queued).
pub fn snapshot() -> (usize, usize, usize) {
    let b = book();
    (b.threads(), b.running(), b.queued())
}

fn worker() {
    let mut b = book();
    loop {
        if let Some(job) = b.take() {
            drop(b);
            let lane = job.lane;
            // The job catches its own panics (it must call back); this is a backstop so
            // that the pool's books stay right whatever happens.
            let run = job.run;
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(None)));
            b = book();
            b.finish(lane);
            continue;
        }
        b.go_idle();
        let (guard, waited) = POOL
            .work
            .wait_timeout(b, IDLE_EXIT)
            .unwrap_or_else(|p| p.into_inner());
        b = guard;
        if b.wake_up(waited.timed_out()) {
            return;
        }
    }
}

/// The pool's lock, held across `fork()` (see `runtime/fork.rs`).
pub(crate) struct ForkGuard(MutexGuard<'static, Book>);

pub(crate) fn fork_prepare() -> ForkGuard {
    ForkGuard(book())
}

impl ForkGuard {
    /// In the child: no threads, no running or queued jobs (the parent's calls complete
    /// in the parent only).
    pub fn child(mut self) {
        self.0.forget_everything();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(lane: LaneId, max: usize) -> Job {
        Job {
            lane,
            max_in_flight: max,
            run: Box::new(|_| {}),
        }
    }

    #[test]
    fn grows_on_demand_then_reuses_idle_threads() {
        let mut b = Book::default();
        assert_eq!(b.admit(job(1, 256)), Admission::Spawn);
        assert_eq!(b.admit(job(1, 256)), Admission::Spawn);
        assert_eq!(b.threads(), 2);
        // Both threads run their job, finish, and wait.
        for _ in 0..2 {
            assert!(b.take().is_some());
            b.finish(1);
            b.go_idle();
        }
        assert_eq!(b.running(), 0);
        // Two idle threads: the next two jobs wake them, the third needs a new thread.
        assert_eq!(b.admit(job(1, 256)), Admission::Wake);
        assert_eq!(b.admit(job(1, 256)), Admission::Wake);
        assert_eq!(b.admit(job(1, 256)), Admission::Spawn);
        assert_eq!(b.threads(), 3);
    }

    #[test]
    fn queues_beyond_the_bound_and_hands_the_next_to_the_finishing_thread() {
        let mut b = Book::default();
        for _ in 0..2 {
            assert_eq!(b.admit(job(7, 2)), Admission::Spawn);
        }
        for _ in 0..1000 {
            assert_eq!(b.admit(job(7, 2)), Admission::Queued);
        }
        assert_eq!((b.threads(), b.running(), b.queued()), (2, 2, 1000));
        // Another client's lane is not held up by lane 7's hung calls.
        assert_eq!(b.admit(job(8, 2)), Admission::Spawn);
        let _ = b.take();
        let _ = b.take();
        let _ = b.take();
        b.finish(7);
        assert_eq!((b.running(), b.queued()), (3, 999));
        assert!(
            b.take().is_some(),
            "the next queued job is ready for the same thread"
        );
        assert_eq!(b.threads(), 3, "no thread was started for it");
        for _ in 0..999 {
            b.finish(7);
            assert!(b.take().is_some());
        }
        b.finish(7);
        b.finish(7);
        b.finish(8);
        assert_eq!((b.running(), b.queued()), (0, 0));
        assert!(b.lanes.is_empty(), "finished lanes are not kept");
    }

    #[test]
    fn idle_threads_exit_only_when_timed_out_with_nothing_to_do() {
        let mut b = Book::default();
        assert_eq!(b.admit(job(1, 4)), Admission::Spawn);
        let _ = b.take();
        b.finish(1);
        b.go_idle();
        assert!(!b.wake_up(false), "a spurious wake-up keeps the thread");
        b.go_idle();
        assert_eq!(b.admit(job(1, 4)), Admission::Wake);
        assert!(!b.wake_up(true), "work arrived as it timed out: it stays");
        let _ = b.take();
        b.finish(1);
        b.go_idle();
        assert!(b.wake_up(true));
        assert_eq!(b.threads(), 0);
    }

    #[test]
    fn a_bound_of_zero_still_runs_one() {
        let mut b = Book::default();
        assert_eq!(b.admit(job(1, 0)), Admission::Spawn);
        assert_eq!(b.admit(job(1, 0)), Admission::Queued);
    }

    #[test]
    fn spawn_failure_with_no_thread_left_is_reported() {
        let mut b = Book::default();
        assert_eq!(b.admit(job(1, 4)), Admission::Spawn);
        assert!(!b.spawn_failed());
        assert_eq!(b.admit(job(1, 4)), Admission::Spawn);
        assert_eq!(b.admit(job(1, 4)), Admission::Spawn);
        assert!(b.spawn_failed(), "one thread remains to run both");
    }

    #[test]
    fn the_fork_child_starts_empty() {
        let mut b = Book::default();
        b.admit(job(1, 1));
        b.admit(job(1, 1));
        let parents = b.take_everything(); // what the fork child forgets
        assert_eq!((b.threads(), b.running(), b.queued()), (0, 0, 0));
        assert!(parents.threads() > 0 || parents.queued() > 0);
    }
}
