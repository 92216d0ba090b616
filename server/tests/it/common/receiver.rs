//! A real HTTP receiver for webhook tests: records every request and answers
//! with scripted statuses (then 200), optionally hanging.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Script {
    statuses: Arc<Mutex<VecDeque<u16>>>,
    hang: Option<Duration>,
    /// A delay for the first request only.
    hang_first: Arc<Mutex<Option<Duration>>>,
    seen: Arc<Mutex<Vec<Received>>>,
}

pub struct Receiver {
    pub url: String,
    seen: Arc<Mutex<Vec<Received>>>,
    hang_first: Arc<Mutex<Option<Duration>>>,
}

impl Receiver {
    /// Answers `statuses` in order, then 200 forever.
    pub async fn start(statuses: &[u16]) -> Receiver {
        Self::start_with(statuses, None).await
    }

    /// Answers only after `hang` (longer than the webhook timeout, to test it).
    pub async fn hanging(hang: Duration) -> Receiver {
        Self::start_with(&[], Some(hang)).await
    }

    /// Answers the first request only after `delay` (within the webhook
    /// timeout), so deliveries made meanwhile queue up behind it.
    pub async fn slow_first(delay: Duration) -> Receiver {
        let receiver = Self::start_with(&[], None).await;
        *receiver.hang_first.lock().unwrap() = Some(delay);
        receiver
    }

    async fn start_with(statuses: &[u16], hang: Option<Duration>) -> Receiver {
        let script =
            Script { statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())), hang, ..Default::default() };
        let hang_first = script.hang_first.clone();
        let seen = script.seen.clone();
        let app = Router::new().route("/hook", post(receive)).with_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, seen, hang_first }
    }

    pub fn received(&self) -> Vec<Received> {
        self.seen.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until at least `n` requests arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} webhook requests, got {}", self.received().len());
    }
}

async fn receive(State(script): State<Script>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    script.seen.lock().unwrap().push(Received { headers, body });
    let first_delay = script.hang_first.lock().unwrap().take();
    if let Some(hang) = script.hang.or(first_delay) {
        tokio::time::sleep(hang).await;
    }
    let status = script.statuses.lock().unwrap().pop_front().unwrap_or(200);
    (StatusCode::from_u16(status).unwrap(), "thanks")
}
