//! Test harness: a throwaway certificate authority and real XMPP servers
//! (Debian's Prosody and ejabberd) plus the `parlons` gateway, each a
//! background process on free loopback ports with its data in a temporary
//! folder.
//!
//! Every process is started under a small `sh` supervisor that holds our end
//! of a pipe: when the harness drops it, or when the test process dies for any
//! reason, the supervisor stops its server by pid. Nothing outlives the tests.

mod balancer;
mod ca;
mod closing;
pub mod control;
mod dns;
pub mod ejabberd;
mod error;
mod federation;
mod gateway;
mod netns;
mod process;
pub mod prosody;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

pub use balancer::Balancer;
pub use ca::TestCa;
pub use closing::{CLOSING_DOMAIN, ClosingServer};
pub use ejabberd::Ejabberd;
pub use error::HarnessError;
pub use federation::Federation;
pub use gateway::{Gateway, Stop};
pub use netns::Netns;
pub use process::{Ports, Supervised, free_port, wait_for_port};
pub use prosody::Prosody;

/// The Prosody test domain.
pub const PROSODY_DOMAIN: &str = "localhost";
/// The ejabberd test domain.
pub const EJABBERD_DOMAIN: &str = "b.test";

/// A fresh account on one of the test servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The local part.
    pub user: String,
    /// The domain.
    pub domain: String,
    /// The password.
    pub password: String,
}

impl Account {
    /// `user@domain`.
    pub fn jid(&self) -> String {
        format!("{}@{}", self.user, self.domain)
    }

    /// A new random account name and password on `domain` (not yet created).
    pub fn random(domain: &str) -> Self {
        Self {
            user: format!("u{}", random_hex(6)),
            domain: domain.to_owned(),
            password: random_hex(12),
        }
    }
}

/// A random number from the OS.
fn random_u16() -> u16 {
    random_bytes(2).iter().fold(0, |n, b| (n << 8) | u16::from(*b))
}

/// Random hex from the OS, for names and passwords that need not be secret.
fn random_hex(bytes: usize) -> String {
    random_bytes(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Random bytes from the OS.
fn random_bytes(bytes: usize) -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_err()
    {
        // Fall back to something unique to this process and call.
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        buf = [std::process::id(), n, nanos]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .cycle()
            .take(bytes)
            .collect();
    }
    buf
}

/// A temporary folder, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `$TMPDIR/parlons-<tag>-<random>`.
    pub fn new(tag: &str) -> Result<Self, HarnessError> {
        let path = std::env::temp_dir().join(format!("parlons-{tag}-{}", random_hex(6)));
        std::fs::create_dir_all(&path).map_err(|e| HarnessError::io("create temp dir", e))?;
        Ok(Self(path))
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Both test servers and the CA they trust, and optionally the gateway.
#[derive(Debug)]
pub struct Servers {
    /// The gateway, when started.
    pub gateway: Option<Gateway>,
    /// nginx in front of three more replicas, when started.
    pub balancer: Option<Balancer>,
    /// ejabberd, domain `b.test`.
    pub ejabberd: Ejabberd,
    /// Prosody, domain `localhost`.
    pub prosody: Prosody,
    /// The CA behind every certificate.
    pub ca: TestCa,
    // Dropped last: the folder holding every server's data.
    dir: TempDir,
}

impl Servers {
    /// Starts Prosody and ejabberd, federated with each other.
    pub fn start() -> Result<Self, HarnessError> {
        let dir = TempDir::new("harness")?;
        let ca = TestCa::generate(&dir.path().join("ca"))?;
        let prosody_ports = Ports::pick()?;
        let ejabberd_ports = Ports::pick()?;
        // Start both, then wait for both: they boot in parallel.
        let prosody = Prosody::spawn(
            &dir.path().join("prosody"),
            &ca,
            PROSODY_DOMAIN,
            prosody_ports,
            Some(ejabberd_ports.s2s),
        )?;
        let ejabberd = Ejabberd::spawn(
            &dir.path().join("ejabberd"),
            &ca,
            ejabberd_ports,
            prosody_ports.s2s,
        )?;
        prosody.wait_ready()?;
        ejabberd.wait_ready()?;
        Ok(Self {
            gateway: None,
            balancer: None,
            ejabberd,
            prosody,
            ca,
            dir,
        })
    }

    /// Starts `parlons` from `bin` in front of both servers, and of a
    /// server that ends every stream (`closing.test`).
    pub fn start_gateway(&mut self, bin: &Path, site_dir: &Path) -> Result<&Gateway, HarnessError> {
        let closing = ClosingServer::start()?;
        let upstreams = [
            format!("{PROSODY_DOMAIN}=127.0.0.1:{}", self.prosody.ports.c2s),
            format!("{EJABBERD_DOMAIN}=127.0.0.1:{}", self.ejabberd.ports.c2s),
            format!("{CLOSING_DOMAIN}=plain://127.0.0.1:{}", closing.port),
        ];
        let gateway = Gateway::spawn(
            bin,
            free_port()?,
            site_dir,
            &upstreams,
            &self.ca,
            &self.dir.path().join("gateway"),
            None,
        )?;
        Ok(self.gateway.insert(gateway))
    }

    /// Starts `count` more replicas of `parlons` in front of both servers,
    /// which trust the proxy's address, and nginx in front of them.
    pub fn start_balanced(
        &mut self,
        bin: &Path,
        site_dir: &Path,
        count: usize,
    ) -> Result<&Balancer, HarnessError> {
        let upstreams = [
            format!("{PROSODY_DOMAIN}=127.0.0.1:{}", self.prosody.ports.c2s),
            format!("{EJABBERD_DOMAIN}=127.0.0.1:{}", self.ejabberd.ports.c2s),
        ];
        let dir = self.dir.path().join("balanced");
        std::fs::create_dir_all(&dir).map_err(|e| HarnessError::io("create balanced dir", e))?;
        // The site's public name is nginx's, as deploy/nginx.conf says.
        let port = free_port()?;
        let config = dir.join("parlons.toml");
        let settings =
            format!("trusted-proxies = [\"127.0.0.1\"]\npublic-url = \"http://127.0.0.1:{port}\"\n");
        std::fs::write(&config, settings).map_err(|e| HarnessError::io("write replica config", e))?;
        let replicas = (0..count)
            .map(|i| {
                let dir = dir.join(format!("replica-{i}"));
                Gateway::spawn(
                    bin,
                    free_port()?,
                    site_dir,
                    &upstreams,
                    &self.ca,
                    &dir,
                    Some(&config),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let balancer = Balancer::spawn(&dir.join("nginx"), port, replicas)?;
        Ok(self.balancer.insert(balancer))
    }

    /// The folder holding every server's data.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
