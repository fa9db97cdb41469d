//! Fork safety, in one place: the library's only `pthread_atfork` registration, whose
//! hooks call each subsystem's own. Before `fork()` the forking thread takes every lock
//! the library has, so that the child inherits each one in a consistent state instead
//! of held by a thread that does not exist there; after it, the parent releases them and
//! the child also resets what belonged to the parent's threads:
//!
//! | subsystem | locks taken in prepare | in the child |
//! |---|---|---|
//! | HTTP agents (`transport::http`) | the agents | a new generation: fresh agents, the parent's pooled sockets never touched |
//! | token cache (`cache`) | the registry, then every entry | fetches of other parent threads marked finished |
//! | host cache (`cache::host_lock`) | the set of held `flock` descriptors | the inherited descriptors closed (the parent's lock stays the parent's) |
//! | async I/O threads (`runtime::worker_pool`) | the pool's book | no threads, no running or queued jobs |
//! | log sink (`runtime::log_sink`) | the callback, then the queue | no log thread (the first record starts one), no parent records |
//!
//! Lock order everywhere, and so here: agents, registry, entries, host locks, pool,
//! log. Logging is done under any of the others, so the log's locks come last; no code
//! path nests them in another order. Threads that wait (the log thread, idle I/O
//! threads, a fetch's waiters) wait on condition variables, which release their lock.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

use crate::cache;
use crate::runtime::{log_sink, worker_pool};
use crate::transport::http;

/// Incremented in every child process; HTTP agents of an older generation are not used.
pub static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Everything prepare took, in lock order (dropped in reverse, after parent/child).
struct Held {
    agents: http::ForkGuard,
    cache: cache::ForkGuard,
    host_locks: cache::host_lock::ForkGuard,
    pool: worker_pool::ForkGuard,
    log: log_sink::ForkGuard,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// Registers the hooks (once per process). Called by every subsystem that has a lock
/// or a thread before its first use of them.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let hooks = crate::sys::ForkHooks {
            prepare,
            parent,
            child,
        };
        if let Err(rc) = crate::sys::at_fork(hooks) {
            crate::runtime::log::warning(format_args!(
                "pthread_atfork failed ({rc}): a fork() while paytoken is busy could deadlock the child"
            ));
        }
    });
}

fn prepare() {
    let _ = std::panic::catch_unwind(|| {
        let agents = http::fork_prepare();
        let cache = cache::fork_prepare();
        let host_locks = cache::host_lock::fork_prepare();
        let pool = worker_pool::fork_prepare();
        let log = log_sink::fork_prepare();
        HELD.with(|h| {
            *h.borrow_mut() = Some(Held {
                agents,
                cache,
                host_locks,
                pool,
                log,
            })
        });
    });
}

fn parent() {
    let _ = std::panic::catch_unwind(|| HELD.with(|h| h.borrow_mut().take()));
}

fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::AcqRel);
        if let Some(held) = HELD.with(|h| h.borrow_mut().take()) {
            // Each hook resets its subsystem and releases its locks, innermost first.
            held.log.child();
            held.pool.child();
            held.host_locks.child();
            held.cache.child();
            held.agents.child();
        }
    });
}
