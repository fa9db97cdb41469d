//! TLS mode: a self-signed certificate for `127.0.0.1`, `::1`, `localhost` and `gateway.test`, made at
//! start (nothing on disk unless asked), served with rustls on the ring provider.

use std::io;
use std::sync::Arc;

use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::ring, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The names clients may use for the simulator; IPs become IP-address SANs.
/// `gateway.test` (a reserved TLD, never a real host) lets a test reach the simulator by a
/// name that is not loopback, through a proxy that maps it here (no DNS involved).
const NAMES: [&str; 4] = ["127.0.0.1", "::1", "localhost", "gateway.test"];

pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// The certificate in PEM: give it to a client as its trusted root (`caFile`).
    pub certificate_pem: String,
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("TLS setup: {e}"))
}

pub fn self_signed() -> io::Result<Tls> {
    let names: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
    let certified = rcgen::generate_simple_self_signed(names).map_err(other)?;
    let chain = vec![CertificateDer::from(certified.cert.der().to_vec())];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    // Explicit provider: the process may link other rustls providers (never guess one).
    let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(other)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Tls {
        acceptor: TlsAcceptor::from(Arc::new(config)),
        certificate_pem: certified.cert.pem(),
    })
}
