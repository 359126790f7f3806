//! Address ranges: each known crawler's published networks, and the corporate proxies a
//! network knows. An address that does not parse is in no range.

use std::net::IpAddr;

use ipnet::IpNet;

/// Networks parsed as Python's `ipaddress.ip_network(cidr, strict=False)` (host bits dropped;
/// an address without a prefix is a /32 or /128).
#[derive(Clone, Debug, Default)]
pub struct NetList(Vec<IpNet>);

impl NetList {
    pub fn parse<I: IntoIterator<Item = S>, S: AsRef<str>>(cidrs: I) -> Result<Self, String> {
        let mut out = Vec::new();
        for c in cidrs {
            let c = c.as_ref().trim();
            let net = match c.parse::<IpNet>() {
                Ok(n) => n.trunc(),
                Err(_) => match c.parse::<IpAddr>() {
                    Ok(a) => IpNet::from(a),
                    Err(_) => return Err(format!("{c:?} is not an IP network")),
                },
            };
            out.push(net);
        }
        Ok(NetList(out))
    }

    /// Whether `ip` parses and lies in one of the networks.
    pub fn contains(&self, ip: Option<&str>) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let Some(addr) = ip.and_then(|s| s.parse::<IpAddr>().ok()) else {
            return false;
        };
        self.0.iter().any(|n| n.contains(&addr))
    }
}

/// One known crawler: `token` (matched case-insensitively anywhere in the User-Agent).
#[derive(Clone, Debug)]
pub struct Crawler {
    pub name: String,
    pub token_lower: String,
    pub category: String,
    pub networks: NetList,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_as_python_reads_them() {
        let nets = NetList::parse(["66.249.64.0/19", "2001:4860:4801::/48", "10.1.2.3/8", "192.0.2.7"]).unwrap();
        assert!(nets.contains(Some("66.249.70.1")));
        assert!(nets.contains(Some("2001:4860:4801::5")));
        assert!(nets.contains(Some("10.200.0.1"))); // strict=False: host bits dropped
        assert!(nets.contains(Some("192.0.2.7")) && !nets.contains(Some("192.0.2.8")));
        assert!(!nets.contains(Some("not an ip")) && !nets.contains(None));
        assert!(NetList::parse(["nope/3"]).is_err());
    }
}
