//! Test harness: starts the real server on 127.0.0.1:0 with a fresh database.
//!
//! The backend comes from `VOX_TEST_DATABASE`: `sqlite` (default; a new file
//! per test) or `postgres` (a new database per test, created through
//! `TEST_DATABASE_URL`, e.g. postgres://postgres@127.0.0.1:5432/postgres).

#![allow(dead_code)]

pub mod receiver;
pub mod smtp;
pub mod webhooks;

use app::backend::config::Config;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub struct TestApp {
    /// The running server's shared state, for reaching behind the HTTP API in tests.
    pub state: app::backend::AppState,
    pub addr: SocketAddr,
    pub base: String,
    pub database_url: String,
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A database URL for one test, created fresh.
pub async fn fresh_database_url() -> String {
    match std::env::var("VOX_TEST_DATABASE").as_deref() {
        Ok("postgres") => {
            let admin = std::env::var("TEST_DATABASE_URL")
                .expect("VOX_TEST_DATABASE=postgres needs TEST_DATABASE_URL (an admin connection URL)");
            let name = format!("vox_test_{}", random_suffix());
            sqlx::any::install_default_drivers();
            let mut conn =
                <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
            let (base, _) = admin.rsplit_once('/').expect("TEST_DATABASE_URL ends in /database");
            format!("{base}/{name}")
        }
        Ok("sqlite") | Err(_) => {
            let dir = std::env::temp_dir().join("vox-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/{}.db", dir.display(), random_suffix())
        }
        Ok(other) => panic!("VOX_TEST_DATABASE must be sqlite or postgres, not {other:?}"),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server; `adjust` may change the configuration first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let database_url = fresh_database_url().await;
    spawn_on(database_url, adjust).await
}

/// The secret every test server uses, so tests can mint tokens themselves.
pub const TEST_SECRET: &str = "test secret key, long enough to be accepted";

/// Another server process on the same database: a second replica.
pub async fn spawn_replica(of: &TestApp) -> TestApp {
    spawn_on(of.database_url.clone(), |_| {}).await
}

/// A second replica with its own configuration changes.
pub async fn spawn_replica_with(of: &TestApp, adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_on(of.database_url.clone(), adjust).await
}

async fn spawn_on(database_url: String, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = database_url.clone();
    let mut config = Config::from_lookup(|name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "VOX_ADDR" => Some(addr.to_string()),
        "VOX_LOG" => Some("warn".into()),
        "VOX_SECRET_KEY" => Some(TEST_SECRET.into()),
        // Local receivers in tests; fast retries, short timeouts.
        "VOX_WEBHOOK_ALLOW_NETS" => Some("127.0.0.1/32".into()),
        "VOX_WEBHOOK_ALLOW_HTTP" => Some("true".into()),
        "VOX_WEBHOOK_RETRY_SCHEDULE" => Some("1,1,1".into()),
        "VOX_WEBHOOK_TIMEOUT_MS" => Some("1500".into()),
        _ => None,
    })
    .unwrap();
    adjust(&mut config);
    let state = server::build_state(config).await.expect("server state");
    let served = state.clone();
    tokio::spawn(async move {
        server::serve(listener, served, std::future::pending()).await.unwrap();
    });
    TestApp { state, addr, base: format!("http://{addr}"), database_url }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client that keeps cookies (a browser session) and does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// Signs up a new user and organisation; returns their cookie-holding client.
    pub async fn signed_in(&self, org: &str) -> Client {
        let client = self.client();
        let email = format!("{}-{}@example.com", org.to_lowercase().replace(' ', "-"), random_suffix());
        let res = client
            .post(self.url("/api/auth/signup"))
            .json(&json!({"email": email, "password": "a long password", "organizationName": org}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "signup: {}", res.text().await.unwrap());
        client
    }

    /// Creates a published survey with an NPS question `q1` (required) and a text question `q2`.
    pub async fn published_survey(&self, client: &Client) -> String {
        let res = client
            .post(self.url("/api/surveys"))
            .json(&json!({
                "name": "After checkout",
                "status": "published",
                "questions": [
                    {"id": "q1", "type": "nps", "title": "How likely are you to recommend us?", "required": true},
                    {"id": "q2", "type": "text", "title": "What could we do better?", "multiline": true}
                ]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
    }

    /// Submits a completed response to `survey` as a visitor would (the public client API).
    pub async fn submit_completed(&self, survey: &str, answers: Value) -> Response {
        self.client()
            .post(self.url(&format!("/api/client/surveys/{survey}/responses")))
            .json(&json!({"answers": answers, "completed": true}))
            .send()
            .await
            .unwrap()
    }
}

/// GETs `url`, asserts 200 and returns the JSON body.
pub async fn get_json(client: &Client, url: String) -> Value {
    let res = client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "GET {url}");
    res.json().await.unwrap()
}

/// Asserts a problem+json response with `status`; returns its body.
pub async fn expect_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["code"].is_string() && body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

/// The field names in a problem's `errors` list.
pub fn problem_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or(vec![], |errors| errors.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
}

/// Creates an API token through the session API; returns (id, JWT).
pub async fn create_token(app: &TestApp, session: &Client, scopes: &[&str]) -> (String, String) {
    let res = session
        .post(app.url("/api/tokens"))
        .json(&json!({"title": "test token", "scopes": scopes}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    (body["id"].as_str().unwrap().to_string(), body["token"].as_str().unwrap().to_string())
}

/// A client without cookies, for API-token calls.
pub fn plain_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Calls a server function the way the dashboard's forms do.
pub async fn rpc(client: &Client, app: &TestApp, name: &str, form: &[(&str, &str)]) -> Response {
    client.post(app.url(&format!("/rpc/{name}"))).header("Accept", "application/json").form(form).send().await.unwrap()
}

/// A random address at example.com.
pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", random_suffix())
}

impl TestApp {
    /// Signs up `email` with `password` and a new organisation; returns the cookie-holding client.
    pub async fn sign_up_as(&self, email: &str, password: &str, org: &str) -> Client {
        let client = self.client();
        let res = client
            .post(self.url("/api/auth/signup"))
            .json(&json!({"email": email, "password": password, "organizationName": org}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "signup: {}", res.text().await.unwrap());
        client
    }

    /// Signs in through the JSON API; returns the answer.
    pub async fn log_in(&self, client: &Client, email: &str, password: &str) -> Response {
        client
            .post(self.url("/api/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap()
    }
}

/// A client whose requests come "from" `address` (through a proxy the server
/// trusts: start it with `trust_proxy`), keeping its own cookies.
pub fn client_from(address: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// The first `https?://…/prefix…` link in an email's text.
pub fn link_in(message: &Value, prefix: &str) -> String {
    let text = message["text"].as_str().unwrap();
    let start = text.find(prefix).unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    let from = text[..start].rfind("http").unwrap();
    text[from..].split_whitespace().next().unwrap().to_string()
}

/// The current authenticator code for a base32 secret: RFC 6238 written out
/// here, independently of the server's implementation.
pub fn totp_code(secret_base32: &str, unix_secs: u64) -> String {
    use hmac::{Hmac, Mac};
    let secret = data_encoding::BASE32_NOPAD.decode(secret_base32.as_bytes()).expect("a base32 secret");
    let counter = (unix_secs / 30).to_be_bytes();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&secret).unwrap();
    mac.update(&counter);
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([hash[offset] & 0x7f, hash[offset + 1], hash[offset + 2], hash[offset + 3]]);
    format!("{:06}", value % 1_000_000)
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// A server whose account emails (and invitations) go to a real SMTP sink.
pub async fn spawn_app_with_mail() -> (TestApp, smtp::SmtpSink) {
    let sink = smtp::SmtpSink::start();
    let url = sink.url.clone();
    let app = spawn_app_with(move |c| {
        c.smtp_url = Some(app::backend::config::Secret(url));
        c.trust_proxy = true;
    })
    .await;
    (app, sink)
}

/// Confirms the account's address as its emailed link would (the link's
/// token is made here with the server's own key; the email itself is tested
/// in `sign_in.rs`).
pub async fn confirm_email(app: &TestApp, email: &str) {
    let user_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let now = app::backend::db::now_ms();
    let token = app::backend::services::organization::email_confirmation::link_token(&app.state, &user_id, email, now);
    let res = app
        .client()
        .post(app.url("/api/auth/email-confirmation/confirm"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", res.text().await.unwrap());
}

/// The owner invites `email` as `role`; the invitee opens the emailed link and
/// joins with a new account. Returns the new member's signed-in client.
pub async fn join_by_email(app: &TestApp, sink: &smtp::SmtpSink, owner: &Client, email: &str, role: &str) -> Client {
    let before = sink.messages_to(email).await.len();
    let res = rpc(owner, app, "invite_member", &[("email", email), ("role", role)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let messages = sink.wait_for(email, before + 1).await;
    let token = invitation_token(messages.last().unwrap());
    let member = app.client();
    let res =
        rpc(&member, app, "accept_invite_new_account", &[("token", &token), ("password", "a long new password")]).await;
    assert!(res.status().is_success() || res.status().is_redirection(), "{}", res.text().await.unwrap());
    member
}

/// The token of the `/join/…` link in an invitation email.
pub fn invitation_token(message: &Value) -> String {
    link_in(message, "/join/").rsplit('/').next().unwrap().to_string()
}
