//! The client's address behind reverse proxies, for per-address limits.
//!
//! `X-Forwarded-For` is a list that every proxy appends the address it received the request
//! from to; its left end is whatever the client chose to write. So the list is read from the
//! right, starting at the connection's peer: each hop that is a trusted proxy is skipped, and
//! the first address that is not one is the client. Nothing the client wrote can be reached
//! while a trusted proxy stands to its right.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use ipnet::IpNet;

/// Which hops are trusted proxies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyTrust {
    /// `BAYANIHAN_TRUST_PROXY=true`: the peer is a proxy, whatever its address (one hop).
    pub peer_is_proxy: bool,
    /// `BAYANIHAN_TRUSTED_PROXIES`: every address in these ranges is a proxy.
    pub ranges: Vec<IpNet>,
}

impl ProxyTrust {
    /// Parses `BAYANIHAN_TRUSTED_PROXIES`: comma-separated CIDR ranges (`10.0.0.0/8`,
    /// `fd00::/8`) or single addresses.
    pub fn parse_ranges(raw: &str) -> Result<Vec<IpNet>, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map(|net| net.trunc())
                    .map_err(|_| format!("`{item}` is not an address range such as 10.0.0.0/8"))
            })
            .collect()
    }

    /// Whether `addr` is in a trusted range.
    fn in_ranges(&self, addr: IpAddr) -> bool {
        self.ranges.iter().any(|net| net.contains(&addr))
    }

    /// The client's address, given the connection's `peer` and the `X-Forwarded-For`
    /// entries in the order they were written (several headers joined in order).
    pub fn client<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    ) -> IpAddr {
        let peer = peer.to_canonical();
        if !(self.peer_is_proxy || self.in_ranges(peer)) {
            return peer;
        }
        let mut hop = peer;
        for entry in forwarded_for.rev() {
            // An entry no proxy would write: the client is not known beyond the last hop.
            let Some(addr) = parse_entry(entry) else {
                return hop;
            };
            hop = addr;
            if !self.in_ranges(addr) {
                return addr;
            }
        }
        // Every hop was a trusted proxy (or none was named): the farthest one is the client.
        hop
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:80`) or in brackets.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<IpAddr>().ok())
        })
        .map(|ip| ip.to_canonical())
}

/// The client's address of `req` (see the module documentation); `None` only when the
/// connection has no peer address (never on a real socket).
pub fn client_addr(req: &HttpRequest, trust: &ProxyTrust) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let name = HeaderName::from_static("x-forwarded-for");
    let entries: Vec<&str> = req
        .headers()
        .get_all(&name)
        .flat_map(|value| value.to_str().ok().into_iter().flat_map(|v| v.split(',')))
        .collect();
    Some(trust.client(peer, entries.into_iter()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trust(one_hop: bool, ranges: &str) -> ProxyTrust {
        ProxyTrust {
            peer_is_proxy: one_hop,
            ranges: ProxyTrust::parse_ranges(ranges).unwrap(),
        }
    }

    fn client(trust: &ProxyTrust, peer: &str, xff: &str) -> IpAddr {
        trust.client(ip(peer), xff.split(',').filter(|_| !xff.is_empty()))
    }

    #[test]
    fn without_trust_the_peer_is_the_client_whatever_the_header_says() {
        let none = ProxyTrust::default();
        assert_eq!(client(&none, "203.0.113.7", ""), ip("203.0.113.7"));
        assert_eq!(client(&none, "203.0.113.7", "1.1.1.1"), ip("203.0.113.7"));
        assert_eq!(
            client(&none, "127.0.0.1", "1.1.1.1, 2.2.2.2"),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn trust_proxy_true_means_one_hop() {
        let one = trust(true, "");
        // The proxy appended the address it saw; what the client wrote before it is ignored.
        assert_eq!(
            client(&one, "10.0.0.2", "6.6.6.6, 203.0.113.7"),
            ip("203.0.113.7")
        );
        assert_eq!(client(&one, "10.0.0.2", "203.0.113.7"), ip("203.0.113.7"));
        // Only one hop: a second proxy's address is taken as the client.
        assert_eq!(
            client(&one, "10.0.0.2", "203.0.113.7, 10.0.0.3"),
            ip("10.0.0.3")
        );
        // A request from the proxy itself (no header): the proxy is the client.
        assert_eq!(client(&one, "10.0.0.2", ""), ip("10.0.0.2"));
    }

    #[test]
    fn trusted_ranges_are_walked_from_the_right() {
        let lb = trust(false, "10.0.0.0/8, 192.168.1.1");
        assert_eq!(
            client(
                &lb,
                "10.0.0.2",
                "6.6.6.6, 203.0.113.7, 192.168.1.1, 10.9.9.9"
            ),
            ip("203.0.113.7")
        );
        // A forged trusted-looking entry left of the real client changes nothing.
        assert_eq!(
            client(&lb, "10.0.0.2", "10.1.1.1, 203.0.113.7"),
            ip("203.0.113.7")
        );
        // A peer outside the ranges is not a proxy: its header is not read at all.
        assert_eq!(
            client(&lb, "198.51.100.4", "203.0.113.7"),
            ip("198.51.100.4")
        );
        // Every hop trusted: the farthest is the client.
        assert_eq!(
            client(&lb, "10.0.0.2", "10.0.0.9, 10.0.0.8"),
            ip("10.0.0.9")
        );
        // 192.168.1.1 alone is trusted, not its neighbours.
        assert_eq!(client(&lb, "10.0.0.2", "192.168.1.2"), ip("192.168.1.2"));
    }

    #[test]
    fn odd_entries_stop_the_walk_at_the_last_known_hop() {
        let lb = trust(false, "10.0.0.0/8");
        assert_eq!(
            client(&lb, "10.0.0.2", "203.0.113.7, unknown"),
            ip("10.0.0.2")
        );
        assert_eq!(client(&lb, "10.0.0.2", "garbage, 10.0.0.5"), ip("10.0.0.5"));
        assert_eq!(client(&lb, "10.0.0.2", "203.0.113.7, "), ip("10.0.0.2"));
    }

    #[test]
    fn ports_brackets_ipv6_and_mapped_addresses_are_understood() {
        let lb = trust(false, "10.0.0.0/8, fd00::/8");
        assert_eq!(
            client(&lb, "10.0.0.2", " 203.0.113.7:5123 "),
            ip("203.0.113.7")
        );
        assert_eq!(
            client(&lb, "10.0.0.2", "[2001:db8::7]:443"),
            ip("2001:db8::7")
        );
        assert_eq!(client(&lb, "10.0.0.2", "[2001:db8::7]"), ip("2001:db8::7"));
        assert_eq!(
            client(&lb, "fd00::1", "2001:db8::7, fd12::3"),
            ip("2001:db8::7")
        );
        // An IPv4 peer seen through an IPv6 socket is still in the IPv4 range.
        assert_eq!(
            client(&lb, "::ffff:10.0.0.2", "203.0.113.7"),
            ip("203.0.113.7")
        );
        assert_eq!(
            client(&lb, "10.0.0.2", "::ffff:203.0.113.7"),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn ranges_are_parsed_or_refused_with_the_culprit_named() {
        assert_eq!(
            ProxyTrust::parse_ranges("10.0.0.0/8,::1, 172.16.5.4/12").unwrap(),
            vec![
                "10.0.0.0/8".parse::<IpNet>().unwrap(),
                "::1/128".parse().unwrap(),
                "172.16.0.0/12".parse().unwrap(),
            ]
        );
        assert!(ProxyTrust::parse_ranges("").unwrap().is_empty());
        let err = ProxyTrust::parse_ranges("10.0.0.0/8, localhost").unwrap_err();
        assert!(err.contains("localhost"), "{err}");
        assert!(ProxyTrust::parse_ranges("10.0.0.0/33").is_err());
    }
}
