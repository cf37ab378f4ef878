//! The client's address behind reverse proxies: `X-Forwarded-For` is
//! believed only from the `trusted-proxies`, given as addresses or CIDR
//! ranges (`10.0.0.0/8`, `fd00::/8`).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use http::HeaderMap;
use ipnet::IpNet;

/// A trusted proxy: one address, or a CIDR range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyRange(IpNet);

impl ProxyRange {
    /// Whether `ip` is in the range; an IPv4-mapped IPv6 address counts as
    /// the IPv4 address it maps.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

/// Why a `trusted-proxies` entry does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither an IP address nor a CIDR range such as 10.0.0.0/8")]
pub struct ProxyRangeError(String);

impl FromStr for ProxyRange {
    type Err = ProxyRangeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let net = match s.parse::<IpAddr>() {
            Ok(ip) => IpNet::from(ip.to_canonical()),
            Err(_) => s.parse::<IpNet>().map_err(|_| ProxyRangeError(s.to_owned()))?,
        };
        // An IPv4-mapped range is written as the IPv4 range it maps.
        let net = match net {
            IpNet::V6(v6) => match v6.addr().to_ipv4_mapped() {
                Some(v4) if v6.prefix_len() >= 96 => IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96)
                    .map_err(|_| ProxyRangeError(s.to_owned()))?,
                _ => net,
            },
            IpNet::V4(_) => net,
        };
        Ok(Self(net.trunc()))
    }
}

impl fmt::Display for ProxyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> serde::Deserialize<'de> for ProxyRange {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether `ip` is one of the trusted proxies.
pub fn is_trusted_proxy(ip: IpAddr, trusted: &[ProxyRange]) -> bool {
    trusted.iter().any(|r| r.contains(ip))
}

/// The client's address: the peer's, or from `X-Forwarded-For` when the peer
/// is a trusted proxy: walking from the right, the first address that is not
/// a trusted proxy. An entry that does not parse ends the walk: what stands
/// left of it came from the client and proves nothing.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[ProxyRange]) -> Option<IpAddr> {
    let mut client = peer?.to_canonical();
    if !is_trusted_proxy(client, trusted) {
        return Some(client);
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in entries.into_iter().rev() {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted_proxy(client, trusted) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Request headers from name and value pairs.
    pub(crate) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn ranges(list: &[&str]) -> Vec<ProxyRange> {
        list.iter().map(|r| r.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.2")]);
        let trusted = ranges(&["10.0.0.1", "10.0.0.2"]);
        assert_eq!(client_ip(Some(proxy), &h, &trusted), Some(ip("198.51.100.7")));
        // An untrusted peer cannot claim another address.
        let peer = ip("203.0.113.9");
        assert_eq!(client_ip(Some(peer), &h, &trusted), Some(peer));
        assert_eq!(client_ip(Some(proxy), &HeaderMap::new(), &trusted), Some(proxy));
        // A dual-stack listener sees the proxy IPv4-mapped.
        let mapped = ip("::ffff:10.0.0.1");
        assert_eq!(client_ip(Some(mapped), &h, &trusted), Some(ip("198.51.100.7")));
        // Garbage ends the walk at the last trusted hop.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, garbage:80")]);
        assert_eq!(client_ip(Some(proxy), &h, &trusted), Some(proxy));
    }

    #[test]
    fn ranges_trust_every_address_inside_them() {
        let trusted = ranges(&["10.0.0.0/8", "fd00::/8", "::ffff:192.168.0.0/112"]);
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.200.3.4")]);
        for peer in ["10.1.2.3", "::ffff:10.9.9.9", "fd12::1", "192.168.3.4"] {
            assert_eq!(
                client_ip(Some(ip(peer)), &h, &trusted),
                Some(ip("198.51.100.7")),
                "{peer}"
            );
        }
        for peer in ["11.0.0.1", "fe80::1", "192.169.0.1"] {
            assert_eq!(client_ip(Some(ip(peer)), &h, &trusted), Some(ip(peer)), "{peer}");
        }
        // Host bits set are ignored, as in `10.1.2.3/8`.
        assert_eq!(
            "10.1.2.3/8".parse::<ProxyRange>().unwrap().to_string(),
            "10.0.0.0/8"
        );
    }

    #[test]
    fn the_setting_reads_addresses_and_ranges() {
        #[derive(serde::Deserialize)]
        struct File {
            proxies: Vec<ProxyRange>,
        }
        let file: File = toml::from_str(r#"proxies = ["127.0.0.1", "10.0.0.0/8", "::1"]"#).unwrap();
        assert_eq!(file.proxies, ranges(&["127.0.0.1/32", "10.0.0.0/8", "::1/128"]));
        let bad = toml::from_str::<File>(r#"proxies = ["10.0.0.0/99"]"#)
            .err()
            .unwrap();
        assert!(bad.to_string().contains("CIDR"), "{bad}");
    }

    #[test]
    fn entries_that_are_no_range_are_refused() {
        for bad in ["10.0.0.0/33", "example.org", "10.0.0", "", "fd00::/129"] {
            let e = bad.parse::<ProxyRange>().unwrap_err();
            assert!(e.to_string().contains("CIDR"), "{bad}: {e}");
        }
    }
}
