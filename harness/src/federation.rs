//! Federation through real DNS: Prosody (`a.test`) and ejabberd (`b.test`)
//! find each other by their `_xmpp-server` SRV records, and `parlons` finds
//! both by their `_xmpp-client` records, all answered by dnsmasq. Run inside
//! a namespace of our own ([`crate::netns`]), where 127.0.0.1:53 is ours to
//! take.
//!
//! Prosody's domain is not `localhost` here: resolvers answer for that name
//! themselves and never ask DNS for its SRV records (RFC 6761 §6.3).

use std::path::{Path, PathBuf};

use crate::dns::{Dns, XmppDomain};
use crate::{
    Account, EJABBERD_DOMAIN, Ejabberd, Gateway, HarnessError, Ports, Prosody, TempDir, TestCa, free_port,
};

/// Prosody's domain: a name that DNS is asked about.
pub const PROSODY_DNS_DOMAIN: &str = "a.test";

/// The port that ejabberd tries when a domain has no SRV record, where
/// nothing listens: Prosody can only be found through DNS.
const DEFAULT_S2S_PORT: u16 = 5269;

/// Both servers, DNS, and a gateway that knows no addresses.
#[derive(Debug)]
pub struct Federation {
    /// `parlons`, with no `--upstream`: it resolves every domain.
    pub gateway: Gateway,
    /// dnsmasq.
    pub dns: Dns,
    /// An account on each server: Prosody's, then ejabberd's.
    pub accounts: [Account; 2],
    /// Runs Chromium inside the namespace.
    pub chromium: PathBuf,
    _ejabberd: Ejabberd,
    _prosody: Prosody,
    // Dropped last: every server's data.
    _dir: TempDir,
}

impl Federation {
    /// Starts everything inside `netns`, the namespace this process runs in.
    pub fn start(netns: &str, bin: &Path, site_dir: &Path) -> Result<Self, HarnessError> {
        let dir = TempDir::new("federation")?;
        let at = |p: &str| dir.path().join(p);
        let ca = TestCa::generate(&at("ca"))?;
        let (prosody_ports, ejabberd_ports) = (Ports::pick()?, Ports::pick()?);
        let dns = Dns::start(
            &at("dns"),
            &[
                XmppDomain {
                    domain: PROSODY_DNS_DOMAIN.to_owned(),
                    host: format!("xmpp.{PROSODY_DNS_DOMAIN}"),
                    ports: prosody_ports,
                },
                XmppDomain {
                    domain: EJABBERD_DOMAIN.to_owned(),
                    host: format!("xmpp.{EJABBERD_DOMAIN}"),
                    ports: ejabberd_ports,
                },
            ],
        )?;
        let prosody = Prosody::spawn(&at("prosody"), &ca, PROSODY_DNS_DOMAIN, prosody_ports, None)?;
        let ejabberd = Ejabberd::spawn(&at("ejabberd"), &ca, ejabberd_ports, DEFAULT_S2S_PORT)?;
        prosody.wait_ready()?;
        ejabberd.wait_ready()?;
        let accounts = [prosody.create_account()?, ejabberd.create_account()?];

        let config = at("parlons.toml");
        let allow = format!("allow-domains = [\"{PROSODY_DNS_DOMAIN}\", \"{EJABBERD_DOMAIN}\"]\n");
        std::fs::write(&config, allow).map_err(|e| HarnessError::io("write parlons config", e))?;
        let gateway = Gateway::spawn(
            bin,
            free_port()?,
            site_dir,
            &[],
            &ca,
            &at("gateway"),
            Some(&config),
        )?;

        let chromium = at("chromium");
        let script =
            format!("#!/bin/sh\nexec ip netns exec {netns} \"${{CHROMIUM:-/usr/bin/chromium}}\" \"$@\"\n");
        std::fs::write(&chromium, script).map_err(|e| HarnessError::io("write chromium wrapper", e))?;
        std::fs::set_permissions(&chromium, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .map_err(|e| HarnessError::io("make chromium wrapper executable", e))?;
        Ok(Self {
            gateway,
            dns,
            accounts,
            chromium,
            _ejabberd: ejabberd,
            _prosody: prosody,
            _dir: dir,
        })
    }
}
