//! Fork safety. Before `fork()` the forking thread takes every lock the library has
//! (agents, cache registry, each cache entry), so the child inherits them in a
//! consistent, unlocked-by-us state instead of held by a thread that does not exist
//! there. In the child, fetches that other parent threads had in flight are marked
//! finished, and the fork generation moves on so that HTTP agents (and their pooled
//! sockets, which belong to the parent) are replaced.
//!
//! Lock order everywhere: agents, registry, entries. No code path nests them otherwise.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::MutexGuard;

use crate::cache::{self, EntryState, Registry};
use crate::transport::http::{self, Agents};

/// Incremented in every child process; HTTP agents of an older generation are not used.
pub static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The guards are held (not read) from prepare until parent/child.
#[allow(dead_code)]
struct Held {
    agents: MutexGuard<'static, Option<Agents>>,
    registry: MutexGuard<'static, Registry>,
    entries: Vec<MutexGuard<'static, EntryState>>,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

pub fn install() {
    // SAFETY: the handlers are plain extern "C" functions with no arguments.
    let rc = unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    if rc != 0 {
        crate::runtime::log::info(format_args!(
            "pthread_atfork failed ({rc}): a fork() during a token fetch could deadlock the child"
        ));
    }
}

extern "C" fn prepare() {
    let _ = std::panic::catch_unwind(|| {
        let agents = http::lock_agents();
        let registry = cache::lock_registry();
        let entries = cache::all_entries(&registry)
            .into_iter()
            .map(|e| e.lock())
            .collect();
        HELD.with(|h| {
            *h.borrow_mut() = Some(Held {
                agents,
                registry,
                entries,
            })
        });
    });
}

extern "C" fn parent() {
    let _ = std::panic::catch_unwind(|| HELD.with(|h| h.borrow_mut().take()));
}

extern "C" fn child() {
    let _ = std::panic::catch_unwind(|| {
        GENERATION.fetch_add(1, Ordering::AcqRel);
        HELD.with(|h| {
            if let Some(mut held) = h.borrow_mut().take() {
                for st in held.entries.iter_mut() {
                    st.reset_after_fork();
                }
                // Leak the parent's agents: dropping them could write to its sockets.
                if let Some(old) = held.agents.take() {
                    std::mem::forget(old);
                }
            }
        });
    });
}
