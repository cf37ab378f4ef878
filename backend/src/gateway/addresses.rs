//! RFC 6890 and the IANA special-purpose address registries: which
//! addresses are public unicast ones, that open mode may connect to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether an address found in DNS may be connected to in open mode: a
/// public unicast address, on port 443 or an unprivileged port.
pub fn is_public(addr: SocketAddr) -> bool {
    let port_ok = addr.port() == 443 || addr.port() >= 1024;
    port_ok && is_public_ip(addr.ip())
}

/// Whether `ip` is a public unicast address.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const SPECIAL: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),       // "this network"
        ([10, 0, 0, 0], 8),      // private
        ([100, 64, 0, 0], 10),   // carrier-grade NAT
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local, cloud metadata
        ([172, 16, 0, 0], 12),   // private
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // documentation
        ([192, 88, 99, 0], 24),  // 6to4 relay anycast
        ([192, 168, 0, 0], 16),  // private
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // documentation
        ([203, 0, 113, 0], 24),  // documentation
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, broadcast
    ];
    !SPECIAL.iter().any(|(net, bits)| in_v4(ip, *net, *bits))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    const SPECIAL: &[(u128, u32)] = &[
        (0, 96),                                         // unspecified, loopback, IPv4-compatible
        (0xffff_0000_0000, 96),                          // IPv4-mapped
        (0x0064_ff9b_0000_0000_0000_0000_0000_0000, 96), // NAT64
        (0x0064_ff9b_0001_0000_0000_0000_0000_0000, 48), // local-use NAT64
        (0x0100_0000_0000_0000_0000_0000_0000_0000, 64), // discard
        (0x2001_0000_0000_0000_0000_0000_0000_0000, 32), // Teredo
        (0x2001_0db8_0000_0000_0000_0000_0000_0000, 32), // documentation
        (0x2002_0000_0000_0000_0000_0000_0000_0000, 16), // 6to4
        (0xfc00_0000_0000_0000_0000_0000_0000_0000, 7),  // unique local
        (0xfe80_0000_0000_0000_0000_0000_0000_0000, 10), // link-local
        (0xfec0_0000_0000_0000_0000_0000_0000_0000, 10), // site-local
        (0xff00_0000_0000_0000_0000_0000_0000_0000, 8),  // multicast
    ];
    let bits = u128::from(ip);
    !SPECIAL.iter().any(|(net, len)| {
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        bits & mask == net & mask
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vets_special_addresses() {
        for bad in [
            "127.0.0.1:5222",
            "10.1.2.3:5222",
            "172.20.0.1:5222",
            "192.168.1.1:5222",
            "169.254.169.254:5222",
            "100.64.0.1:5222",
            "0.0.0.0:5222",
            "224.0.0.1:5222",
            "255.255.255.255:5222",
            "[::1]:5222",
            "[::]:5222",
            "[::ffff:127.0.0.1]:5222",
            "[::ffff:8.8.8.8]:5222",
            "[64:ff9b::a00:1]:5222",
            "[fd00::1]:5222",
            "[fe80::1]:5222",
            "[ff02::1]:5222",
            "[2001:db8::1]:5222",
            "93.184.216.34:22",
            "93.184.216.34:80",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
        for good in [
            "93.184.216.34:5222",
            "93.184.216.34:443",
            "[2a01:4f8::1]:5223",
            "8.8.8.8:5269",
        ] {
            assert!(is_public(good.parse().unwrap()), "{good}");
        }
    }
}
