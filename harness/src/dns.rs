//! Debian's dnsmasq as the DNS server of a test namespace: A records for
//! the test hosts and the SRV records that name them (RFC 2782; RFC 6120
//! §3.2 for clients, RFC 6120 §3.2 and XEP-0220 for servers).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::{HarnessError, Ports, Supervised, wait_for_port};

/// An XMPP domain as DNS describes it.
#[derive(Debug, Clone)]
pub struct XmppDomain {
    /// The domain, `b.test`.
    pub domain: String,
    /// The host its SRV records point at, with the address 127.0.0.1.
    pub host: String,
    /// Its server's ports.
    pub ports: Ports,
}

impl XmppDomain {
    /// dnsmasq's options for this domain: its host's address, its client
    /// and server SRV records, and no answer from elsewhere for its names.
    fn options(&self) -> Vec<String> {
        let Self { domain, host, ports } = self;
        vec![
            format!("--local=/{domain}/"),
            format!("--host-record={host},127.0.0.1"),
            format!("--srv-host=_xmpp-client._tcp.{domain},{host},{},0,0", ports.c2s),
            format!("--srv-host=_xmpp-server._tcp.{domain},{host},{},0,0", ports.s2s),
        ]
    }
}

/// A running dnsmasq on 127.0.0.1:53 of the namespace it was started in.
#[derive(Debug)]
pub struct Dns {
    /// Every query it answered, one line each.
    pub queries: PathBuf,
    _process: Supervised,
}

impl Dns {
    /// Starts dnsmasq answering for `domains`, and only for them.
    pub fn start(dir: &Path, domains: &[XmppDomain]) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(|e| HarnessError::io("create dns dir", e))?;
        let queries = dir.join("queries.log");
        let mut cmd = Command::new("dnsmasq");
        cmd.args([
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            "--port=53",
            "--user=root",
            "--group=root",
            "--pid-file=",
            "--log-queries",
        ])
        .arg(format!("--log-facility={}", queries.display()));
        for domain in domains {
            cmd.args(domain.options());
        }
        let process = Supervised::spawn("dnsmasq", &mut cmd, &dir.join("dnsmasq.out"))?;
        process.wait_until(Duration::from_secs(10), || wait_for_port(53))?;
        Ok(Self {
            queries,
            _process: process,
        })
    }
}
