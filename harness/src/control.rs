//! A control port for tests that run in other processes: one command a
//! line, answered `ok` once done or `error: …`.
//!
//! - `gateway crash`: SIGKILL the gateway, then start it again.
//! - `gateway restart`: SIGTERM (it ends its sessions with
//!   `system-shutdown`), then start it again.
//! - `prosody restart`: stop Prosody and start it again on the same data.
//! - `replica kill N`: SIGKILL replica N behind nginx, and leave it dead.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::{HarnessError, Servers, Stop};

/// Servers the control port acts on; `None` once they are stopped.
pub type Shared = Arc<Mutex<Option<Servers>>>;

/// Listens on a free loopback port, in a thread that lives as long as the
/// harness process; returns the port.
pub fn listen(servers: Shared) -> Result<u16, HarnessError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| HarnessError::io("bind control port", e))?;
    let port = listener
        .local_addr()
        .map_err(|e| HarnessError::io("control port address", e))?
        .port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            answer(conn, &servers);
        }
    });
    Ok(port)
}

fn answer(conn: TcpStream, servers: &Shared) {
    let mut line = String::new();
    let Ok(reader) = conn.try_clone() else { return };
    if BufReader::new(reader).read_line(&mut line).is_err() {
        return;
    }
    let reply = match run(line.trim(), servers) {
        Ok(()) => "ok\n".to_owned(),
        Err(e) => format!("error: {e}\n"),
    };
    let _ = (&conn).write_all(reply.as_bytes());
}

fn run(command: &str, servers: &Shared) -> Result<(), String> {
    let mut guard = servers.lock().unwrap_or_else(|e| e.into_inner());
    let servers = guard.as_mut().ok_or("the servers are stopped")?;
    match command {
        "gateway crash" | "gateway restart" => {
            let stop = if command.ends_with("crash") {
                Stop::Crash
            } else {
                Stop::Graceful
            };
            let gateway = servers.gateway.as_mut().ok_or("no gateway")?;
            gateway.restart(stop).map_err(|e| e.to_string())
        }
        "prosody restart" => servers.prosody.restart().map_err(|e| e.to_string()),
        other => match other.strip_prefix("replica kill ").map(str::parse::<usize>) {
            Some(Ok(n)) => {
                let balancer = servers.balancer.as_mut().ok_or("no replicas")?;
                let replica = balancer.replicas.get_mut(n).ok_or("no such replica")?;
                replica.kill();
                Ok(())
            }
            _ => Err(format!("unknown command {other:?}")),
        },
    }
}
