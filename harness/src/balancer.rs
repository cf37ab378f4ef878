//! Debian's nginx in front of several `parlons` replicas, the way
//! `deploy/nginx.conf` runs them: what the scale-out tests kill replicas
//! behind.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::process::render;
use crate::{Gateway, HarnessError, Supervised, wait_for_port};

const CONFIG: &str = include_str!("../templates/nginx.conf");

/// nginx and its replicas.
#[derive(Debug)]
pub struct Balancer {
    /// nginx's HTTP port on 127.0.0.1.
    pub port: u16,
    /// The replicas behind it.
    pub replicas: Vec<Gateway>,
    process: Supervised,
}

impl Balancer {
    /// Starts nginx on `port` in front of `replicas`, with its files in
    /// `dir`.
    pub fn spawn(dir: &Path, port: u16, replicas: Vec<Gateway>) -> Result<Self, HarnessError> {
        for sub in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            std::fs::create_dir_all(dir.join(sub)).map_err(|e| HarnessError::io("create nginx dir", e))?;
        }
        let servers: String = replicas
            .iter()
            .map(|r| {
                format!(
                    "        server 127.0.0.1:{} max_fails=1 fail_timeout=5s;\n",
                    r.port
                )
            })
            .collect();
        let config = render(
            CONFIG,
            &[
                ("DIR", dir.display().to_string()),
                ("PORT", port.to_string()),
                ("SERVERS", servers),
            ],
        );
        let path = dir.join("nginx.conf");
        std::fs::write(&path, config).map_err(|e| HarnessError::io("write nginx config", e))?;
        let mut cmd = Command::new("nginx");
        // -e: nginx opens its error log before it reads the configuration.
        cmd.arg("-e")
            .arg(dir.join("error.log"))
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&path);
        let process = Supervised::spawn("nginx", &mut cmd, &dir.join("nginx.log"))?;
        process.wait_until(Duration::from_secs(10), || wait_for_port(port))?;
        Ok(Self {
            port,
            replicas,
            process,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// nginx's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}
