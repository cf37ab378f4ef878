//! Debian's Prosody 0.12, domain `localhost` (or `a.test`), with MUC, MAM, carbons, stream
//! management, bookmarks, HTTP file sharing, its own WebSocket endpoint and
//! an external component (XEP-0114) for crowds of strangers.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::process::{render, run};
use crate::{Account, HarnessError, Ports, Supervised, TestCa, wait_for_port};

const CONFIG: &str = include_str!("../templates/prosody.cfg.lua");
const S2S_ROUTE_PLUGIN: &str = include_str!("../templates/mod_s2s_static_route.lua");

/// The external component's shared secret: it listens on loopback only.
pub const COMPONENT_SECRET: &str = "parlons-harness-component";

/// A running Prosody.
#[derive(Debug)]
pub struct Prosody {
    /// Its domain.
    domain: &'static str,
    /// Where it listens.
    pub ports: Ports,
    /// Its configuration file, which `prosodyctl` needs too.
    pub config: PathBuf,
    process: Supervised,
}

impl Prosody {
    /// Writes the configuration into `dir` and starts Prosody for
    /// `domain`, federated with the ejabberd whose s2s port is
    /// `b_test_s2s`, if any; without one, DNS finds `b.test`. Call
    /// [`Self::wait_ready`].
    pub fn spawn(
        dir: &Path,
        ca: &TestCa,
        domain: &'static str,
        ports: Ports,
        b_test_s2s: Option<u16>,
    ) -> Result<Self, HarnessError> {
        let plugins = dir.join("plugins");
        std::fs::create_dir_all(&plugins).map_err(|e| HarnessError::io("create prosody dir", e))?;
        std::fs::write(plugins.join("mod_s2s_static_route.lua"), S2S_ROUTE_PLUGIN)
            .map_err(|e| HarnessError::io("write prosody plugin", e))?;
        let path = |p: &Path| p.display().to_string();
        let config = render(
            CONFIG,
            &[
                ("DOMAIN", domain.to_owned()),
                ("DATA_DIR", path(dir)),
                ("PID_FILE", path(&dir.join("prosody.pid"))),
                ("LOG", path(&dir.join("prosody.log"))),
                ("PLUGIN_DIR", path(&plugins)),
                ("C2S_PORT", ports.c2s.to_string()),
                ("C2S_DIRECT_TLS_PORT", ports.c2s_direct_tls.to_string()),
                ("S2S_PORT", ports.s2s.to_string()),
                ("HTTP_PORT", ports.http.to_string()),
                ("HTTPS_PORT", ports.https.to_string()),
                ("COMPONENT_PORT", ports.component.to_string()),
                ("COMPONENT_SECRET", COMPONENT_SECRET.to_owned()),
                ("CERT", path(&ca.cert)),
                ("KEY", path(&ca.key)),
                ("CA", path(&ca.ca)),
                ("S2S_ROUTES", s2s_routes(b_test_s2s)),
            ],
        );
        let config_path = dir.join("prosody.cfg.lua");
        std::fs::write(&config_path, config).map_err(|e| HarnessError::io("write prosody config", e))?;
        let process = Supervised::spawn("prosody", &mut command(&config_path), &dir.join("prosody.log"))?;
        Ok(Self {
            domain,
            ports,
            config: config_path,
            process,
        })
    }

    /// Waits until every listener is up. Prosody keeps running when a port
    /// is taken, so its log is checked too.
    pub fn wait_ready(&self) -> Result<(), HarnessError> {
        let c2s = format!("Activated service 'c2s' on [127.0.0.1]:{}", self.ports.c2s);
        self.process.wait_until(Duration::from_secs(30), || {
            let log = self.process.log_tail();
            wait_for_port(self.ports.http) && wait_for_port(self.ports.component) && log.contains(&c2s)
        })?;
        let log = self.process.log_tail();
        if log.contains("Failed to open server port") {
            return Err(HarnessError::NotReady {
                what: "prosody".into(),
                after: Duration::ZERO,
                log,
            });
        }
        Ok(())
    }

    /// The domain.
    pub fn domain(&self) -> &'static str {
        self.domain
    }

    /// Where the external component (XEP-0114) connects, its domain and
    /// its secret.
    pub fn component(&self) -> serde_json::Value {
        serde_json::json!({
            "port": self.ports.component,
            "domain": format!("strangers.{}", self.domain),
            "secret": COMPONENT_SECRET,
        })
    }

    /// Prosody's own RFC 7395 endpoint.
    pub fn websocket_url(&self) -> String {
        format!("ws://127.0.0.1:{}/xmpp-websocket", self.ports.http)
    }

    /// The same over TLS, with a certificate for `localhost` from the test
    /// CA.
    pub fn secure_websocket_url(&self) -> String {
        format!("wss://localhost:{}/xmpp-websocket", self.ports.https)
    }

    /// Creates a fresh account.
    pub fn create_account(&self) -> Result<Account, HarnessError> {
        let account = Account::random(self.domain);
        self.register(&account)?;
        Ok(account)
    }

    /// Creates (or resets the password of) `account`.
    pub fn register(&self, account: &Account) -> Result<(), HarnessError> {
        run(
            "prosodyctl register",
            Command::new("prosodyctl")
                .arg("--config")
                .arg(&self.config)
                .args(["register", &account.user, &account.domain, &account.password]),
        )
        .map(drop)
    }

    /// The server's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// Stops Prosody and starts it again from the same configuration and
    /// data: its sessions end, accounts and archives stay.
    pub fn restart(&mut self) -> Result<(), HarnessError> {
        // The old log is kept aside: readiness is read from the new one.
        let log = self.config.with_file_name("prosody.log");
        let _ = std::fs::rename(&log, log.with_extension("log.1"));
        self.process.restart(&mut command(&self.config), false)?;
        self.wait_ready()
    }
}

/// Runs Prosody in the foreground from `config`.
fn command(config: &Path) -> Command {
    let mut cmd = Command::new("prosody");
    cmd.arg("--config").arg(config).arg("-F");
    cmd
}

/// Gives `user@domain` of the Prosody configured by `config`, before its
/// first sign-in, a roster of `count` contacts `contactNNNN@DOMAIN`
/// ("Contact N", in 20 groups). Written as Prosody's own roster file:
/// 5,000 roster sets would take minutes, as Prosody rewrites the file on
/// each.
pub fn write_roster(config: &Path, user: &str, domain: &str, count: usize) -> Result<(), HarnessError> {
    let dir = config
        .parent()
        .unwrap_or(Path::new("."))
        .join(domain)
        .join("roster");
    std::fs::create_dir_all(&dir).map_err(|e| HarnessError::io("create roster dir", e))?;
    let mut lua = String::from("return {\n[false] = { [\"version\"] = 1; };\n");
    for i in 0..count {
        lua.push_str(&format!(
            "[\"contact{i:04}@{domain}\"] = {{ [\"subscription\"] = \"both\"; [\"name\"] = \"Contact {i}\"; \
             [\"groups\"] = {{ [\"Group {g}\"] = true; }}; }};\n",
            g = i % 20,
        ));
    }
    lua.push_str("};\n");
    std::fs::write(dir.join(format!("{user}.dat")), lua).map_err(|e| HarnessError::io("write roster", e))
}

/// Routes `b.test` to the harness's ejabberd, which has no DNS name.
fn s2s_routes(b_test_s2s: Option<u16>) -> String {
    match b_test_s2s {
        Some(port) => format!(
            "{{ [\"{}\"] = {{ host = \"127.0.0.1\"; port = {port} }} }}",
            crate::EJABBERD_DOMAIN
        ),
        None => "{}".to_owned(),
    }
}
