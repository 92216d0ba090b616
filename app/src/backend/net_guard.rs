//! The SSRF guard for outgoing requests (webhook deliveries): receivers may
//! only be on public addresses, unless an operator allows a network
//! explicitly (`VOX_WEBHOOK_ALLOW_NETS`, e.g. for on-premises receivers).
//! Checked when a URL is saved, and again for every address DNS returns at
//! connection time, so a name that later resolves inside cannot slip through.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Clone, Debug, Default)]
pub struct NetGuard {
    allowed: Vec<IpNet>,
}

impl NetGuard {
    pub fn new(allowed: Vec<IpNet>) -> Self {
        NetGuard { allowed }
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allowed.iter().any(|net| net.contains(&ip)) || is_public(ip)
    }

    /// Checks a URL's host when it is an address literal or `localhost`;
    /// names are checked when they resolve.
    pub fn check_host(&self, url: &url::Url) -> Result<(), String> {
        match url.host() {
            Some(url::Host::Ipv4(v4)) => self.verdict(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => self.verdict(IpAddr::V6(v6)),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if name == "localhost" || name.ends_with(".localhost") {
                    // Resolves to loopback by definition.
                    self.verdict(IpAddr::V4(Ipv4Addr::LOCALHOST))
                } else {
                    Ok(())
                }
            }
            None => Err("the URL has no host".into()),
        }
    }

    /// The check when a destination is saved, so people learn of a refusal
    /// then rather than from a failed send: address literals and `localhost`
    /// at once, and a name that resolves only inside. A name that does not
    /// resolve yet is accepted (DNS may come later); every connection is
    /// checked again anyway.
    pub async fn check_on_save(&self, url: &url::Url) -> Result<(), String> {
        self.check_host(url)?;
        if let (Some(url::Host::Domain(name)), Some(port)) = (url.host(), url.port_or_known_default()) {
            if let Err(e) = self.resolve(name, port).await {
                if e.contains("not allowed") {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// Resolves `host` and keeps only permitted addresses; an error when none is.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<std::net::SocketAddr>, String> {
        let found: Vec<_> =
            tokio::net::lookup_host((host, port)).await.map_err(|e| format!("cannot resolve {host}: {e}"))?.collect();
        let permitted: Vec<_> = found.iter().copied().filter(|a| self.permits(a.ip())).collect();
        if permitted.is_empty() {
            return Err(format!(
                "{host} resolves only to addresses that are not allowed (private, loopback or reserved)"
            ));
        }
        Ok(permitted)
    }

    fn verdict(&self, ip: IpAddr) -> Result<(), String> {
        if self.permits(ip) {
            Ok(())
        } else {
            Err(format!("{ip} is a private, loopback or reserved address"))
        }
    }
}

/// True for globally routable unicast addresses; false for everything an
/// attacker could use to reach inside (loopback, private, link-local and the
/// cloud metadata address, CGNAT, multicast, reserved), including IPv6 forms
/// that embed such an IPv4 address (mapped, NAT64, 6to4, compatible).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // includes 169.254.169.254, the metadata service
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // CGNAT 100.64.0.0/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let embedded = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[0] == 0x64 && s[1] == 0xff9b {
        if s[2..6] != [0; 4] {
            return false; // local-use NAT64 64:ff9b:1::/48: the embedding varies, refuse it
        }
        return is_public_v4(embedded(s[6], s[7])); // well-known NAT64 64:ff9b::/96
    }
    if s[..4] == [0; 4] && s[4] == 0xffff && s[5] == 0 {
        return false; // IPv4-translated ::ffff:0:a.b.c.d
    }
    if s[0] == 0x2002 {
        return is_public_v4(embedded(s[1], s[2])); // 6to4
    }
    if s[..6] == [0; 6] {
        return false; // ::, ::1 and IPv4-compatible ::a.b.c.d
    }
    !(ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (incl. fd00:ec2::254)
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] < 0x0200)) // IETF protocol assignments, Teredo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn refuses_inside_addresses_in_every_spelling() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "::127.0.0.1",
            "ff02::1",
        ] {
            assert!(!is_public(ip(bad)), "{bad} must be refused");
        }
        for good in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34", "64:ff9b::5db8:d822"] {
            assert!(is_public(ip(good)), "{good} must be allowed");
        }
    }

    #[test]
    fn the_allow_list_opens_named_networks_only() {
        let guard = NetGuard::new(vec!["127.0.0.1/32".parse().unwrap()]);
        assert!(guard.permits(ip("127.0.0.1")));
        assert!(!guard.permits(ip("127.0.0.2")));
        let url = |u: &str| url::Url::parse(u).unwrap();
        assert!(guard.check_host(&url("http://127.0.0.1:8080/x")).is_ok());
        assert!(NetGuard::default().check_host(&url("http://localhost:8080/x")).is_err());
        assert!(NetGuard::default().check_host(&url("http://[::ffff:10.0.0.1]/x")).is_err());
        assert!(NetGuard::default().check_host(&url("https://hooks.example.com/x")).is_ok());
    }

    #[tokio::test]
    async fn resolution_drops_refused_addresses() {
        let err = NetGuard::default().resolve("localhost", 80).await.unwrap_err();
        assert!(err.contains("not allowed"), "{err}");
        let open = NetGuard::new(vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()]);
        assert!(!open.resolve("localhost", 80).await.unwrap().is_empty());
    }
}
