//! The page's XMPP session over the transport: signing in and out,
//! commands, and what the session lets the page keep.

use parlons_shared::session::mam::Position;
use parlons_shared::session::{Command, Config, Session};

use super::{Client, Login, StartError, TICK, now_ms, random, storage, with_transport};
use leptos::prelude::set_interval_with_handle;
use std::rc::Rc;

/// Whether PLAIN may be used: only over TLS, or to a gateway on this
/// machine.
fn is_secure(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
    url.starts_with("wss://")
        || host.starts_with("127.")
        || host.starts_with("localhost:")
        || host == "localhost"
        || host.starts_with("[::1]")
}

impl Client {
    /// Starts a new session, ending any other.
    pub fn sign_in(&self, login: Login) -> Result<(), StartError> {
        self.sign_out();
        let id_prefix = random::token(8).ok_or(StartError::NoRandomness)?;
        let device_id = device_id().ok_or(StartError::NoRandomness)?;
        let session = Session::new(Config {
            jid: login.jid,
            credential: login.credential,
            secure_transport: is_secure(&login.url),
            id_prefix,
            device_id,
        });
        let session = match login.kept {
            Some((ver, archive)) => session.with_roster_version(ver).with_archive_position(archive),
            None => session,
        };
        self.start(session, login.url)?;
        self.start_clock();
        Ok(())
    }

    /// Hands a command to the session.
    pub fn command(&self, command: Command) {
        self.with_machine(|s| s.handle_command(command));
    }

    /// Ends the session cleanly and forgets it.
    pub fn sign_out(&self) {
        self.command(Command::Disconnect);
        self.stop();
    }

    /// The SCRAM keys of the signed-in account, encoded, to keep a sign-in.
    pub fn scram_keys(&self) -> Option<String> {
        let inner = self.inner.borrow();
        inner.machine.as_ref()?.scram_keys().map(|k| k.encode())
    }

    /// The roster's version and how far the archive was read, for the
    /// offline store.
    pub fn sync_state(&self) -> Option<(Option<String>, Position)> {
        let inner = self.inner.borrow();
        let s = inner.machine.as_ref()?;
        Some((
            s.roster_version().map(str::to_owned),
            s.archive_position().clone(),
        ))
    }

    fn start_clock(&self) {
        let weak = Rc::downgrade(&self.inner);
        let handle = set_interval_with_handle(
            move || with_transport(&weak, |c: &Client| c.command(Command::Tick { now_ms: now_ms() })),
            TICK,
        )
        .ok();
        self.inner.borrow_mut().tick = handle;
        self.command(Command::Tick { now_ms: now_ms() });
    }
}

/// This device's stable id, made once.
fn device_id() -> Option<uuid::Uuid> {
    if let Some(id) = storage::get(storage::key::DEVICE).and_then(|s| uuid::Uuid::parse_str(&s).ok()) {
        return Some(id);
    }
    let id = random::uuid()?;
    storage::set(storage::key::DEVICE, &id.to_string());
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::is_secure;

    #[test]
    fn plain_is_allowed_only_over_tls_or_loopback() {
        assert!(is_secure("wss://chat.example.org/xmpp-websocket"));
        assert!(is_secure("ws://127.0.0.1:8080/xmpp-websocket"));
        assert!(is_secure("ws://localhost:8080/xmpp-websocket"));
        assert!(is_secure("ws://[::1]:8080/xmpp-websocket"));
        assert!(!is_secure("ws://chat.example.org/xmpp-websocket"));
        assert!(!is_secure("ws://localhost.evil.test/xmpp-websocket"));
    }
}
