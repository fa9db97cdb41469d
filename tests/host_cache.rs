//! The host-wide cache (`cacheDir`) across real processes against the simulator: N
//! processes on a cold cache make one token request, a later process makes none, and an
//! invalidation by one process is seen by the next.

mod common;

use std::io::Read;
use std::os::fd::FromRawFd;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("paytoken-host-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Forks `n` processes that each run `body` and write its output line to one pipe;
/// returns the lines once all exited 0 (a child that takes longer than `limit` fails).
fn processes(n: usize, limit: Duration, body: impl Fn() -> String) -> Vec<String> {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let pids: Vec<libc::pid_t> = (0..n)
        .map(|_| match unsafe { libc::fork() } {
            -1 => panic!("fork failed"),
            0 => {
                let line = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&body))
                    .unwrap_or_else(|_| "panic".into())
                    + "\n";
                // Lines under PIPE_BUF are written whole.
                unsafe {
                    libc::write(fds[1], line.as_ptr().cast(), line.len());
                    libc::_exit(0)
                }
            }
            pid => pid,
        })
        .collect();
    unsafe { libc::close(fds[1]) };
    let started = Instant::now();
    for pid in pids {
        loop {
            let mut status = 0;
            if unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == pid {
                assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
                break;
            }
            if started.elapsed() > limit {
                unsafe { libc::kill(pid, libc::SIGKILL) };
                panic!("a child process hung");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    let mut out = String::new();
    unsafe { std::fs::File::from_raw_fd(fds[0]) }
        .read_to_string(&mut out)
        .unwrap();
    out.lines().map(str::to_string).collect()
}

#[test]
fn processes_on_a_cold_host_cache_make_one_token_request() {
    let sim = Sim::start();
    let dir = scratch_dir("cold");
    let config = sim.portone_v1(json!({"cacheDir": dir.to_str().unwrap()}));
    // The first fetch is held at the gateway until released: the others ask while it
    // is in flight, whatever the machine's load.
    sim.hold("portone-v1", "token", 1);
    let tokens = std::thread::scope(|scope| {
        let started = scope.spawn(|| {
            processes(8, Duration::from_secs(60), || {
                let client = Client::new(&config).unwrap();
                let token = client.token().unwrap();
                let stats = client.stats();
                format!(
                    "{token} {} {}",
                    stats["tokenFetches"], stats["hostCacheReads"]
                )
            })
        });
        sim.wait_held(1);
        sim.release();
        started.join().unwrap()
    });
    assert_eq!(tokens.len(), 8, "{tokens:?}");
    let first = tokens[0].split(' ').next().unwrap();
    assert!(tokens.iter().all(|t| t.starts_with(first)), "{tokens:?}");
    assert_eq!(sim.token_requests("portone-v1"), 1, "{tokens:?}");
    let fetchers = tokens.iter().filter(|t| t.ends_with(" 1 0")).count();
    let readers = tokens.iter().filter(|t| t.ends_with(" 0 1")).count();
    assert_eq!((fetchers, readers), (1, 7), "{tokens:?}");

    // A process started later (a cron run) reads the file: no token request.
    let later = processes(1, Duration::from_secs(10), || {
        Client::new(&config).unwrap().token().unwrap()
    });
    assert_eq!(later, vec![first.to_string()]);
    assert_eq!(sim.token_requests("portone-v1"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_invalidation_by_one_process_is_seen_by_the_next() {
    let sim = Sim::start();
    let dir = scratch_dir("invalidate");
    let config = sim.nicepay(json!({"cacheDir": dir.to_str().unwrap()}));
    let first = processes(1, Duration::from_secs(10), || {
        Client::new(&config).unwrap().token().unwrap()
    });
    sim.revoke("nicepay");
    // This process gets a 401, drops the token here and in the file, and fetches anew.
    let second = processes(1, Duration::from_secs(10), || {
        let client = Client::new(&config).unwrap();
        let status = client.get(api_path("nicepay")).unwrap().status;
        format!("{status} {}", client.token().unwrap())
    });
    assert_eq!(sim.token_requests("nicepay"), 2);
    let (status, new_token) = second[0].split_once(' ').unwrap();
    assert_eq!(status, "200");
    assert_ne!(new_token, first[0]);
    // The next process takes the new token from the file, not the revoked one.
    let third = processes(1, Duration::from_secs(10), || {
        let client = Client::new(&config).unwrap();
        client.get(api_path("nicepay")).unwrap().status.to_string()
    });
    assert_eq!(third, vec!["200"]);
    assert_eq!(sim.token_requests("nicepay"), 2);
    assert_eq!(sim.unauthorized("nicepay"), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unsafe_cache_dir_is_refused_at_client_creation() {
    let sim = Sim::start();
    let dir = scratch_dir("unsafe");
    std::fs::create_dir(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let refused = |config: String| Client::new(&config).err().expect("refused");
    let f = refused(sim.portone_v1(json!({"cacheDir": dir.to_str().unwrap()})));
    assert_eq!(f.code, 1, "{f:?}");
    assert!(
        f.message.contains("cacheDir") && f.message.contains("mode 777"),
        "{}",
        f.message
    );
    let f = refused(sim.portone_v1(json!({"cacheDir": "relative/dir"})));
    assert!(f.message.contains("absolute"), "{}", f.message);
    assert_eq!(sim.token_requests("portone-v1"), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cache_dir_is_refused_where_there_is_no_token() {
    let sim = Sim::start();
    let f = Client::new(&sim.portone_v2(json!({"cacheDir": "/tmp/x"})))
        .err()
        .expect("refused");
    assert!(f.message.contains("\"token\" auth scheme"), "{}", f.message);
}

#[test]
fn processes_that_see_the_same_401_cause_one_new_token_request() {
    let sim = Sim::start();
    let dir = scratch_dir("401");
    let config = sim.portone_v2(json!({"auth": "token", "cacheDir": dir.to_str().unwrap()}));
    let warm = processes(1, Duration::from_secs(10), || {
        Client::new(&config).unwrap().token().unwrap()
    });
    sim.revoke("portone-v2");
    // The new token's request is held: the processes refused with the old token meanwhile
    // wait for it (a process that starts after the file was invalidated never sees a
    // 401, so the count of 401s is no event to wait on).
    sim.hold("portone-v2", "token", 1);
    let statuses = std::thread::scope(|scope| {
        let started = scope.spawn(|| {
            processes(6, Duration::from_secs(60), || {
                let client = Client::new(&config).unwrap();
                let status = client.get(api_path("portone-v2")).unwrap().status;
                format!("{status} {}", client.token().unwrap())
            })
        });
        sim.wait_held(1);
        sim.release();
        started.join().unwrap()
    });
    assert_eq!(statuses.len(), 6);
    let new_token = statuses[0].split_once(' ').unwrap().1;
    assert_ne!(new_token, warm[0]);
    assert!(
        statuses.iter().all(|s| *s == format!("200 {new_token}")),
        "{statuses:?}"
    );
    assert_eq!(
        sim.token_requests("portone-v2"),
        2,
        "the first token and one new one"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
