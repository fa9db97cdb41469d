//! The asynchronous C API against the simulator: every accepted call is called back
//! exactly once (success, invalid arguments, gateway errors, timeouts, a freed client,
//! fork), the pool queues beyond a client's `maxInFlight`, and the cached-token call
//! never does I/O.

mod common;

use std::collections::HashMap;
use std::ffi::{c_void, CStr, CString};
use std::os::raw::c_char;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use common::*;
use paytoken::*;
use serde_json::json;

/// What one callback delivered.
#[derive(Debug, Clone)]
struct Outcome {
    status: i32,
    /// The response status (request) or the token (token call); "" on error.
    value: String,
    message: String,
    thread: String,
}

/// Every callback, by the id passed as user_data. Ids are unique per process.
static OUTCOMES: Mutex<Option<HashMap<usize, Vec<Outcome>>>> = Mutex::new(None);
static ARRIVED: Condvar = Condvar::new();
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);
/// Every callback of `on_response`/`on_token`, counted before any lock is taken (the
/// fork child reads it: a lock held by another test's thread at fork stays held there).
static TOTAL: AtomicUsize = AtomicUsize::new(0);
/// The fork child's own call: its status + 1 once called back.
static CHILD_OUTCOME: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_child_response(
    _user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    _error: *const paytoken_error,
) {
    paytoken_response_free(result as *mut paytoken_response);
    CHILD_OUTCOME.store(status as usize + 1, Ordering::SeqCst);
}

fn new_id() -> usize {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

extern "C" fn on_response(
    user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    error: *const paytoken_error,
) {
    let value = if status == 0 {
        let response = result as *mut paytoken_response;
        let code = paytoken_response_status(response);
        paytoken_response_free(response);
        code.to_string()
    } else {
        assert!(result.is_null(), "no result on error");
        String::new()
    };
    record(user_data, status, value, error);
}

extern "C" fn on_token(
    user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    error: *const paytoken_error,
) {
    let value = if status == 0 {
        let token = result as *mut c_char;
        let text = unsafe { CStr::from_ptr(token) }
            .to_str()
            .unwrap()
            .to_owned();
        paytoken_string_free(token);
        text
    } else {
        String::new()
    };
    record(user_data, status, value, error);
}

fn record(user_data: *mut c_void, status: i32, value: String, error: *const paytoken_error) {
    TOTAL.fetch_add(1, Ordering::SeqCst);
    assert!(!error.is_null(), "error is never NULL");
    let error = unsafe { &*error };
    assert_eq!(error.code, status, "the error struct carries the status");
    let message = unsafe { CStr::from_ptr(error.message.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned();
    let thread = std::thread::current().name().unwrap_or("").to_owned();
    let mut all = OUTCOMES.lock().unwrap();
    let calls = all
        .get_or_insert_with(HashMap::new)
        .entry(user_data as usize)
        .or_default();
    if !calls.is_empty() {
        // Whenever a second callback comes, not only within some wait after the first:
        // abort the whole test binary loudly (a panic must not unwind into the library).
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "call {} was called back twice",
            user_data as usize
        );
        std::process::abort();
    }
    calls.push(Outcome {
        status,
        value,
        message,
        thread,
    });
    ARRIVED.notify_all();
}

/// Waits until each id has been called back and checks each was called back once (a
/// second callback, whenever it comes, aborts the test binary: see `record`). Returns
/// the outcomes in the order of `ids`.
fn wait_all(ids: &[usize], limit: Duration) -> Vec<Outcome> {
    let deadline = Instant::now() + limit;
    let mut all = OUTCOMES.lock().unwrap();
    loop {
        let map = all.get_or_insert_with(HashMap::new);
        let missing = ids.iter().filter(|id| !map.contains_key(id)).count();
        if missing == 0 {
            break;
        }
        let now = Instant::now();
        assert!(
            now < deadline,
            "{missing} of {} callbacks never came",
            ids.len()
        );
        all = ARRIVED.wait_timeout(all, deadline - now).unwrap().0;
    }
    let map = all.as_ref().unwrap();
    ids.iter()
        .map(|id| {
            let got = &map[id];
            assert_eq!(
                got.len(),
                1,
                "call {id} was called back {} times",
                got.len()
            );
            assert_eq!(
                got[0].thread, "paytoken-io",
                "called back on a library thread"
            );
            got[0].clone()
        })
        .collect()
}

/// Starts `paytoken_request_async`; returns its id. The status returned must be OK.
fn start_request(
    client: *const paytoken_client,
    method: &str,
    path: &str,
    options: Option<&str>,
) -> usize {
    let id = new_id();
    let method = CString::new(method).unwrap();
    let path = CString::new(path).unwrap();
    let options = options.map(|o| CString::new(o).unwrap());
    let mut err = blank_error();
    let rc = paytoken_request_async(
        client,
        method.as_ptr(),
        path.as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
        Some(on_response),
        id as *mut c_void,
        &mut err,
    );
    assert_eq!(rc, 0, "accepted");
    assert_eq!(err.code, 0);
    id
}

fn start_token(client: *const paytoken_client) -> usize {
    let id = new_id();
    let mut err = blank_error();
    let rc = paytoken_get_token_async(client, Some(on_token), id as *mut c_void, &mut err);
    assert_eq!(rc, 0, "accepted");
    id
}

fn cached(client: &Client) -> Result<Option<String>, i32> {
    let mut out = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_get_token_cached(client.raw(), &mut out, &mut err);
    if rc != 0 {
        return Err(rc);
    }
    if out.is_null() {
        return Ok(None);
    }
    let token = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    paytoken_string_free(out);
    Ok(Some(token))
}

#[test]
fn requests_and_tokens_complete_once_on_a_library_thread() {
    let sim = Sim::start();
    for (config, gateway) in [
        (sim.portone_v1(json!({})), "portone-v1"),
        (sim.nicepay(json!({})), "nicepay"),
        (sim.portone_v2(json!({"auth": "token"})), "portone-v2"),
    ] {
        let client = Client::new(&config).unwrap();
        let ids: Vec<usize> = (0..20)
            .map(|_| start_request(client.raw(), "GET", api_path(gateway), None))
            .collect();
        let token_id = start_token(client.raw());
        for o in wait_all(&ids, Duration::from_secs(60)) {
            assert_eq!((o.status, o.value.as_str()), (0, "200"), "{o:?}");
        }
        let token = &wait_all(&[token_id], Duration::from_secs(30))[0];
        assert_eq!(token.status, 0);
        assert_eq!(
            token.value,
            client.token().unwrap(),
            "the same cached token"
        );
    }
}

#[test]
fn invalid_arguments_and_errors_are_called_back_too() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let basic = Client::new(&sim.nicepay(json!({"auth": "basic"}))).unwrap();
    let wrong =
        Client::new(&sim.portone_v1(json!({"impKey": "wrong", "impSecret": "wrong"}))).unwrap();
    let invalid = [
        start_request(ptr::null(), "GET", "/payments/x", None),
        start_request(client.raw(), "TRACE", "/payments/x", None),
        start_request(client.raw(), "GET", "https://elsewhere.example/x", None),
        start_request(client.raw(), "GET", "/payments/x", Some("{\"nope\":1}")),
        start_token(ptr::null()),
        start_token(basic.raw()),
    ];
    for o in wait_all(&invalid, Duration::from_secs(30)) {
        assert_eq!(o.status, 1, "{o:?}");
        assert!(!o.message.is_empty());
    }
    // A NULL method pointer is checked the same way (not dereferenced).
    let id = new_id();
    let mut err = blank_error();
    let rc = paytoken_request_async(
        client.raw(),
        ptr::null(),
        c"/x".as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        ptr::null(),
        Some(on_response),
        id as *mut c_void,
        &mut err,
    );
    assert_eq!(rc, 0);
    let o = &wait_all(&[id], Duration::from_secs(30))[0];
    assert_eq!(o.status, 1);
    assert!(o.message.contains("method is NULL"), "{}", o.message);

    let auth = [
        start_request(wrong.raw(), "GET", api_path("portone-v1"), None),
        start_token(wrong.raw()),
    ];
    for o in wait_all(&auth, Duration::from_secs(30)) {
        assert_eq!(o.status, 2, "credentials refused: {o:?}");
        assert!(!o.message.contains("wrong"), "no secret in the message");
    }

    // Nothing listens on the port of a stopped simulator: a network error.
    let gone = {
        let dead = Sim::start();
        let config = dead.portone_v1(json!({}));
        drop(dead);
        Client::new(&config).unwrap()
    };
    let id = start_request(gone.raw(), "GET", api_path("portone-v1"), None);
    assert_eq!(wait_all(&[id], Duration::from_secs(30))[0].status, 4);
}

#[test]
fn a_null_callback_is_refused_at_once() {
    let mut err = blank_error();
    let rc = paytoken_get_token_async(ptr::null(), None, ptr::null_mut(), &mut err);
    assert_eq!(rc, 1);
    let f = failure(rc, &err);
    assert!(f.message.contains("cb is NULL"), "{}", f.message);
}

#[test]
fn a_hung_gateway_times_out_through_the_callback() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    client.token().unwrap();
    sim.fault(json!({"gateway": "portone-v1", "endpoint": "api", "kind": "hang", "count": 0}));
    let started = Instant::now();
    let ids: Vec<usize> = (0..5)
        .map(|_| {
            start_request(
                client.raw(),
                "POST",
                "/payments/prepare",
                Some("{\"timeoutMs\":400}"),
            )
        })
        .collect();
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "starting calls never waits for the gateway"
    );
    for o in wait_all(&ids, Duration::from_secs(30)) {
        assert_eq!(o.status, 5, "{o:?}");
    }
}

#[test]
fn a_freed_client_lives_until_its_last_callback() {
    let sim = Sim::start_with(|c| c.delay_ms = 150);
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let ids: Vec<usize> = (0..30)
        .map(|_| start_request(client.raw(), "GET", api_path("portone-v1"), None))
        .collect();
    drop(client); // paytoken_client_free with 30 calls in flight
    for o in wait_all(&ids, Duration::from_secs(60)) {
        assert_eq!((o.status, o.value.as_str()), (0, "200"), "{o:?}");
    }
}

#[test]
fn calls_beyond_max_in_flight_wait_their_turn_and_all_complete() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"maxInFlight": 4}))).unwrap();
    client.token().unwrap();
    // Every business request is held at the gateway: the calls in flight stay there.
    sim.hold("portone-v1", "api", 0);
    let ids: Vec<usize> = (0..40)
        .map(|_| start_request(client.raw(), "GET", api_path("portone-v1"), None))
        .collect();
    sim.wait_held(4);
    let queued = client.stats()["asyncQueued"].as_u64().unwrap();
    assert!(
        queued >= 30,
        "beyond the bound, calls queue (queued: {queued})"
    );
    assert_eq!(
        sim.stats()["apiRequests"]["portone-v1"],
        4,
        "4 at a time reach the gateway"
    );
    sim.clear_faults(); // releases the four and holds no more
    for o in wait_all(&ids, Duration::from_secs(120)) {
        assert_eq!(o.status, 0, "{o:?}");
    }
    assert!(Client::new(&sim.portone_v1(json!({"maxInFlight": 0}))).is_err());
}

#[test]
fn many_calls_in_flight_at_once_beyond_the_default_bound() {
    let sim = Sim::start_with(|c| c.delay_ms = 300);
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    client.token().unwrap();
    let ids: Vec<usize> = (0..300)
        .map(|_| start_request(client.raw(), "GET", api_path("portone-v1"), None))
        .collect();
    let stats = client.stats();
    assert!(stats["asyncRunning"].as_u64().unwrap() <= 300);
    for o in wait_all(&ids, Duration::from_secs(120)) {
        assert_eq!(o.status, 0, "{o:?}");
    }
}

#[test]
fn the_cached_token_call_never_does_io() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    assert_eq!(
        cached(&client),
        Ok(None),
        "nothing cached: no I/O, no token"
    );
    assert_eq!(sim.token_requests("portone-v1"), 0);
    let token = client.token().unwrap();
    assert_eq!(cached(&client), Ok(Some(token.clone())));
    client.invalidate(Some(&token)).unwrap();
    assert_eq!(cached(&client), Ok(None));
    assert_eq!(sim.token_requests("portone-v1"), 1);
    // Due for refresh (a 30 s token with the default 60 s window): not fresh.
    let short = Sim::start_with(|c| c.token_ttl_secs = 30);
    let due = Client::new(&short.portone_v1(json!({}))).unwrap();
    due.token().unwrap();
    assert_eq!(cached(&due), Ok(None));
    let basic = Client::new(&sim.nicepay(json!({"auth": "basic"}))).unwrap();
    assert_eq!(cached(&basic), Err(1));
}

/// Waits for a forked child and returns its exit code.
fn wait_child(pid: libc::pid_t, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        let mut status = 0;
        if unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } == pid {
            assert!(libc::WIFEXITED(status), "child died by a signal");
            return libc::WEXITSTATUS(status);
        }
        if start.elapsed() > limit {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::waitpid(pid, &mut status, 0) };
            panic!("the child hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_fork_child_starts_without_the_parents_calls() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"maxInFlight": 2}))).unwrap();
    client.token().unwrap();
    // Two running (held at the gateway), three queued when the fork happens.
    sim.hold("portone-v1", "api", 2);
    let ids: Vec<usize> = (0..5)
        .map(|_| start_request(client.raw(), "GET", api_path("portone-v1"), None))
        .collect();
    sim.wait_held(2);
    let pid = match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // Only atomics here: other tests' threads may have held any lock at fork.
                let seen_at_fork = TOTAL.load(Ordering::SeqCst);
                // The child's own async call works (a new thread, its own lane state)...
                let mut err = blank_error();
                let rc = paytoken_request_async(
                    client.raw(),
                    c"GET".as_ptr(),
                    c"/payments/imp_child".as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    0,
                    ptr::null(),
                    Some(on_child_response),
                    ptr::null_mut(),
                    &mut err,
                );
                let deadline = Instant::now() + Duration::from_secs(30);
                while rc == 0
                    && CHILD_OUTCOME.load(Ordering::SeqCst) == 0
                    && Instant::now() < deadline
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                if CHILD_OUTCOME.load(Ordering::SeqCst) != 1 {
                    return 3;
                }
                // ...and none of the parent's calls is ever called back here.
                std::thread::sleep(Duration::from_millis(1500));
                if TOTAL.load(Ordering::SeqCst) != seen_at_fork {
                    return 4;
                }
                0
            }))
            .unwrap_or(99);
            unsafe { libc::_exit(code) }
        }
        pid => pid,
    };
    sim.release();
    for o in wait_all(&ids, Duration::from_secs(60)) {
        assert_eq!(
            o.status, 0,
            "the parent's calls complete in the parent: {o:?}"
        );
    }
    assert_eq!(wait_child(pid, Duration::from_secs(60)), 0);
}
