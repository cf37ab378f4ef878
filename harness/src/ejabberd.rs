//! Debian's ejabberd 23.01, domain `b.test`, run straight from `erl` without
//! system folders; accounts are made through `mod_http_api`.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::process::render;
use crate::{Account, EJABBERD_DOMAIN, HarnessError, Ports, Supervised, TestCa};

const CONFIG: &str = include_str!("../templates/ejabberd.yml");
const CAPTCHA_CMD: &str = include_str!("../templates/captcha.sh");

/// Where Debian installs the ejabberd OTP application.
const ERL_LIBS: &str = "/usr/lib/x86_64-linux-gnu";

/// A running ejabberd.
#[derive(Debug)]
pub struct Ejabberd {
    /// Where it listens.
    pub ports: Ports,
    /// Where its CAPTCHA script notes the answer to the latest CAPTCHA.
    pub captcha_answer: PathBuf,
    process: Supervised,
}

impl Ejabberd {
    /// Writes the configuration into `dir` and starts ejabberd, federated
    /// with the Prosody whose s2s port is `localhost_s2s`. Call
    /// [`Self::wait_ready`].
    pub fn spawn(dir: &Path, ca: &TestCa, ports: Ports, localhost_s2s: u16) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(|e| HarnessError::io("create ejabberd dir", e))?;
        let path = |p: &Path| p.display().to_string();
        let captcha_answer = dir.join("captcha-answer");
        let captcha_cmd = dir.join("captcha.sh");
        let script = render(CAPTCHA_CMD, &[("ANSWER", path(&captcha_answer))]);
        std::fs::write(&captcha_cmd, script).map_err(|e| HarnessError::io("write captcha script", e))?;
        std::fs::set_permissions(&captcha_cmd, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .map_err(|e| HarnessError::io("make captcha script executable", e))?;
        let config = render(
            CONFIG,
            &[
                ("DATA_DIR", path(dir)),
                ("CAPTCHA_CMD", path(&captcha_cmd)),
                ("C2S_PORT", ports.c2s.to_string()),
                ("C2S_DIRECT_TLS_PORT", ports.c2s_direct_tls.to_string()),
                ("S2S_PORT", ports.s2s.to_string()),
                ("S2S_OUT_PORT", localhost_s2s.to_string()),
                ("HTTP_PORT", ports.http.to_string()),
                ("CERT", path(&ca.cert)),
                ("KEY", path(&ca.key)),
                ("CA", path(&ca.ca)),
            ],
        );
        let config_path = dir.join("ejabberd.yml");
        std::fs::write(&config_path, config).map_err(|e| HarnessError::io("write ejabberd config", e))?;
        let log = dir.join("ejabberd.log");
        // No node name: no epmd, no cookie, nothing shared between instances.
        let process = Supervised::spawn(
            "ejabberd",
            Command::new("erl")
                .args(["-noinput", "-noshell", "-mnesia", "dir"])
                .arg(format!("\"{}\"", dir.join("mnesia").display()))
                .args(["-s", "ejabberd"])
                .env("HOME", dir)
                .env("EJABBERD_CONFIG_PATH", &config_path)
                .env("EJABBERD_LOG_PATH", &log)
                .env("EJABBERD_PID_PATH", dir.join("ejabberd.pid"))
                .env("ERL_LIBS", ERL_LIBS)
                .env("ERL_CRASH_DUMP_BYTES", "0"),
            &dir.join("ejabberd.out"),
        )?;
        Ok(Self {
            ports,
            captcha_answer,
            process,
        })
    }

    /// Waits until the HTTP API reports the node started.
    pub fn wait_ready(&self) -> Result<(), HarnessError> {
        self.process.wait_until(Duration::from_secs(60), || {
            self.api("status", "{}")
                .is_ok_and(|body| body.contains("is started"))
        })
    }

    /// The domain, `b.test`.
    pub fn domain(&self) -> &'static str {
        EJABBERD_DOMAIN
    }

    /// ejabberd's own RFC 7395 endpoint.
    pub fn websocket_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.ports.http)
    }

    /// The base URL of `mod_http_api`.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.ports.http)
    }

    /// Creates a fresh account.
    pub fn create_account(&self) -> Result<Account, HarnessError> {
        let account = Account::random(EJABBERD_DOMAIN);
        self.register(&account)?;
        Ok(account)
    }

    /// Creates `account`.
    pub fn register(&self, account: &Account) -> Result<(), HarnessError> {
        let body = serde_json::json!({
            "user": account.user,
            "host": account.domain,
            "password": account.password,
        });
        self.api("register", &body.to_string()).map(drop)
    }

    /// The server's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// `POST /api/<command>` with a JSON body; the response body on 200.
    fn api(&self, command: &str, body: &str) -> Result<String, HarnessError> {
        let what = format!("ejabberd api {command}");
        let io = |e| HarnessError::io(what.clone(), e);
        let mut conn = TcpStream::connect((Ipv4Addr::LOCALHOST, self.ports.http)).map_err(io)?;
        conn.set_read_timeout(Some(Duration::from_secs(10))).map_err(io)?;
        write!(
            conn,
            "POST /api/{command} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .map_err(io)?;
        let mut response = String::new();
        conn.read_to_string(&mut response).map_err(io)?;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head.lines().next().unwrap_or_default();
        if status.split_whitespace().nth(1) == Some("200") {
            Ok(body.to_owned())
        } else {
            Err(HarnessError::Http {
                what,
                status: status.to_owned(),
                body: body.to_owned(),
            })
        }
    }
}
