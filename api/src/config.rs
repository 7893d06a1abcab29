//! Settings from the environment (see the README's configuration table),
//! parsed and checked once at start-up so the rest of the program can trust
//! them.

use std::env;
use std::net::SocketAddr;

use anyhow::{Context, bail};

/// Where the server runs: development is friendly, production is strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub app_env: AppEnv,
    /// GraphiQL on `GET /graphql` for browsers.
    pub graphiql: bool,
    /// Schema introspection queries.
    pub introspection: bool,
}

/// The embedded default: a SQLite file under `./data/`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/medborgarloften.db?mode=rwc";
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|key| env::var(key).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let app_env = match lookup("APP_ENV").as_deref() {
            None | Some("") | Some("development") => AppEnv::Development,
            Some("production") => AppEnv::Production,
            Some(other) => bail!("APP_ENV must be development or production, got {other:?}"),
        };
        let addr = lookup("APP_ADDR")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
        let addr = addr
            .parse()
            .with_context(|| format!("APP_ADDR {addr:?} is not an address like 127.0.0.1:8080"))?;
        let database_url = lookup("DATABASE_URL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            bail!("DATABASE_URL must start with sqlite: or postgres://");
        }
        let development = app_env == AppEnv::Development;
        // In production the schema explorer is off unless asked for.
        let graphiql = flag(&lookup, "APP_GRAPHIQL")?.unwrap_or(development);
        let introspection = flag(&lookup, "APP_INTROSPECTION")?.unwrap_or(development);
        Ok(Self {
            database_url,
            addr,
            app_env,
            graphiql,
            introspection,
        })
    }
}

fn flag(lookup: &impl Fn(&str) -> Option<String>, key: &str) -> anyhow::Result<Option<bool>> {
    match lookup(key).as_deref() {
        None | Some("") => Ok(None),
        Some("1" | "true" | "on") => Ok(Some(true)),
        Some("0" | "false" | "off") => Ok(Some(false)),
        Some(other) => bail!("{key} must be true or false, got {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|key| map.get(key).cloned())
    }

    #[test]
    fn defaults_are_embedded_sqlite_on_localhost_8080_in_development() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.app_env, AppEnv::Development);
        assert!(s.graphiql && s.introspection);
    }

    #[test]
    fn production_turns_graphiql_and_introspection_off_unless_asked() {
        let s = settings(&[("APP_ENV", "production")]).expect("valid");
        assert!(!s.graphiql && !s.introspection);
        let s = settings(&[("APP_ENV", "production"), ("APP_GRAPHIQL", "true")]).expect("valid");
        assert!(s.graphiql && !s.introspection);
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let err = settings(&[("APP_ENV", "staging")]).expect_err("refused");
        assert!(err.to_string().contains("APP_ENV"));
        let err = settings(&[("APP_ADDR", "localhost")]).expect_err("refused");
        assert!(err.to_string().contains("APP_ADDR"));
        let err = settings(&[("DATABASE_URL", "mysql://x")]).expect_err("refused");
        assert!(err.to_string().contains("DATABASE_URL"));
    }
}
