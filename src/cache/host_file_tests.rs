//! The host cache's file rules: permissions, atomic replacement, corrupt and foreign
//! files, another boot, and a process killed while holding the lock.

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::sys::testing as sys;

const KEY: [u8; 32] = [7; 32];

/// A fresh, not yet existing directory path under the system's temp dir.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir().join(format!(
        "paytoken-host-cache-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&base);
    base
}

fn ready(dir: &Path) -> HostFile {
    prepare_dir(dir).unwrap();
    HostFile::new(dir, &KEY)
}

/// Changing owners and becoming another user need root (CI and this project's machines
/// run as root). Without it, the owner rule is checked against a root-owned directory.
fn is_root() -> bool {
    crate::sys::effective_uid() == 0
}

fn secret(s: &str) -> Secret {
    Secret::new(s.to_string())
}

#[test]
fn the_directory_is_created_0700_and_unsafe_ones_are_refused() {
    let dir = scratch();
    prepare_dir(&dir).unwrap();
    assert_eq!(fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    prepare_dir(&dir).unwrap(); // an existing safe one is fine

    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let e = prepare_dir(&dir).unwrap_err();
    assert!(
        e.message
            .contains("other users can read or write (mode 755)"),
        "{}",
        e.message
    );
    assert!(e.message.contains("cacheDir"), "{}", e.message);

    fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        let e = prepare_dir(&dir).unwrap_err();
        assert!(e.message.contains("owned by uid 65534"), "{}", e.message);
        std::os::unix::fs::chown(&dir, Some(0), None).unwrap();
    } else {
        let e = prepare_dir(Path::new("/")).unwrap_err();
        assert!(e.message.contains("owned by uid 0"), "{}", e.message);
    }

    let link = scratch();
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    let e = prepare_dir(&link).unwrap_err();
    assert!(e.message.contains("not a directory"), "{}", e.message);
    fs::remove_file(&link).unwrap();
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_another_process_created_first_is_accepted_after_the_same_checks() {
    // The window of processes started together: each saw no directory, another one
    // made it before this one's mkdir. Before the fix that mkdir's "exists" was an error,
    // and the command then ran without the host cache (its own token request).
    let dir = scratch();
    fs::DirBuilder::new().mode(0o700).create(&dir).unwrap();
    create_dir_0700(&dir).unwrap();
    check_dir(&dir).unwrap();
    // What the other process made is still checked like any existing directory.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    create_dir_0700(&dir).unwrap();
    assert!(check_dir(&dir).is_err());
    // Any other mkdir failure is still an error.
    let orphan = dir.join("missing-parent").join("cache");
    let e = create_dir_0700(&orphan).unwrap_err();
    assert!(e.message.contains("cannot be created"), "{}", e.message);
    fs::remove_dir_all(&dir).unwrap();

    // And the race itself, between threads: every caller gets the directory.
    for _ in 0..20 {
        let dir = Arc::new(scratch());
        let barrier = Arc::new(std::sync::Barrier::new(8));
        let callers: Vec<_> = (0..8)
            .map(|_| {
                let (dir, barrier) = (dir.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    prepare_dir(&dir).map_err(|e| e.message)
                })
            })
            .collect();
        for caller in callers {
            caller.join().unwrap().unwrap();
        }
        fs::remove_dir_all(&*dir).unwrap();
    }
}

#[test]
fn a_token_is_written_0600_atomically_and_read_back() {
    let dir = scratch();
    let file = ready(&dir);
    assert!(file.read().unwrap().is_none(), "cold");
    let deadline = Instant::now() + Duration::from_secs(1800);
    file.write(&secret("T1"), deadline, 1_234).unwrap();
    let meta = fs::metadata(file.token_path()).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600);
    let back = file.read().unwrap().unwrap();
    assert_eq!(back.token.expose(), "T1");
    assert_eq!(back.expiry_ms, 1_234);
    let drift = if back.deadline > deadline {
        back.deadline - deadline
    } else {
        deadline - back.deadline
    };
    assert!(drift < Duration::from_millis(5), "{drift:?}");
    // Named by a hash, never by a credential; no temporary file left behind.
    let names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, vec![format!("{}.token", file.name())]);
    assert_eq!(file.name().len(), 32);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_others_can_read_or_another_user_owns_is_refused() {
    let dir = scratch();
    let file = ready(&dir);
    file.write(&secret("T1"), Instant::now() + Duration::from_secs(60), 1)
        .unwrap();
    fs::set_permissions(file.token_path(), fs::Permissions::from_mode(0o644)).unwrap();
    let e = file.read().err().expect("refused");
    assert!(e.message.contains("chmod 600"), "{}", e.message);
    fs::set_permissions(file.token_path(), fs::Permissions::from_mode(0o600)).unwrap();
    assert!(file.read().unwrap().is_some());
    if is_root() {
        std::os::unix::fs::chown(file.token_path(), Some(65534), None).unwrap();
        let e = file.read().err().expect("refused");
        assert!(e.message.contains("owned by uid 65534"), "{}", e.message);
    }
    // A symlink planted in its place is not followed.
    fs::remove_file(file.token_path()).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", file.token_path()).unwrap();
    assert!(file.read().is_err());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn corrupt_truncated_foreign_expired_and_other_boot_files_are_ignored_then_replaced() {
    let dir = scratch();
    let file = ready(&dir);
    file.write(&secret("T1"), Instant::now() + Duration::from_secs(60), 1)
        .unwrap();
    let good = fs::read_to_string(file.token_path()).unwrap();
    let boot = boot_id().unwrap();
    let cases = [
        ("garbage", "\u{0}\u{1}not a cache file".to_string()),
        ("truncated", good.trim_end_matches("end\n").to_string()),
        (
            "cut mid-token",
            good[..good.find("token ").unwrap() + 7].to_string(),
        ),
        ("another key", good.replace(file.name(), &"0".repeat(32))),
        (
            "another format",
            good.replace(FORMAT, "paytoken-host-cache-0"),
        ),
        (
            "another boot",
            good.replace(boot, "00000000-0000-0000-0000-000000000000"),
        ),
        ("an extra line", good.replace("end\n", "extra 1\nend\n")),
        ("empty", String::new()),
    ];
    for (what, text) in cases {
        assert_ne!(text, good, "{what}: the case changes the file");
        fs::write(file.token_path(), &text).unwrap();
        assert!(file.read().unwrap().is_none(), "{what} is not trusted");
        file.write(&secret("T2"), Instant::now() + Duration::from_secs(60), 2)
            .unwrap();
        assert_eq!(
            file.read().unwrap().unwrap().token.expose(),
            "T2",
            "{what} replaced"
        );
    }
    // Past its deadline: ignored.
    file.write(&secret("T3"), Instant::now(), 3).unwrap();
    assert!(file.read().unwrap().is_none());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn readers_never_see_a_partial_file_while_others_replace_it() {
    let dir = scratch();
    let file = Arc::new(ready(&dir));
    file.write(&secret("T-0"), Instant::now() + Duration::from_secs(60), 0)
        .unwrap();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let f = file.clone();
            std::thread::spawn(move || {
                for i in 0..300 {
                    // Tokens of different lengths, so a torn read could not parse.
                    let token = format!("T-{w}-{}", "x".repeat(i % 50));
                    f.write(
                        &secret(&token),
                        Instant::now() + Duration::from_secs(60),
                        i as i64,
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    let mut reads = 0;
    while writers.iter().any(|w| !w.is_finished()) || reads < 300 {
        let t = file.read().unwrap().expect("always a whole file");
        assert!(t.token.expose().starts_with("T-"));
        reads += 1;
    }
    writers.into_iter().for_each(|w| w.join().unwrap());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_process_killed_while_holding_the_lock_does_not_block_the_others() {
    let dir = scratch();
    let file = ready(&dir);
    let (mut report, mut reporter) = sys::pipe();
    // The child only takes the lock, reports it and waits to be killed.
    let child = sys::fork(|| {
        let held = file.lock(Duration::from_secs(5));
        let _ = reporter.write_all(&[if held.is_ok() { b'L' } else { b'E' }]);
        sys::pause_forever()
    });
    let mut byte = [0u8];
    report.read_exact(&mut byte).unwrap();
    assert_eq!(byte[0], b'L', "the child holds the lock");
    let e = file.lock(Duration::from_millis(100)).unwrap_err();
    assert!(e.message.contains("another process"), "{}", e.message);
    child.kill();
    let started = Instant::now();
    let _lock = file
        .lock(Duration::from_secs(2))
        .expect("the kernel dropped the lock");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(
        fs::metadata(file.lock_path()).unwrap().mode() & 0o777,
        0o600
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn compare_and_invalidate_removes_only_the_named_token() {
    let dir = scratch();
    let file = ready(&dir);
    file.write(&secret("T1"), Instant::now() + Duration::from_secs(60), 1)
        .unwrap();
    let budget = Duration::from_secs(1);
    assert!(
        !file.remove_if(Some("T0"), budget).unwrap(),
        "a stale token"
    );
    assert!(file.read().unwrap().is_some());
    assert!(file.remove_if(Some("T1"), budget).unwrap());
    assert!(file.read().unwrap().is_none());
    file.write(&secret("T2"), Instant::now() + Duration::from_secs(60), 2)
        .unwrap();
    assert!(file.remove_if(None, budget).unwrap());
    assert!(!file.remove_if(None, budget).unwrap());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn another_user_cannot_use_or_plant_a_cache_in_this_users_directory() {
    let dir = scratch();
    let file = ready(&dir);
    file.write(&secret("T1"), Instant::now() + Duration::from_secs(60), 1)
        .unwrap();
    if !is_root() {
        // No second user to become: this user refuses root's directory instead.
        let e = prepare_dir(Path::new("/")).unwrap_err();
        assert!(e.message.contains("owned by uid 0"), "{}", e.message);
        return;
    }
    // A process of another user (uid 65534) refuses this user's directory: it is not
    // theirs, so nothing in it is trusted, and they cannot read the token.
    let child = sys::fork(|| {
        if !sys::become_user(65534) {
            return 3;
        }
        match (prepare_dir(&dir), fs::read(file.token_path())) {
            (Err(e), Err(_)) if e.message.contains("owned by uid") => 0,
            (Ok(()), _) => 1,
            _ => 2,
        }
    });
    assert_eq!(
        child.wait(),
        Some(0),
        "1: accepted, 2: readable, 3: setuid failed"
    );
    fs::remove_dir_all(&dir).unwrap();
}
