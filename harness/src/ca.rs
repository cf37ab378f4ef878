//! A throwaway certificate authority and one server certificate for every
//! test domain, made with the `openssl` command.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::HarnessError;
use crate::process::run;

/// Every name the server certificate covers.
pub const TEST_DOMAINS: &[&str] = &[
    "localhost",
    "conference.localhost",
    "upload.localhost",
    "a.test",
    "conference.a.test",
    "upload.a.test",
    "b.test",
    "conference.b.test",
    "upload.b.test",
];

/// The CA and the server certificate it signed.
#[derive(Debug, Clone)]
pub struct TestCa {
    /// The CA certificate (PEM): what clients trust.
    pub ca: PathBuf,
    /// The server certificate (PEM), for every name in [`TEST_DOMAINS`].
    pub cert: PathBuf,
    /// The server's private key (PEM).
    pub key: PathBuf,
}

impl TestCa {
    /// Generates a CA and a server certificate in `dir`.
    pub fn generate(dir: &Path) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(|e| HarnessError::io("create CA dir", e))?;
        let f = |name: &str| dir.join(name);
        let (ca_key, ca, key, csr, cert, ext) = (
            f("ca.key"),
            f("ca.pem"),
            f("server.key"),
            f("server.csr"),
            f("server.pem"),
            f("server.ext"),
        );
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        run(
            "openssl: CA",
            Command::new("openssl")
                .args(["req", "-x509", "-sha256", "-days", "30"])
                .args(ec)
                .arg("-keyout")
                .arg(&ca_key)
                .arg("-out")
                .arg(&ca)
                .args(["-subj", "/CN=Parlons test CA"])
                .args(["-addext", "basicConstraints=critical,CA:TRUE"])
                .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
        )?;
        run(
            "openssl: server key",
            Command::new("openssl")
                .args(["req", "-new", "-sha256"])
                .args(ec)
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&csr)
                .args(["-subj", "/CN=localhost"]),
        )?;
        let sans: Vec<String> = TEST_DOMAINS.iter().map(|d| format!("DNS:{d}")).collect();
        let extensions = format!(
            "basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth,clientAuth\n\
             subjectKeyIdentifier=hash\n\
             authorityKeyIdentifier=keyid,issuer\n\
             subjectAltName={}\n",
            sans.join(",")
        );
        std::fs::write(&ext, extensions).map_err(|e| HarnessError::io("write server.ext", e))?;
        run(
            "openssl: sign server certificate",
            Command::new("openssl")
                .args(["x509", "-req", "-sha256", "-days", "30", "-set_serial", "2"])
                .arg("-in")
                .arg(&csr)
                .arg("-CA")
                .arg(&ca)
                .arg("-CAkey")
                .arg(&ca_key)
                .arg("-extfile")
                .arg(&ext)
                .arg("-out")
                .arg(&cert),
        )?;
        Ok(Self { ca, cert, key })
    }
}
