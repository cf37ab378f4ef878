//! Which certificates upstream TLS trusts (RFC 6125 names, checked by
//! rustls): Mozilla's roots and the operator's `ca-files` for every domain,
//! and a private CA (`[private-ca]`) only for the domains it is listed
//! for, so that a company CA cannot vouch for anyone else's server.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_rustls::TlsConnector;

/// Why the trust could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// A CA file could not be read.
    #[error("cannot read CA file {path}: {reason}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// TLS setup failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// The two TLS set-ups of one trust: STARTTLS, and direct TLS with ALPN
/// `xmpp-client` (XEP-0368).
#[derive(Clone)]
pub struct Connectors {
    /// After `<starttls/>`.
    pub starttls: TlsConnector,
    /// From the first byte.
    pub direct_tls: TlsConnector,
}

/// The trust for every domain.
#[derive(Clone)]
pub struct Trust {
    common: Connectors,
    /// Per domain with a private CA: the common roots plus that CA.
    scoped: BTreeMap<String, Connectors>,
}

impl Trust {
    /// Mozilla's roots and `ca_files` for all; `private` adds a CA file
    /// for one domain (lower-case) each.
    pub fn new(ca_files: &[PathBuf], private: &BTreeMap<String, PathBuf>) -> Result<Self, TrustError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for path in ca_files {
            add_pem(&mut roots, path)?;
        }
        let mut scoped = BTreeMap::new();
        for (domain, path) in private {
            let mut own = roots.clone();
            add_pem(&mut own, path)?;
            scoped.insert(domain.clone(), connectors(own)?);
        }
        Ok(Self {
            common: connectors(roots)?,
            scoped,
        })
    }

    /// The TLS set-ups for `domain`.
    pub fn for_domain(&self, domain: &str) -> &Connectors {
        self.scoped.get(domain).unwrap_or(&self.common)
    }
}

fn connectors(roots: rustls::RootCertStore) -> Result<Connectors, TrustError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = |alpn: Vec<Vec<u8>>| -> Result<TlsConnector, TrustError> {
        let mut c = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(|e| TrustError::Tls(e.to_string()))?
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        c.alpn_protocols = alpn;
        Ok(TlsConnector::from(Arc::new(c)))
    };
    Ok(Connectors {
        starttls: config(Vec::new())?,
        direct_tls: config(vec![b"xmpp-client".to_vec()])?,
    })
}

/// Adds every certificate of the PEM file at `path`.
fn add_pem(roots: &mut rustls::RootCertStore, path: &PathBuf) -> Result<(), TrustError> {
    let ca_err = |reason: String| TrustError::CaFile {
        path: path.clone(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path).map_err(|e| ca_err(e.to_string()))?;
    let mut found = false;
    for cert in certs {
        let cert = cert.map_err(|e| ca_err(e.to_string()))?;
        roots.add(cert).map_err(|e| ca_err(e.to_string()))?;
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err(ca_err("no certificate in it".into()))
    }
}
