//! Who is on the other end of a request, as far as security decisions go:
//! the client address (the same proxy-aware key the rate limits use) and the
//! accounts this browser has signed in to before (the device cookie). Built
//! by each door (REST extractor, server-function context) from the request.

use super::device::DEVICE_COOKIE;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address as the rate limits count it (an IPv6 /64 as one).
    pub address: String,
    /// The `vox_device` cookie's value, if the browser sent one.
    pub device_cookie: Option<String>,
}

impl ClientInfo {
    /// From the socket peer, `X-Forwarded-For` (trusted only behind our own
    /// proxy) and the `Cookie` header.
    pub fn from_request(
        peer: Option<std::net::IpAddr>,
        forwarded_for: Option<&str>,
        cookie_header: Option<&str>,
        trust_proxy: bool,
    ) -> ClientInfo {
        let address = match peer {
            Some(peer) => crate::backend::rate_limit::client_key(peer, forwarded_for, trust_proxy).to_string(),
            None => "unknown".to_string(),
        };
        let device_cookie = cookie_header.and_then(|header| {
            header
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(name, value)| *name == DEVICE_COOKIE && !value.is_empty())
                .map(|(_, value)| value.to_string())
        });
        ClientInfo { address, device_cookie }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_key_and_the_device_cookie() {
        let peer = "10.0.0.9".parse().ok();
        let c = ClientInfo::from_request(peer, Some("1.2.3.4"), Some("a=1; vox_device=abc.def; b=2"), true);
        assert_eq!(c.address, "1.2.3.4");
        assert_eq!(c.device_cookie.as_deref(), Some("abc.def"));
        let c = ClientInfo::from_request(peer, Some("1.2.3.4"), None, false);
        assert_eq!(c.address, "10.0.0.9");
        assert_eq!(c.device_cookie, None);
    }
}
