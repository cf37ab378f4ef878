//! The gateway: RFC 7395 WebSockets bridged to RFC 6120 client-to-server
//! streams of any XMPP server.

pub mod addresses;
pub mod admission;
pub mod bridge;
pub mod budget;
pub mod client_frame;
pub mod domain;
pub mod fail;
pub mod fastpath;
pub mod meter;
pub mod ns;
pub mod policy;
pub mod server;
pub mod socket;
pub mod splitter;
pub mod stream;
pub mod stream_error;
pub mod throttle;
pub mod trust;
pub mod upstream;
pub mod xml;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::config::Config;
use crate::metrics::Metrics;
use admission::Limiter;
use policy::Policy;
use upstream::{Connector, SetupError};
use xml::ElementLimits;

/// Timeouts and limits of every session.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Element limits on what clients send.
    pub limits: ElementLimits,
    /// Element limits on what servers send: larger, for rosters and archives.
    pub server_limits: ElementLimits,
    /// From the upgrade to the first `<open/>`.
    pub open_timeout: Duration,
    /// From the upgrade to the bound session.
    pub preauth_timeout: Duration,
    /// From a stanza's first byte to its last.
    pub stanza_timeout: Duration,
    /// Without a word from the client (pongs included).
    pub idle_timeout: Duration,
    /// Between WebSocket pings.
    pub ping_interval: Duration,
}

impl Settings {
    /// The settings of `config`.
    pub fn new(config: &Config) -> Self {
        Self {
            limits: ElementLimits::new(config.max_stanza_bytes),
            server_limits: ElementLimits::new(config.max_server_stanza_bytes),
            open_timeout: config.timeouts.open,
            preauth_timeout: config.timeouts.preauth,
            stanza_timeout: config.timeouts.stanza,
            idle_timeout: config.timeouts.idle,
            ping_interval: config.timeouts.ping,
        }
    }
}

/// What every session shares.
#[derive(Debug)]
pub struct Gateway {
    /// Which domains and addresses may be reached.
    pub policy: Policy,
    /// DNS and TLS.
    pub connector: Connector,
    /// Connection caps.
    pub limiter: Limiter,
    /// Failed authentications per client address.
    pub throttle: throttle::AuthThrottle,
    /// Bytes of partial stanzas, all sessions together.
    pub budget: Arc<budget::Budget>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Timeouts and limits.
    pub settings: Settings,
    /// Turns true when the gateway shuts down.
    pub shutdown: watch::Receiver<bool>,
}

impl Gateway {
    /// The gateway of `config`; `shutdown` turning true ends every session
    /// with `system-shutdown`.
    pub fn new(
        config: &Config,
        metrics: Arc<Metrics>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, SetupError> {
        let settings = Settings::new(config);
        Ok(Self {
            policy: Policy::new(config),
            connector: Connector::new(
                trust::Trust::new(&config.ca_files, &config.private_cas)?,
                &config.dns_servers,
                config.timeouts,
                settings.limits,
            )?,
            limiter: Limiter::new(config.limits),
            throttle: throttle::AuthThrottle::default(),
            budget: budget::Budget::new(config.limits.buffer_budget),
            metrics,
            settings,
            shutdown,
        })
    }
}
