//! The sandbox's HTTPS mode: a test CA and certificates for 127.0.0.1 and localhost, committed
//! under `tls/` (see `tls/regenerate.sh`), served with rustls on the ring provider.
//!
//! The certificates are files rather than generated at start so that the sandbox's build stays
//! small (no certificate generator, no date library) and a person can point `SSL_CERT_FILE` at
//! the CA from the repository. The CA's private key was thrown away when the files were made,
//! and the CA is name-constrained to 127.0.0.0/8 and localhost: trusting it lets nobody
//! impersonate any other host.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The test CA's certificate (PEM). Point `SSL_CERT_FILE` at a file holding it to trust an
/// https sandbox; `tls/ca.pem` in this crate is the same file.
pub const TEST_CA_PEM: &str = include_str!("../tls/ca.pem");

const CERTIFICATE_PEM: &str = include_str!("../tls/localhost.pem");
const KEY_PEM: &str = include_str!("../tls/localhost.key.pem");
const EXPIRED_CERTIFICATE_PEM: &str = include_str!("../tls/expired.pem");
const EXPIRED_KEY_PEM: &str = include_str!("../tls/expired.key.pem");

/// Whether the sandbox speaks plain HTTP or HTTPS, and with which certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tls {
    /// Plain `http://`, as every test but the HTTPS ones uses.
    #[default]
    Off,
    /// `https://`, with a certificate for 127.0.0.1 and localhost, valid until 2126, signed by
    /// the test CA ([`TEST_CA_PEM`]).
    TestCa,
    /// `https://`, with a certificate for the same names and the same CA that expired in 2001:
    /// how a client reports an expired certificate.
    Expired,
}

impl Tls {
    /// The URL scheme this mode serves.
    pub fn scheme(self) -> &'static str {
        match self {
            Tls::Off => "http",
            Tls::TestCa | Tls::Expired => "https",
        }
    }
}

/// The acceptor for `tls`, or `None` for plain HTTP.
pub(crate) fn acceptor(tls: Tls) -> std::io::Result<Option<tokio_rustls::TlsAcceptor>> {
    let (certificate, key) = match tls {
        Tls::Off => return Ok(None),
        Tls::TestCa => (CERTIFICATE_PEM, KEY_PEM),
        Tls::Expired => (EXPIRED_CERTIFICATE_PEM, EXPIRED_KEY_PEM),
    };
    let chain = CertificateDer::pem_slice_iter(certificate.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).map_err(invalid)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(invalid)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(invalid)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(tokio_rustls::TlsAcceptor::from(Arc::new(config))))
}

fn invalid(error: impl std::error::Error + Send + Sync + 'static) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, error)
}
