//! Request limits: per client address on the public and sign-in endpoints,
//! per API token on the REST API. A fixed one-minute window per key, kept in
//! this process: each replica enforces its own limit, which bounds abuse
//! without a shared store on the hot path. Sign-in has a second, shared limit
//! per email in the database (`super::auth::throttle`).

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Above this many tracked keys, finished windows are dropped first; if that
/// is not enough (a flood from very many addresses), the tenth of the keys
/// with the fewest requests go: they are furthest from their limit, and the
/// busiest keys (an abuser's) stay counted. Memory stays bounded and the
/// table never forgets everyone at once.
const MAX_TRACKED: usize = 200_000;

pub struct RateLimiter<K = IpAddr> {
    per_minute: u32,
    max_tracked: usize,
    windows: Mutex<HashMap<K, (Instant, u32)>>,
}

/// Removes the `count` keys with the fewest requests in their window.
fn evict_quietest<K: Hash + Eq>(windows: &mut HashMap<K, (Instant, u32)>, count: usize) {
    let mut counts: Vec<u32> = windows.values().map(|(_, n)| *n).collect();
    let count = count.min(counts.len());
    if count == 0 {
        return;
    }
    let (_, cutoff, _) = counts.select_nth_unstable(count - 1);
    let cutoff = *cutoff;
    let mut left = count;
    windows.retain(|_, (_, n)| {
        if left > 0 && *n <= cutoff {
            left -= 1;
            false
        } else {
            true
        }
    });
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn new(per_minute: u32) -> Self {
        Self::with_capacity(per_minute, MAX_TRACKED)
    }

    /// A limiter that tracks at most `max_tracked` keys.
    pub fn with_capacity(per_minute: u32, max_tracked: usize) -> Self {
        RateLimiter { per_minute, max_tracked: max_tracked.max(1), windows: Mutex::new(HashMap::new()) }
    }

    /// How many keys are tracked now.
    pub fn tracked(&self) -> usize {
        self.windows.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Counts one request; `Err(seconds)` tells how long to wait when over the limit.
    pub fn check(&self, key: K) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: K, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= self.max_tracked {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if windows.len() >= self.max_tracked {
                evict_quietest(&mut windows, self.max_tracked / 10 + 1);
            }
        }
        let (start, count) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            let wait = WINDOW.saturating_sub(now.duration_since(*start));
            return Err(wait.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// The address a request is counted against. Behind a reverse proxy
/// (`VOX_TRUST_PROXY=true`) that is the last address in `X-Forwarded-For`,
/// the one our proxy saw; otherwise the socket peer. IPv6 addresses count per
/// /64, since one subscriber usually holds a whole /64.
pub fn client_key(peer: IpAddr, forwarded_for: Option<&str>, trust_proxy: bool) -> IpAddr {
    let addr = if trust_proxy {
        forwarded_for
            .and_then(|v| v.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok())
            .unwrap_or(peer)
    } else {
        peer
    };
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_group_ipv6_and_follow_a_trusted_proxy() {
        let peer: IpAddr = "10.0.0.9".parse().unwrap();
        assert_eq!(client_key(peer, Some("1.2.3.4, 5.6.7.8"), true), "5.6.7.8".parse::<IpAddr>().unwrap());
        assert_eq!(client_key(peer, Some("1.2.3.4"), false), peer);
        assert_eq!(client_key(peer, Some("garbage"), true), peer);
        let a = client_key("2001:db8:1:2:aaaa::1".parse().unwrap(), None, false);
        let b = client_key("2001:db8:1:2:bbbb::2".parse().unwrap(), None, false);
        assert_eq!(a, b);
        assert_eq!(client_key("::ffff:1.2.3.4".parse().unwrap(), None, false), "1.2.3.4".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_flood_of_new_addresses_never_frees_a_busy_one() {
        let limiter = RateLimiter::<u32>::with_capacity(3, 1000);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(0, t0).is_ok());
        }
        assert!(limiter.check_at(0, t0).is_err(), "the abuser is at the limit");
        // Ten times the capacity of one-off addresses within the same window.
        for key in 1..10_000u32 {
            let _ = limiter.check_at(key, t0 + Duration::from_millis(u64::from(key)));
            assert!(limiter.tracked() <= 1000, "memory stays bounded");
        }
        assert!(limiter.check_at(0, t0 + Duration::from_secs(20)).is_err(), "still limited: never forgotten");
        assert!(limiter.tracked() > 500, "only the quietest keys were dropped");
    }

    #[test]
    fn limits_per_address_and_window() {
        let limiter = RateLimiter::<IpAddr>::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.check_at(a, t0).is_ok());
        assert!(limiter.check_at(a, t0).is_ok());
        let wait = limiter.check_at(a, t0 + Duration::from_secs(10)).unwrap_err();
        assert_eq!(wait, 50);
        assert!(limiter.check_at(b, t0).is_ok());
        assert!(limiter.check_at(a, t0 + WINDOW).is_ok());
    }
}
