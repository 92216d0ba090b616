//! A real SMTP server for a test: `end2end/support/smtp_sink.py` (aiosmtpd)
//! in its own process, stopped when the sink is dropped. Messages are read
//! back over the sink's small HTTP API.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct SmtpSink {
    child: Child,
    /// `smtp://127.0.0.1:<port>`, for `VOX_SMTP_URL`.
    pub url: String,
    api: String,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        Self::start_slow(0)
    }

    /// A sink that takes `delay_ms` to accept each message.
    pub fn start_slow(delay_ms: u32) -> SmtpSink {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/support/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(format!("--delay-ms={delay_ms}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 end2end/support/smtp_sink.py (needs `pip install aiosmtpd`)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.first(), Some(&"ready"), "the SMTP sink did not start: {line:?} (is aiosmtpd installed?)");
        SmtpSink { url: format!("smtp://127.0.0.1:{}", parts[1]), api: format!("http://127.0.0.1:{}", parts[2]), child }
    }

    pub async fn messages_to(&self, address: &str) -> Vec<Value> {
        let url = format!("{}/messages?to={}", self.api, address);
        reqwest::get(url).await.unwrap().json().await.unwrap()
    }

    /// Waits (up to 20 s) until `address` has at least `count` messages.
    pub async fn wait_for(&self, address: &str, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            let found = self.messages_to(address).await;
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{address} did not receive {count} message(s) within 20 s");
    }

    /// The messages to `address` whose text holds a link with `path` (say
    /// `/reset-password/`), once there are at least `count` of them (up to
    /// 20 s); other mail to the address (a sign-up's confirmation) is left out.
    pub async fn wait_for_link(&self, address: &str, path: &str, count: usize) -> Vec<Value> {
        for _ in 0..200 {
            let found: Vec<Value> = self
                .messages_to(address)
                .await
                .into_iter()
                .filter(|m| m["text"].as_str().is_some_and(|text| text.contains(path)))
                .collect();
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{address} did not receive {count} message(s) with a {path} link within 20 s");
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
