//! The command-line contract harnesses rely on: exactly one stdout line with the URL,
//! and a clean exit when stdin closes under `--exit-on-stdin-eof`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_one_line_serves_and_exits_when_stdin_closes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_paytoken-sim"))
        .args(["--port", "0", "--exit-on-stdin-eof", "--token-ttl=90"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim_end()
        .strip_prefix("paytoken-sim listening on http://")
        .expect(&line)
        .to_owned();

    let mut stream = TcpStream::connect(&url).unwrap();
    let body = r#"{"imp_key":"sim_imp_key","imp_secret":"sim_imp_secret"}"#;
    write!(stream, "POST /users/getToken HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let response = &json["response"];
    assert_eq!(
        response["expired_at"].as_i64().unwrap() - response["now"].as_i64().unwrap(),
        90,
        "--token-ttl=90"
    );

    drop(child.stdin.take());
    let closing = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            closing.elapsed() < Duration::from_secs(5),
            "still running after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "nothing else on stdout");
}

#[test]
fn refuses_a_non_loopback_host_and_unknown_flags() {
    for args in [&["--host", "0.0.0.0"][..], &["--frobnicate"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_paytoken-sim"))
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

/// `--implicit-payments` reaches the simulator: an id nobody created is a paid payment.
#[test]
fn implicit_payments_flag() {
    for (args, expected) in [(&["--implicit-payments"][..], "200"), (&[][..], "404")] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_paytoken-sim"))
            .args(["--port", "0", "--exit-on-stdin-eof"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line.trim_end().rsplit("http://").next().unwrap().to_owned();
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(stream, "GET /payments/anything HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: PortOne sim_portone_v2_api_secret\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert_eq!(
            answer.split(' ').nth(1),
            Some(expected),
            "{args:?}: {answer}"
        );
        drop(child.stdin.take());
        assert!(child.wait().unwrap().success());
    }
}
