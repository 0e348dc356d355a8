//! Settings of the web service (`kechuang serve`): a TOML file (unknown keys refused), overridden by
//! the command line and environment (the binary's business), with defaults fit for one machine on
//! an intranet. Here, below both, so that the command line reads them without knowing the server.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use serde::Deserialize;

/// Server settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Store location: a SQLite path or a `postgres://` URL.
    pub database: String,
    /// Hours a browser session lasts.
    pub session_hours: i64,
    /// Send cookies with `Secure`. `None`: yes unless listening on a loopback address (where
    /// browsers treat plain HTTP as secure anyway, and the demo runs).
    pub secure_cookies: Option<bool>,
    /// Largest request body (survey uploads), bytes.
    pub max_upload_bytes: usize,
    /// Failed logins of one account within `lockout_minutes` before logins are refused.
    pub max_failed_logins: i64,
    /// The throttling window, minutes.
    pub lockout_minutes: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed. From one of these, the client is the
    /// last address in the header that is not itself a trusted proxy; from anyone else the header
    /// is ignored (a client could write any address in it). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: "data/kechuang.db".into(),
            session_hours: 8,
            secure_cookies: None,
            max_upload_bytes: 64 << 20,
            max_failed_logins: 5,
            lockout_minutes: 15,
            trusted_proxies: Vec::new(),
        }
    }
}

/// A settings file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Reads a TOML settings file; missing keys take their defaults.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let config: Config = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
        if config.session_hours < 1 || config.max_failed_logins < 1 || config.lockout_minutes < 1 {
            return Err(err(
                "session_hours, max_failed_logins and lockout_minutes must be at least 1".into(),
            ));
        }
        Ok(config)
    }

    /// Whether cookies carry `Secure`.
    pub fn cookies_secure(&self) -> bool {
        self.secure_cookies
            .unwrap_or(!self.listen.ip().is_loopback())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_override_defaults_and_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let good = dir.path().join("good.toml");
        std::fs::write(&good, "listen = \"0.0.0.0:9000\"\nsession_hours = 2\n").expect("write");
        let c = Config::from_file(&good).expect("good");
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.session_hours, 2);
        assert_eq!(c.max_failed_logins, 5);
        assert!(c.cookies_secure(), "not loopback");
        assert!(!Config::default().cookies_secure(), "loopback");
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "listn = \"0.0.0.0:9000\"\n").expect("write");
        let e = Config::from_file(&bad).expect_err("typo");
        assert!(e.to_string().contains("listn"), "{e}");
    }
}
