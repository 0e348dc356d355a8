//! Who is calling: the TCP peer, or the client a trusted reverse proxy names in `X-Forwarded-For`.

use std::net::IpAddr;

use crate::Config;

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the last
/// address of `X-Forwarded-For` that is not a trusted proxy (the one the nearest trusted proxy
/// saw; what a client wrote before it cannot be told from a lie).
pub fn client_address(config: &Config, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
    if !config.trusted_proxies.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !config.trusted_proxies.contains(&ip) {
                    break;
                }
            }
            // A hop that is not an address: stop at the last one that was.
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        let direct = Config::default();
        // Without trusted proxies the header is whatever a client wrote: ignored.
        assert_eq!(
            client_address(&direct, ip("10.1.1.9"), Some("1.2.3.4")),
            ip("10.1.1.9")
        );
        let behind = Config {
            trusted_proxies: vec![ip("10.0.0.1"), ip("10.0.0.2")],
            ..Config::default()
        };
        // Through two proxies: the address the outer proxy saw, not what the client claimed.
        assert_eq!(
            client_address(
                &behind,
                ip("10.0.0.1"),
                Some("6.6.6.6, 192.168.5.7, 10.0.0.2")
            ),
            ip("192.168.5.7")
        );
        // A client talking to us directly cannot choose its address.
        assert_eq!(
            client_address(&behind, ip("192.168.5.7"), Some("10.9.9.9")),
            ip("192.168.5.7")
        );
        // No header, or garbage after the proxy's own hop.
        assert_eq!(
            client_address(&behind, ip("10.0.0.1"), None),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_address(&behind, ip("10.0.0.1"), Some("not-an-ip")),
            ip("10.0.0.1")
        );
        let file = tempfile::tempdir().expect("tmp");
        let path = file.path().join("c.toml");
        std::fs::write(&path, "trusted_proxies = [\"10.0.0.1\"]\n").expect("write");
        assert_eq!(
            Config::from_file(&path).expect("read").trusted_proxies,
            vec![ip("10.0.0.1")]
        );
    }
}
