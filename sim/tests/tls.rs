//! TLS mode: HTTPS with a self-signed certificate a client can trust (and nothing else),
//! the certificate written by `--cert-out`, and the modelled round trip on handshakes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use paytoken_sim::{SimConfig, Simulator};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{
    crypto::ring, ClientConfig, ClientConnection, RootCertStore, StreamOwned,
};

const TOKEN_BODY: &str = r#"{"imp_key":"sim_imp_key","imp_secret":"sim_imp_secret"}"#;

/// A TLS connection to `127.0.0.1:port` trusting only `pem`.
fn connect(port: u16, pem: &str) -> std::io::Result<StreamOwned<ClientConnection, TcpStream>> {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(pem.as_bytes()).expect("a PEM certificate"))
        .unwrap();
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let connection = ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    Ok(StreamOwned::new(connection, tcp))
}

/// One keep-alive `POST /users/getToken`; returns the status line and the body.
fn get_token(
    stream: &mut StreamOwned<ClientConnection, TcpStream>,
) -> std::io::Result<(String, String)> {
    write!(
        stream,
        "POST /users/getToken HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{TOKEN_BODY}",
        TOKEN_BODY.len()
    )?;
    stream.flush()?;
    let mut reader = BufReader::new(stream);
    let (mut status, mut length) = (String::new(), 0usize);
    reader.read_line(&mut status)?;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((
        status.trim_end().to_owned(),
        String::from_utf8(body).unwrap(),
    ))
}

#[test]
fn serves_https_that_a_client_trusting_the_certificate_accepts() {
    let sim = Simulator::start(SimConfig {
        tls: true,
        ..SimConfig::default()
    })
    .unwrap();
    assert!(sim.url().starts_with("https://127.0.0.1:"), "{}", sim.url());
    let pem = sim.certificate_pem().expect("TLS mode has a certificate");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");

    let mut stream = connect(sim.port(), pem).unwrap();
    for _ in 0..2 {
        let (status, body) = get_token(&mut stream).unwrap();
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(body.contains("\"access_token\""), "{body}");
    }

    // Another simulator's certificate is not trusted: the handshake fails.
    let other = Simulator::start(SimConfig {
        tls: true,
        ..SimConfig::default()
    })
    .unwrap();
    let mut stranger = connect(sim.port(), other.certificate_pem().unwrap()).unwrap();
    assert!(
        get_token(&mut stranger).is_err(),
        "a certificate from elsewhere must be refused"
    );

    // Plain HTTP on the TLS port gets no HTTP answer.
    let mut plain = TcpStream::connect(("127.0.0.1", sim.port())).unwrap();
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    plain
        .write_all(b"GET /__sim/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    let plain_sim = Simulator::start(SimConfig::default()).unwrap();
    assert!(plain_sim.url().starts_with("http://") && plain_sim.certificate_pem().is_none());
}

#[test]
fn rtt_is_paid_by_each_handshake_and_each_answer() {
    let rtt = Duration::from_millis(60);
    let sim = Simulator::start(SimConfig {
        tls: true,
        rtt_ms: 60,
        ..SimConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let mut stream = connect(sim.port(), sim.certificate_pem().unwrap()).unwrap();
    get_token(&mut stream).unwrap();
    assert!(
        started.elapsed() >= rtt * 3,
        "TCP + TLS + answer: {:?}",
        started.elapsed()
    );
    let again = Instant::now();
    get_token(&mut stream).unwrap();
    let reused = again.elapsed();
    assert!(
        reused >= rtt && reused < rtt * 3,
        "a kept-alive connection pays one round trip: {reused:?}"
    );
}

#[test]
fn binary_writes_the_certificate_before_announcing_an_https_url() {
    let dir = std::env::temp_dir().join(format!("paytoken-sim-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("sim.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_paytoken-sim"))
        .args(["--tls", "--exit-on-stdin-eof", "--cert-out"])
        .arg(&cert)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim_end()
        .strip_prefix("paytoken-sim listening on https://127.0.0.1:")
        .expect(&line)
        .parse()
        .unwrap();
    let pem = std::fs::read_to_string(&cert).expect("--cert-out wrote the certificate");
    let (status, _) = get_token(&mut connect(port, &pem).unwrap()).unwrap();
    assert_eq!(status, "HTTP/1.1 200 OK");
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    std::fs::remove_dir_all(&dir).unwrap();

    let refused = Command::new(env!("CARGO_BIN_EXE_paytoken-sim"))
        .args(["--cert-out", "x.pem"])
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "--cert-out without --tls is an error"
    );
}
