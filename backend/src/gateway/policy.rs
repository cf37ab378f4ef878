//! Which domains and addresses the gateway may connect to.
//!
//! In open mode every resolved address is vetted, so that the gateway cannot
//! be used to reach the operator's own network. Domains the operator allows
//! or overrides are trusted as they are.

use std::collections::BTreeMap;

use crate::config::{Config, UpstreamTarget};

/// Why a domain or address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Not in the allowed list.
    #[error("{0} is not served by this gateway")]
    NotAllowed(String),
    /// Resolves to an address the gateway will not reach.
    #[error("{0} resolves only to addresses this gateway does not connect to")]
    ForbiddenAddress(String),
}

/// How to reach a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The operator's fixed address for it.
    Override(UpstreamTarget),
    /// Look it up in DNS; `vet` says whether the answers must be vetted.
    Resolve {
        /// Vet every address (open mode).
        vet: bool,
    },
}

/// The domain policy, built from the configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    overrides: BTreeMap<String, UpstreamTarget>,
    allowed: Vec<String>,
}

impl Policy {
    /// The policy of `config`.
    pub fn new(config: &Config) -> Self {
        Self {
            overrides: config.upstreams.clone(),
            allowed: config.allow_domains.clone(),
        }
    }

    /// Whether the gateway serves only its allowed domains.
    pub fn is_organisation_mode(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// How to reach `domain` (already normalised), if at all.
    pub fn route(&self, domain: &str) -> Result<Route, PolicyError> {
        if self.is_organisation_mode() && !self.allowed.iter().any(|d| d == domain) {
            return Err(PolicyError::NotAllowed(domain.to_owned()));
        }
        if let Some(target) = self.overrides.get(domain) {
            return Ok(Route::Override(target.clone()));
        }
        Ok(Route::Resolve {
            vet: !self.is_organisation_mode(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Security;

    fn config(allow: &[&str]) -> Config {
        let mut c = Config {
            allow_domains: allow.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        };
        c.upstreams.insert(
            "corp.example".into(),
            UpstreamTarget {
                host: "10.0.0.5".into(),
                port: 5222,
                security: Security::StartTls,
            },
        );
        c
    }

    #[test]
    fn open_mode_resolves_and_vets() {
        let p = Policy::new(&config(&[]));
        assert_eq!(p.route("jabber.org"), Ok(Route::Resolve { vet: true }));
        assert!(matches!(p.route("corp.example"), Ok(Route::Override(_))));
    }

    #[test]
    fn organisation_mode_trusts_only_its_domains() {
        let p = Policy::new(&config(&["corp.example", "chat.example"]));
        assert_eq!(
            p.route("jabber.org"),
            Err(PolicyError::NotAllowed("jabber.org".into()))
        );
        assert_eq!(p.route("chat.example"), Ok(Route::Resolve { vet: false }));
        assert!(matches!(p.route("corp.example"), Ok(Route::Override(_))));
    }
}
