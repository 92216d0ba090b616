//! The load generators: a closed loop of concurrent clients at full speed,
//! and a fixed rate; both report throughput and latency percentiles.

use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) const CONCURRENCY: usize = 32;
pub(crate) const RUN_FOR: Duration = Duration::from_secs(8);
pub(crate) const WARM_UP: Duration = Duration::from_secs(1);

/// Throughput and latency of one workload.
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    pub(crate) per_second: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: u64,
}

impl Measured {
    pub(crate) fn json(&self) -> Value {
        json!({"perSecond": round(self.per_second), "p50Ms": round(self.p50_ms), "p99Ms": round(self.p99_ms), "errors": self.errors})
    }
}

pub(crate) fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram bounds")
}

/// What one request of a workload is: built fresh for each call.
pub(crate) type MakeRequest = Arc<dyn Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// Sends request `n` and reads the whole body; true when the status is `expect`.
async fn send_one(client: &reqwest::Client, make: &MakeRequest, n: u64, expect: u16) -> bool {
    match make(client, n).send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let _ = res.bytes().await;
            status == expect
        }
        Err(_) => false,
    }
}

/// Closed loop: `CONCURRENCY` workers send back-to-back requests for
/// `RUN_FOR` (after a warm-up that is not counted).
pub(crate) async fn closed_loop(client: &reqwest::Client, make: MakeRequest, expect: u16) -> Measured {
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let merged = Arc::new(Mutex::new(histogram()));
    let start = Instant::now();
    let measure_from = start + WARM_UP;
    let stop = measure_from + RUN_FOR;
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, make, counter, errors, merged) =
            (client.clone(), make.clone(), counter.clone(), errors.clone(), merged.clone());
        workers.push(tokio::spawn(async move {
            let mut local = histogram();
            let mut done = 0u64;
            while Instant::now() < stop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let sent = Instant::now();
                let ok = send_one(&client, &make, n, expect).await;
                if sent < measure_from {
                    continue;
                }
                if ok {
                    let _ = local.record(sent.elapsed().as_micros() as u64);
                    done += 1;
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            merged.lock().unwrap().add(&local).unwrap();
            done
        }));
    }
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap_or(0);
    }
    let h = merged.lock().unwrap();
    Measured {
        per_second: total as f64 / RUN_FOR.as_secs_f64(),
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        errors: errors.load(Ordering::Relaxed),
    }
}

/// Open loop at a fixed rate: latency counts from when each request was due,
/// so a stalled server cannot hide its queue (no coordinated omission).
pub(crate) async fn fixed_rate(client: &reqwest::Client, make: MakeRequest, expect: u16, rate: u64) -> Measured {
    let merged = Arc::new(Mutex::new(histogram()));
    let errors = Arc::new(AtomicU64::new(0));
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = Instant::now();
    let total = (rate as f64 * RUN_FOR.as_secs_f64()) as u64;
    let mut tasks = Vec::with_capacity(total as usize);
    for n in 0..total {
        let due = start + interval * n as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, make, merged, errors) = (client.clone(), make.clone(), merged.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let ok = send_one(&client, &make, n, expect).await;
            if ok {
                let _ = merged.lock().unwrap().record(due.elapsed().as_micros() as u64);
            } else {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let h = merged.lock().unwrap();
    Measured {
        per_second: h.len() as f64 / start.elapsed().as_secs_f64(),
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        errors: errors.load(Ordering::Relaxed),
    }
}
