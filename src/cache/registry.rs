//! The process-global map from cache key to entry. Entries are created once and live as
//! long as the process (`&'static`), so clients hold them directly and the fork handlers
//! can lock them all.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::config::Config;
use crate::runtime::log;

use super::{Entry, EntryState, HostFile};

pub(crate) type Registry = Option<HashMap<[u8; 32], &'static Entry>>;
static REGISTRY: Mutex<Registry> = Mutex::new(None);

fn lock_registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// The entry for a config's cache key, created on first use.
pub fn entry_for(config: &Config) -> &'static Entry {
    crate::runtime::fork::install();

    // With `cacheDir` the entry also reads and writes that directory's file: another
    // entry than the same account's without it.
    let key = match &config.cache_dir {
        None => config.cache_key(),
        Some(dir) => crate::secrets::secret::digest_parts(&[
            &config.cache_key(),
            dir.as_os_str().as_encoded_bytes(),
        ]),
    };
    let mut registry = lock_registry();
    let map = registry.get_or_insert_with(HashMap::new);
    map.entry(key).or_insert_with(|| {
        let label = format!(
            "{} {} key={:02x}{:02x}{:02x}{:02x}",
            config.gateway.name(),
            config.origin.as_str(),
            key[0],
            key[1],
            key[2],
            key[3]
        );
        log::debug(format_args!("new cache entry {label}"));
        let host_file = config
            .cache_dir
            .as_deref()
            .map(|dir| HostFile::new(dir, &config.cache_key()));
        Box::leak(Box::new(Entry::new(label, host_file)))
    })
}

/// The registry's and every entry's lock, held across `fork()` (see `runtime/fork.rs`).
pub(crate) struct ForkGuard {
    _registry: MutexGuard<'static, Registry>,
    entries: Vec<MutexGuard<'static, EntryState>>,
}

pub(crate) fn fork_prepare() -> ForkGuard {
    let registry = lock_registry();
    let entries = all_entries(&registry)
        .into_iter()
        .map(|e| e.lock())
        .collect();
    ForkGuard {
        _registry: registry,
        entries,
    }
}

impl ForkGuard {
    /// In the child: fetches that other parent threads had in flight are marked
    /// finished (the child fetches for itself).
    pub fn child(mut self) {
        for st in self.entries.iter_mut() {
            st.reset_after_fork();
        }
    }
}

/// All entries, for the fork handlers.
fn all_entries(registry: &Registry) -> Vec<&'static Entry> {
    registry
        .as_ref()
        .map(|m| m.values().copied().collect())
        .unwrap_or_default()
}
