//! The opt-in host-wide cache (`cacheDir`): one file per cache key, shared by the
//! processes of one user on one host, so that a cron run or a new PHP worker reuses the
//! token another process fetched.
//!
//! The file rules:
//! - Named by a hash of the cache key (never a credential); created `0600` in a directory
//!   the library creates `0700`. A directory or file that other users can read or write,
//!   that another user owns, or that is a symlink is refused with a clear error.
//! - Written atomically (a new temporary file, then `rename`), so a reader never sees a
//!   partial file; read without locks.
//! - Refreshes are serialized across processes with `flock` on a separate lock file; the
//!   kernel drops the lock of a process that dies, so a crash never blocks the others.
//! - Deadlines are `CLOCK_MONOTONIC` instants with the boot id: the wall clock still
//!   never decides expiry, and a file from another boot is ignored.
//! - A corrupt, truncated or foreign file (another key, another format) is ignored and
//!   replaced, never trusted.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::host_lock::HostLock;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::error::Error;
use crate::secrets::secret::{digest_parts, Secret};

/// The first line of every file. The format: that line, then `key`, `boot`,
/// `deadline` (CLOCK_MONOTONIC ns), `expiry` (the gateway's, ms) and `token` lines of
/// `name value`, then `end` — so a truncated file is recognised. Token values are header
/// values: never a newline.
const FORMAT: &str = "paytoken-host-cache-1";
/// Larger files are not ours.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// A token read from the host cache.
pub(crate) struct FileToken {
    pub token: Secret,
    /// Its deadline as a local monotonic instant.
    pub deadline: Instant,
    /// The gateway's own expiry (ms since epoch, its clock).
    pub expiry_ms: i64,
}

/// The files of one cache key in one cache directory.
pub(crate) struct HostFile {
    dir: PathBuf,
    name: String,
    token_path: PathBuf,
    lock_path: PathBuf,
}

/// Creates the cache directory (`0700`) if missing, and refuses one that is unsafe.
pub(crate) fn prepare_dir(dir: &Path) -> Result<(), Error> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            create_dir_0700(dir)?;
            check_dir(dir)
        }
        Err(e) => Err(io_error(dir, "cannot be read", &e)),
        Ok(_) => check_dir(dir),
    }
}

/// Creates `dir` 0700. Processes started together on a cold cache all find it missing
/// and all create it: for all but one, `mkdir` says it exists. That is success (the
/// caller checks its owner, mode and type like any existing directory); refusing it sent
/// each losing process to the gateway for its own token.
fn create_dir_0700(dir: &Path) -> Result<(), Error> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() != ErrorKind::AlreadyExists => {
            Err(io_error(dir, "cannot be created", &e))
        }
        _ => Ok(()),
    }
}

fn check_dir(dir: &Path) -> Result<(), Error> {
    let meta = fs::symlink_metadata(dir).map_err(|e| io_error(dir, "cannot be read", &e))?;
    if !meta.is_dir() {
        return Err(unsafe_path(
            dir,
            "is not a directory (a symlink is refused)",
        ));
    }
    check_owner_and_mode(dir, &meta, "directory", "700")
}

fn check_owner_and_mode(
    path: &Path,
    meta: &fs::Metadata,
    what: &str,
    wanted: &str,
) -> Result<(), Error> {
    let me = crate::sys::effective_uid();
    if meta.uid() != me {
        return Err(unsafe_path(
            path,
            &format!(
                "is a {what} owned by uid {}, not by this process's uid {me}",
                meta.uid()
            ),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        return Err(unsafe_path(
            path,
            &format!(
                "is a {what} other users can read or write (mode {:o}); chmod {wanted} it",
                meta.mode() & 0o777
            ),
        ));
    }
    Ok(())
}

fn unsafe_path(path: &Path, why: &str) -> Error {
    Error::invalid(format!("config key \"cacheDir\": {} {why}", path.display()))
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::invalid(format!(
        "config key \"cacheDir\": {} {what}: {e}",
        path.display()
    ))
}

/// This boot's id: a file written before a reboot holds monotonic instants of another
/// clock.
fn boot_id() -> Option<&'static str> {
    static BOOT_ID: OnceLock<Option<String>> = OnceLock::new();
    BOOT_ID
        .get_or_init(|| {
            fs::read_to_string("/proc/sys/kernel/random/boot_id")
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .as_deref()
}

/// `CLOCK_MONOTONIC` now, in ns, and the `Instant` read right after it.
fn monotonic_now() -> (u64, Instant) {
    (crate::sys::monotonic_ns(), Instant::now())
}

impl HostFile {
    pub fn new(dir: &Path, cache_key: &[u8; 32]) -> HostFile {
        let digest = digest_parts(&[FORMAT.as_bytes(), cache_key]);
        let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        HostFile {
            dir: dir.to_path_buf(),
            token_path: dir.join(format!("{name}.token")),
            lock_path: dir.join(format!("{name}.lock")),
            name,
        }
    }

    /// The cached token, if the file exists, is ours, is from this boot and is not past
    /// its deadline. An unsafe file or directory is an error.
    pub fn read(&self) -> Result<Option<FileToken>, Error> {
        let file = match open_nofollow(&self.token_path, OpenOptions::new().read(true)) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&self.token_path, "cannot be opened", &e)),
        };
        let meta = file
            .metadata()
            .map_err(|e| io_error(&self.token_path, "cannot be read", &e))?;
        check_owner_and_mode(&self.token_path, &meta, "file", "600")?;
        if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
            return Ok(None);
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize));
        if (&file)
            .take(MAX_FILE_BYTES)
            .read_to_end(&mut bytes)
            .is_err()
        {
            return Ok(None);
        }
        Ok(self.parse(&bytes))
    }

    fn parse(&self, bytes: &[u8]) -> Option<FileToken> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.split('\n');
        if lines.next()? != FORMAT {
            return None;
        }
        let mut field =
            |name: &str| -> Option<&str> { lines.next()?.strip_prefix(name)?.strip_prefix(' ') };
        let (key, boot, deadline, expiry, token) = (
            field("key")?,
            field("boot")?,
            field("deadline")?,
            field("expiry")?,
            field("token")?,
        );
        if key != self.name
            || Some(boot) != boot_id()
            || token.is_empty()
            || !text.ends_with("\nend\n")
            || text.matches('\n').count() != 7
        {
            return None;
        }
        let deadline_ns: u64 = deadline.parse().ok()?;
        let expiry_ms: i64 = expiry.parse().ok()?;
        let (mono_ns, now) = monotonic_now();
        let left = deadline_ns.checked_sub(mono_ns)?;
        Some(FileToken {
            token: Secret::new(token.to_string()),
            deadline: now + Duration::from_nanos(left),
            expiry_ms,
        })
    }

    /// Replaces the file atomically with `token` (deadline `deadline`).
    pub fn write(&self, token: &Secret, deadline: Instant, expiry_ms: i64) -> Result<(), Error> {
        check_dir(&self.dir)?;
        let Some(boot_id) = boot_id() else {
            return Err(Error::internal(
                "the boot id is unreadable: the host cache is off",
            ));
        };
        let (mono_ns, now) = monotonic_now();
        let left = deadline.saturating_duration_since(now).as_nanos() as u64;
        let text = Zeroizing::new(format!(
            "{FORMAT}\nkey {}\nboot {boot_id}\ndeadline {}\nexpiry {expiry_ms}\ntoken {}\nend\n",
            self.name,
            mono_ns + left,
            token.expose()
        ));
        // Unique per writer: the pid for other processes, a counter for this one's threads
        // (a random suffix alone collided between two threads writing at once).
        static NEXT_TMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tmp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            self.name,
            std::process::id(),
            NEXT_TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let written = open_nofollow(
            &tmp,
            OpenOptions::new().write(true).create_new(true).mode(0o600),
        )
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .and_then(|()| fs::rename(&tmp, &self.token_path));
        written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_error(&self.token_path, "cannot be written", &e)
        })
    }

    /// Takes the cross-process refresh lock, waiting at most `budget`. Dropping the
    /// returned file (or the process dying) releases it.
    pub fn lock(&self, budget: Duration) -> Result<HostLock, Error> {
        check_dir(&self.dir)?;
        let lock = HostLock::open(|| {
            open_nofollow(
                &self.lock_path,
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .mode(0o600),
            )
        })
        .map_err(|e| io_error(&self.lock_path, "cannot be opened", &e))?;
        let file = lock.file();
        let meta = file
            .metadata()
            .map_err(|e| io_error(&self.lock_path, "cannot be read", &e))?;
        check_owner_and_mode(&self.lock_path, &meta, "file", "600")?;
        let started = Instant::now();
        const FIRST_PAUSE: Duration = Duration::from_millis(1);
        let mut pause = FIRST_PAUSE;
        loop {
            match crate::sys::try_lock_exclusive(file) {
                Ok(true) => return Ok(lock),
                Ok(false) => {}
                Err(e) => return Err(io_error(&self.lock_path, "cannot be locked", &e)),
            }
            if pause == FIRST_PAUSE {
                // Once per wait: what a process started beside another one's fetch does
                // (the cross-process tests wait for this line).
                crate::runtime::log::debug(format_args!(
                    "host cache lock {} is held by another process: waiting up to {} ms",
                    self.lock_path.display(),
                    budget.as_millis()
                ));
            }
            if started.elapsed() >= budget {
                return Err(Error::timeout(format!(
                    "waited {} ms for another process's token fetch (host cache lock {})",
                    budget.as_millis(),
                    self.lock_path.display()
                )));
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(20));
        }
    }

    /// Compare-and-invalidate across processes: removes the file if it holds `token`
    /// (any token, for `None`).
    pub fn remove_if(&self, token: Option<&str>, budget: Duration) -> Result<bool, Error> {
        let _lock = self.lock(budget)?;
        let holds = match self.read()? {
            Some(t) => token.is_none_or(|want| t.token.expose() == want),
            None => false,
        };
        if holds {
            fs::remove_file(&self.token_path)
                .map_err(|e| io_error(&self.token_path, "cannot be removed", &e))?;
        }
        Ok(holds)
    }

    #[cfg(test)]
    pub fn token_path(&self) -> &Path {
        &self.token_path
    }

    #[cfg(test)]
    pub fn lock_path(&self) -> &Path {
        &self.lock_path
    }

    #[cfg(test)]
    pub fn name(&self) -> &str {
        &self.name
    }
}

fn open_nofollow(path: &Path, options: &mut OpenOptions) -> std::io::Result<File> {
    options
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

#[cfg(test)]
#[path = "host_file_tests.rs"]
mod tests;
