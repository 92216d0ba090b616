//! Configuration from the environment, optionally on top of a TOML file named
//! by `VOX_CONFIG`. The variable names are part of the operator contract.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the server listens (`VOX_ADDR`).
    pub addr: SocketAddr,
    /// How people and customer sites reach Vox (`VOX_PUBLIC_URL`), without a trailing slash.
    pub public_url: url::Url,
    /// `sqlite://path` or `postgres://…` (`DATABASE_URL`).
    pub database_url: String,
    /// A tracing `EnvFilter` (`VOX_LOG`).
    pub log: String,
    /// Where the built site (wasm, js, css, public assets) lives (`LEPTOS_SITE_ROOT`).
    pub site_root: PathBuf,
    /// Requests per minute per client address on public endpoints (`VOX_PUBLIC_RATE_LIMIT`).
    pub public_rate_limit_per_minute: u32,
    /// Whether a reverse proxy in front of Vox sets `X-Forwarded-For` (`VOX_TRUST_PROXY`).
    pub trust_proxy: bool,
    /// Key material (`VOX_SECRET_KEY`); when absent one is generated and kept.
    pub secret_key: Option<Secret>,
    /// Requests per minute per API token (`VOX_API_RATE_LIMIT`).
    pub api_rate_limit_per_minute: u32,
    /// Networks webhook receivers may be in despite the SSRF guard (`VOX_WEBHOOK_ALLOW_NETS`).
    pub webhook_allow_nets: Vec<ipnet::IpNet>,
    /// Whether webhook URLs may use plain http (`VOX_WEBHOOK_ALLOW_HTTP`).
    pub webhook_allow_http: bool,
    /// Seconds to wait before each retry (`VOX_WEBHOOK_RETRY_SCHEDULE`).
    pub webhook_retry_schedule: Vec<u64>,
    /// Per-attempt timeout (`VOX_WEBHOOK_TIMEOUT_MS`).
    pub webhook_timeout_ms: u64,
    /// Days of delivery history kept (`VOX_WEBHOOK_RETENTION_DAYS`).
    pub webhook_retention_days: u32,
    /// Where invitation emails go (`VOX_SMTP_URL`, `smtp://host:port` or
    /// `smtps://user:pass@host:port`); unset keeps them in the outbox.
    pub smtp_url: Option<Secret>,
    /// The sender of invitation emails (`VOX_SMTP_FROM`).
    pub smtp_from: String,
    /// Whether this process sends invitations (`VOX_SEND_INVITATIONS`, default
    /// true). Off lets an operator run API-only replicas.
    pub send_invitations: bool,
    /// How long a replica may hold an event or an invitation it is working on
    /// before another takes over (`VOX_INVITATION_CLAIM_SECS`): the time a
    /// crashed replica's work waits. SMTP gets half of it per message.
    pub invitation_claim_secs: u64,
    /// Invitations an organisation without a mail server of its own may
    /// create in any 24 hours when they go out through `VOX_SMTP_URL`
    /// (`VOX_MAIL_DAILY_QUOTA`; 0 = no quota). An operator may set another
    /// quota for one organisation (`vox mail-quota`).
    pub mail_daily_quota: u64,
}

/// A configuration value that must never appear in logs or debug output.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
    #[error("config file {path}: {message}")]
    File { path: String, message: String },
}

/// The keys a config file may set; each mirrors an environment variable.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<String>,
    public_url: Option<String>,
    database_url: Option<String>,
    log: Option<String>,
    site_root: Option<String>,
    public_rate_limit: Option<u32>,
    trust_proxy: Option<bool>,
    secret_key: Option<String>,
    api_rate_limit: Option<u32>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    mail_daily_quota: Option<u64>,
}

impl Config {
    /// Reads the process environment (and `VOX_CONFIG`, if set).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can configure without touching
    /// the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match lookup("VOX_CONFIG") {
            Some(path) => read_file(&path)?,
            None => FileConfig::default(),
        };
        let pick = |env: &str, from_file: Option<String>| lookup(env).filter(|v| !v.is_empty()).or(from_file);

        let addr_text = pick("VOX_ADDR", file.addr).unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text.parse().map_err(|e| ConfigError::Invalid {
            name: "VOX_ADDR",
            message: format!("{addr_text:?} is not a socket address: {e}"),
        })?;
        let public_text = pick("VOX_PUBLIC_URL", file.public_url).unwrap_or_else(|| format!("http://{addr}"));
        let public_url = url::Url::parse(public_text.trim_end_matches('/'))
            .map_err(|e| ConfigError::Invalid { name: "VOX_PUBLIC_URL", message: format!("{public_text:?}: {e}") })?;
        if !matches!(public_url.scheme(), "http" | "https") {
            return Err(ConfigError::Invalid { name: "VOX_PUBLIC_URL", message: "must be http or https".into() });
        }
        let public_rate_limit_per_minute = match lookup("VOX_PUBLIC_RATE_LIMIT") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "VOX_PUBLIC_RATE_LIMIT",
                message: format!("{v:?} is not a whole number"),
            })?,
            None => file.public_rate_limit.unwrap_or(600),
        };
        let api_rate_limit_per_minute = match lookup("VOX_API_RATE_LIMIT") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "VOX_API_RATE_LIMIT",
                message: format!("{v:?} is not a whole number"),
            })?,
            None => file.api_rate_limit.unwrap_or(1200),
        };
        let webhook_allow_nets = match lookup("VOX_WEBHOOK_ALLOW_NETS") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|net| {
                    net.parse::<ipnet::IpNet>()
                        .or_else(|_| net.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| ConfigError::Invalid {
                            name: "VOX_WEBHOOK_ALLOW_NETS",
                            message: format!("{net:?} is not a CIDR"),
                        })
                })
                .collect::<Result<_, _>>()?,
            None => vec![],
        };
        let webhook_retry_schedule = match lookup("VOX_WEBHOOK_RETRY_SCHEDULE") {
            Some(list) => list
                .split(',')
                .map(|s| s.trim().parse::<u64>())
                .collect::<Result<Vec<_>, _>>()
                .ok()
                .filter(|v| !v.is_empty() && v.len() <= 50)
                .ok_or(ConfigError::Invalid {
                    name: "VOX_WEBHOOK_RETRY_SCHEDULE",
                    message: "must be 1–50 comma-separated whole numbers of seconds".into(),
                })?,
            None => vec![5, 300, 1800, 7200, 18000, 36000, 36000],
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match lookup(name) {
                Some(v) => v
                    .parse()
                    .map_err(|_| ConfigError::Invalid { name, message: format!("{v:?} is not a whole number") }),
                None => Ok(default),
            }
        };
        let webhook_timeout_ms = number("VOX_WEBHOOK_TIMEOUT_MS", 15_000)?;
        let webhook_retention_days = number("VOX_WEBHOOK_RETENTION_DAYS", 30)? as u32;
        let webhook_allow_http = matches!(lookup("VOX_WEBHOOK_ALLOW_HTTP").as_deref(), Some("true") | Some("1"));
        let trust_proxy = match lookup("VOX_TRUST_PROXY").as_deref() {
            Some("true") | Some("1") => true,
            Some("false") | Some("0") | Some("") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "VOX_TRUST_PROXY",
                    message: format!("{other:?} is not true or false"),
                })
            }
            None => file.trust_proxy.unwrap_or(false),
        };
        let smtp_url = pick("VOX_SMTP_URL", file.smtp_url).map(Secret);
        if let Some(Secret(url)) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError::Invalid {
                    name: "VOX_SMTP_URL",
                    message: "must start with smtp:// or smtps://".into(),
                });
            }
        }
        let smtp_from = pick("VOX_SMTP_FROM", file.smtp_from).unwrap_or_else(|| {
            format!(
                "Vox <no-reply@{}>",
                public_url
                    .host_str()
                    .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
                    .unwrap_or("localhost")
            )
        });
        let send_invitations = !matches!(lookup("VOX_SEND_INVITATIONS").as_deref(), Some("false") | Some("0"));
        let invitation_claim_secs = number("VOX_INVITATION_CLAIM_SECS", 60)?;
        let mail_daily_quota = number("VOX_MAIL_DAILY_QUOTA", file.mail_daily_quota.unwrap_or(200))?;
        if invitation_claim_secs < 2 {
            return Err(ConfigError::Invalid {
                name: "VOX_INVITATION_CLAIM_SECS",
                message: "at least 2 seconds".into(),
            });
        }
        Ok(Config {
            smtp_url,
            smtp_from,
            send_invitations,
            invitation_claim_secs,
            mail_daily_quota,
            webhook_allow_nets,
            webhook_allow_http,
            webhook_retry_schedule,
            webhook_timeout_ms,
            webhook_retention_days,
            secret_key: pick("VOX_SECRET_KEY", file.secret_key).map(Secret),
            api_rate_limit_per_minute,
            trust_proxy,
            addr,
            public_url,
            database_url: pick("DATABASE_URL", file.database_url).unwrap_or_else(|| "sqlite://data/vox.db".into()),
            log: pick("VOX_LOG", file.log).unwrap_or_else(|| "info".into()),
            site_root: pick("LEPTOS_SITE_ROOT", file.site_root).unwrap_or_else(|| "target/site".into()).into(),
            public_rate_limit_per_minute,
        })
    }

    /// `https://host:port` — what browsers send as `Origin` for our own pages.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Cookies get `Secure` when people reach Vox over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

fn read_file(path: &str) -> Result<FileConfig, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ConfigError::File { path: path.into(), message: e.to_string() })?;
    toml::from_str(&text).map_err(|e| ConfigError::File { path: path.into(), message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/vox.db");
        assert!(!c.secure_cookies());
    }

    #[test]
    fn webhook_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(c.webhook_retry_schedule, vec![5, 300, 1800, 7200, 18000, 36000, 36000]);
        assert_eq!(c.webhook_timeout_ms, 15_000);
        assert!(!c.webhook_allow_http && c.webhook_allow_nets.is_empty());
        let c =
            config(&[("VOX_WEBHOOK_ALLOW_NETS", "127.0.0.1/32, ::1"), ("VOX_WEBHOOK_RETRY_SCHEDULE", "1,2")]).unwrap();
        assert_eq!(c.webhook_allow_nets.len(), 2);
        assert_eq!(c.webhook_retry_schedule, vec![1, 2]);
        assert!(config(&[("VOX_WEBHOOK_RETRY_SCHEDULE", "soon")]).is_err());
        assert!(config(&[("VOX_WEBHOOK_ALLOW_NETS", "everywhere")]).is_err());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = config(&[("VOX_ADDR", "nowhere")]).unwrap_err().to_string();
        assert!(err.starts_with("VOX_ADDR"), "{err}");
        let c = config(&[("VOX_PUBLIC_URL", "https://vox.example.com/")]).unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_origin(), "https://vox.example.com");
    }

    #[test]
    fn file_values_apply_under_the_environment() {
        let dir = std::env::temp_dir().join(format!("vox-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("vox.toml");
        std::fs::write(&path, "addr = \"127.0.0.1:4000\"\nlog = \"debug\"\n").unwrap();
        let p = path.to_str().unwrap();
        let c = config(&[("VOX_CONFIG", p), ("VOX_LOG", "warn")]).unwrap();
        assert_eq!(c.addr.port(), 4000);
        assert_eq!(c.log, "warn");
        std::fs::write(&path, "adress = 1\n").unwrap();
        assert!(config(&[("VOX_CONFIG", p)]).is_err());
    }
}
