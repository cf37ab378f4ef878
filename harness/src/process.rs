//! Background processes that cannot outlive the harness.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::HarnessError;

/// Raises the open-file limit (sessions are files), runs `"$@"` in the
/// background, prints its pid, then waits for its stdin
/// to close (the harness dropped it, or died) and stops it by pid: SIGTERM,
/// then SIGKILL after ten seconds.
const SUPERVISOR: &str = r#"
ulimit -n 65536 2>/dev/null || true
"$@" </dev/null >>"$PARLONS_LOG" 2>&1 &
pid=$!
echo "$pid"
read -r _ || true
kill -TERM "$pid" 2>/dev/null || exit 0
i=0
while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit 0
"#;

/// A server started under the supervisor. Dropping it stops the server and
/// waits until it has exited.
#[derive(Debug)]
pub struct Supervised {
    name: String,
    pid: u32,
    log: PathBuf,
    stdin: Option<ChildStdin>,
    supervisor: Child,
}

impl Supervised {
    /// Starts `cmd` with its output appended to `log`.
    pub fn spawn(name: &str, cmd: &mut Command, log: &Path) -> Result<Self, HarnessError> {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg(SUPERVISOR)
            .arg("supervisor")
            .arg(cmd.get_program())
            .args(cmd.get_args())
            .env("PARLONS_LOG", log)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            // Its own process group: a Ctrl-C meant for the harness reaches
            // the server only through the supervisor.
            .process_group(0);
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        if let Some(dir) = cmd.get_current_dir() {
            sh.current_dir(dir);
        }
        let mut supervisor = sh
            .spawn()
            .map_err(|e| HarnessError::io(format!("start {name}"), e))?;
        let stdin = supervisor.stdin.take();
        let mut pid_line = String::new();
        if let Some(out) = supervisor.stdout.take() {
            use std::io::BufRead;
            std::io::BufReader::new(out)
                .read_line(&mut pid_line)
                .map_err(|e| HarnessError::io(format!("start {name}"), e))?;
        }
        let pid = pid_line.trim().parse().map_err(|_| HarnessError::Command {
            what: format!("start {name}"),
            status: "no pid".into(),
            output: pid_line.clone(),
        })?;
        Ok(Self {
            name: name.to_owned(),
            pid,
            log: log.to_owned(),
            stdin,
            supervisor,
        })
    }

    /// The server's pid.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Whether the server is still running.
    pub fn is_running(&self) -> bool {
        Path::new(&format!("/proc/{}", self.pid)).exists()
            && std::fs::read_to_string(format!("/proc/{}/stat", self.pid))
                .map(|s| !s.contains(") Z "))
                .unwrap_or(false)
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Waits until `ready` holds, failing early if the server exits.
    pub fn wait_until(&self, timeout: Duration, mut ready: impl FnMut() -> bool) -> Result<(), HarnessError> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if ready() {
                return Ok(());
            }
            if !self.is_running() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(HarnessError::NotReady {
            what: self.name.clone(),
            after: start.elapsed(),
            log: self.log_tail(),
        })
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        self.shutdown();
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", &self.pid.to_string()])
            .status();
        self.shutdown();
    }

    /// Stops the server, at once with SIGKILL when `crash` (as a crash
    /// would), and starts `cmd` in its place with the same log.
    pub fn restart(&mut self, cmd: &mut Command, crash: bool) -> Result<(), HarnessError> {
        if crash {
            self.kill();
        }
        self.shutdown();
        *self = Self::spawn(&self.name.clone(), cmd, &self.log.clone())?;
        Ok(())
    }

    fn shutdown(&mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.write_all(b"stop\n");
        }
        let _ = self.supervisor.wait();
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A loopback TCP port that was free a moment ago and that this process has
/// not handed out before. Ports come from below Linux's ephemeral range
/// (32768 and up), so outgoing connections never take one in the meantime.
pub fn free_port() -> Result<u16, HarnessError> {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    for _ in 0..1000 {
        let port = 20_000 + crate::random_u16() % 12_000;
        if given.contains(&port) {
            continue;
        }
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            given.insert(port);
            return Ok(port);
        }
    }
    Err(HarnessError::io(
        "find a free port",
        std::io::Error::new(std::io::ErrorKind::AddrInUse, "no free port in 20000-31999"),
    ))
}

/// The ports a test XMPP server listens on, all on 127.0.0.1.
#[derive(Debug, Clone, Copy)]
pub struct Ports {
    /// Client-to-server, STARTTLS.
    pub c2s: u16,
    /// Client-to-server, direct TLS (XEP-0368).
    pub c2s_direct_tls: u16,
    /// Server-to-server.
    pub s2s: u16,
    /// HTTP: the WebSocket endpoint, and the server's other HTTP services.
    pub http: u16,
    /// HTTPS, where the server offers it (Prosody's `wss://`).
    pub https: u16,
    /// External components (XEP-0114), where the server has one.
    pub component: u16,
}

impl Ports {
    /// Free ports for every listener.
    pub fn pick() -> Result<Self, HarnessError> {
        Ok(Self {
            c2s: free_port()?,
            c2s_direct_tls: free_port()?,
            s2s: free_port()?,
            http: free_port()?,
            https: free_port()?,
            component: free_port()?,
        })
    }
}

/// Whether something accepts connections on a loopback port.
pub fn wait_for_port(port: u16) -> bool {
    TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), Duration::from_millis(200)).is_ok()
}

/// Runs a short command to completion, failing on a non-zero exit.
pub(crate) fn run(what: &str, cmd: &mut Command) -> Result<String, HarnessError> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| HarnessError::io(what, e))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(HarnessError::Command {
            what: what.to_owned(),
            status: out.status.to_string(),
            output: text,
        })
    }
}

/// Fills `{{NAME}}` placeholders.
pub(crate) fn render(template: &str, vars: &[(&str, String)]) -> String {
    vars.iter().fold(template.to_owned(), |text, (name, value)| {
        text.replace(&format!("{{{{{name}}}}}"), value)
    })
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_every_placeholder() {
        let out = render(
            "a={{A}} b={{B}} a={{A}}",
            &[("A", "1".into()), ("B", "two".into())],
        );
        assert_eq!(out, "a=1 b=two a=1");
    }
}
