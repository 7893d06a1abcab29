//! Settings from the environment (see the README's configuration table),
//! parsed and checked once at start-up so the rest of the program can trust
//! them.

use std::env;
use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::open_data::{self, Publication};
use crate::telemetry::LogFormat;

/// The settings as `api --help` lists them; the README's configuration
/// table says more of each. Every value is checked at start: a bad one
/// stops the server with the variable's name and the expected form.
pub const HELP: &str = "\
Settings (environment variables; defaults in brackets):
  DATABASE_URL               sqlite:… or postgres://… [sqlite://data/medborgarloften.db?mode=rwc]
  APP_ADDR                   listen address [127.0.0.1:8080]
  APP_ENV                    development | production [development]
  APP_GRAPHIQL               true | false: GraphiQL for browsers [on in development]
  APP_INTROSPECTION          true | false: schema introspection [on in development]
  APP_LOG_FORMAT             text | json [text in development, json in production]
  RUST_LOG                   tracing filter [info,sqlx=warn,sea_orm=warn]
  AUTH_HS256_SECRET          HS256 secret, at least 32 characters in production [development secret]
  AUTH_JWKS_FILE             JWKS file of RS256/ES256 keys
  AUTH_JWKS_URL              JWKS URL of RS256/ES256 keys
  AUTH_JWKS_COOLDOWN_SECS    shortest time between JWKS reloads [30]
  AUTH_ISSUER, AUTH_AUDIENCE required iss / aud of tokens
  APP_MAX_DEPTH              deepest selection nesting [12]
  APP_MAX_COMPLEXITY         query cost [5000]
  APP_MAX_ALIASES            aliases per document [30]
  APP_MAX_BATCH              operations per batch [10]
  APP_MAX_CONCURRENT_QUERIES operations run at once [4 per core]
  APP_RESPONSE_CACHE_MB      public response cache size [64]
  APP_DB_ACQUIRE_TIMEOUT_MS  wait for a database connection [500]
  APP_MAX_BODY_BYTES         largest request body [1048576]
  APP_REQUEST_TIMEOUT_SECS   longest time to a response head [30]
  APP_CORS_ORIGINS           * or origins, comma-separated [* in development, none in production]
  APP_RATE_LIMIT_PER_MINUTE  requests a minute per caller, or off [off in development, 3000 in production]
  APP_RATE_LIMIT_BURST       of them at once [a sixth]
  APP_TRUST_FORWARDED_FOR    count anonymous callers by X-Forwarded-For [false]
  APP_SHUTDOWN_GRACE_SECS    time for requests in flight on SIGTERM [20]
  APP_OPERATION_ALLOW_LIST   file of the only operations that run (Apollo manifest or id→document JSON) [none: any]
  APP_XLSX_MAX_ROWS          most rows of an XLSX download [20000]
  APP_PUBLIC_URL             the public base URL (https://host) of catalogue links [http:// and the request's Host]
  APP_OPEN_DATA_LICENSE      licence URI of the open data [http://creativecommons.org/publicdomain/zero/1.0/ (CC0 1.0)]
  APP_OPEN_DATA_PUBLISHER    organisation publishing the open data [Medborgarlöften]
  APP_OPEN_DATA_PUBLISHER_URL  its web address [none]
  APP_OPEN_DATA_CONTACT_EMAIL  where questions about the data go [none]
  OTEL_EXPORTER_OTLP_ENDPOINT  http:// base URL of an OpenTelemetry collector: export traces [off]
                             (with the SDK's own OTEL_SERVICE_NAME [medborgarloften-api], OTEL_EXPORTER_OTLP_HEADERS, …)
";

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
    pub auth: AuthSettings,
    pub limits: QueryLimits,
    /// Size bound of the public response cache, in bytes.
    pub response_cache_bytes: u64,
    /// GraphQL operations executed at once; more wait their turn.
    pub concurrent_queries: usize,
    /// Longest wait for a database connection before a request fails
    /// with SERVICE_UNAVAILABLE.
    pub db_acquire_timeout: Duration,
    /// Largest request body accepted (413 past it).
    pub max_body_bytes: usize,
    /// Longest time to a response head (503 past it).
    pub request_timeout: Duration,
    /// Which web origins' pages may call the API from a browser.
    pub cors: CorsOrigins,
    /// JSON lines for a log collector, or text for a person.
    pub log_format: LogFormat,
    /// How long requests in flight may take to finish once stopping.
    pub shutdown_grace: Duration,
    /// Requests a minute per caller and how many of them at once; `None`:
    /// no limit.
    pub rate_limit: Option<(NonZeroU32, NonZeroU32)>,
    /// Whether `X-Forwarded-For` names the client (set only behind a load
    /// balancer that writes it).
    pub trust_forwarded_for: bool,
    /// The file of the only GraphQL documents that run, when there is one
    /// (`http::persisted`).
    pub operation_allow_list: Option<PathBuf>,
    /// Where traces go (OTLP over HTTP), when anywhere (`telemetry`).
    pub otlp_endpoint: Option<String>,
    /// Most rows of an XLSX download (it is built whole in memory).
    pub xlsx_max_rows: u32,
    /// Licence, publisher and address of the open data (`open_data`).
    pub publication: Publication,
}

/// Browser pages of which origins may read the API's answers (CORS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin: the API takes bearer tokens, never cookies, so a page
    /// elsewhere cannot act with a visitor's credentials.
    Any,
    /// These origins only (`https://host[:port]`); none: same origin only.
    List(Vec<String>),
}

/// Operations executed at once by default: four per core. A response is
/// built whole in memory before it is written, so memory grows with the
/// operations in flight; on a busy server more than a few per core only
/// add memory and latency, not throughput, and a few per core still keep
/// the cores busy while some operations wait for the database.
fn default_concurrent_queries() -> usize {
    4 * std::thread::available_parallelism().map_or(1, usize::from)
}

/// How bearer tokens are verified.
#[derive(Clone)]
pub struct AuthSettings {
    /// Shared secret for HS256 tokens; `None` turns HS256 off.
    pub hs256_secret: Option<String>,
    /// Whether `hs256_secret` is the well-known development default.
    pub using_dev_secret: bool,
    pub jwks_file: Option<PathBuf>,
    pub jwks_url: Option<String>,
    /// Shortest time between two JWKS reloads caused by unknown `kid`s.
    pub jwks_cooldown: Duration,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

impl fmt::Debug for AuthSettings {
    // The secret never reaches a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field("hs256_secret", &self.hs256_secret.as_ref().map(|_| "<set>"))
            .field("using_dev_secret", &self.using_dev_secret)
            .field("jwks_file", &self.jwks_file)
            .field("jwks_url", &self.jwks_url)
            .field("jwks_cooldown", &self.jwks_cooldown)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

/// The HS256 secret used in development when none is configured. Tokens
/// signed with it are worthless: production refuses to start with it.
pub const DEV_HS256_SECRET: &str = "medborgarloften-development-secret-not-for-production";

/// Limits a query must stay within before any data is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Deepest nesting of selections.
    pub depth: usize,
    /// Total cost: one per field, list fields times their page size.
    pub complexity: usize,
    /// Aliased fields in one document.
    pub aliases: usize,
    /// Operations in one batched HTTP request.
    pub batch: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            depth: 12,
            complexity: 5_000,
            aliases: 30,
            batch: 10,
        }
    }
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
        let auth = auth_settings(&lookup, app_env)?;
        let defaults = QueryLimits::default();
        let limits = QueryLimits {
            depth: number(&lookup, "APP_MAX_DEPTH")?.unwrap_or(defaults.depth),
            complexity: number(&lookup, "APP_MAX_COMPLEXITY")?.unwrap_or(defaults.complexity),
            aliases: number(&lookup, "APP_MAX_ALIASES")?.unwrap_or(defaults.aliases),
            batch: number(&lookup, "APP_MAX_BATCH")?.unwrap_or(defaults.batch),
        };
        // In production the schema explorer is off unless asked for.
        let graphiql = flag(&lookup, "APP_GRAPHIQL")?.unwrap_or(development);
        let introspection = flag(&lookup, "APP_INTROSPECTION")?.unwrap_or(development);
        let response_cache_bytes =
            number(&lookup, "APP_RESPONSE_CACHE_MB")?.unwrap_or(64) as u64 * 1024 * 1024;
        let concurrent_queries = number(&lookup, "APP_MAX_CONCURRENT_QUERIES")?
            .unwrap_or_else(default_concurrent_queries);
        // Short: a request that cannot get a connection in half a second
        // is better answered "unavailable" than left hanging, and the
        // query gate keeps ordinary waits far below it.
        let db_acquire_timeout = Duration::from_millis(
            number(&lookup, "APP_DB_ACQUIRE_TIMEOUT_MS")?.unwrap_or(500) as u64,
        );
        let max_body_bytes = number(&lookup, "APP_MAX_BODY_BYTES")?.unwrap_or(1024 * 1024);
        let request_timeout =
            Duration::from_secs(number(&lookup, "APP_REQUEST_TIMEOUT_SECS")?.unwrap_or(30) as u64);
        let cors = cors_origins(&lookup, development)?;
        let log_format = match text(&lookup, "APP_LOG_FORMAT").as_deref() {
            None if development => LogFormat::Text,
            None => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("APP_LOG_FORMAT must be text or json, got {other:?}"),
        };
        let rate_limit = rate_limit(&lookup, development)?;
        let trust_forwarded_for = flag(&lookup, "APP_TRUST_FORWARDED_FOR")?.unwrap_or(false);
        let shutdown_grace =
            Duration::from_secs(number(&lookup, "APP_SHUTDOWN_GRACE_SECS")?.unwrap_or(20) as u64);
        let operation_allow_list = text(&lookup, "APP_OPERATION_ALLOW_LIST").map(PathBuf::from);
        let otlp_endpoint = text(&lookup, "OTEL_EXPORTER_OTLP_ENDPOINT");
        // The exporter speaks plain HTTP: a collector runs beside the
        // server (an agent or sidecar) and forwards over TLS itself.
        if let Some(url) = &otlp_endpoint
            && !url.starts_with("http://")
        {
            bail!(
                "OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// URL of a collector beside the server, like http://127.0.0.1:4318, got {url:?}"
            );
        }
        let xlsx_max_rows = u32::try_from(number(&lookup, "APP_XLSX_MAX_ROWS")?.unwrap_or(20_000))
            .ok()
            .filter(|n| *n < 1_048_576)
            .context("APP_XLSX_MAX_ROWS must be below 1048576, a spreadsheet's row limit")?;
        let publication = publication(&lookup)?;
        Ok(Self {
            database_url,
            addr,
            app_env,
            graphiql,
            introspection,
            auth,
            limits,
            response_cache_bytes,
            concurrent_queries,
            db_acquire_timeout,
            max_body_bytes,
            request_timeout,
            cors,
            log_format,
            shutdown_grace,
            rate_limit,
            trust_forwarded_for,
            operation_allow_list,
            otlp_endpoint,
            xlsx_max_rows,
            publication,
        })
    }
}

/// `APP_PUBLIC_URL` and `APP_OPEN_DATA_*`: each URL an absolute http(s)
/// one (they go into the catalogue as IRIs), the e-mail address one.
fn publication(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Publication> {
    let url = |key: &str| -> anyhow::Result<Option<String>> {
        text(lookup, key)
            .map(|raw| {
                let raw = raw.trim().to_owned();
                let rest = raw
                    .strip_prefix("https://")
                    .or_else(|| raw.strip_prefix("http://"));
                match rest {
                    Some(rest)
                        if !rest.is_empty()
                            && !rest
                                .chars()
                                .any(|c| c.is_whitespace() || "<>\"{}|\\^`".contains(c)) =>
                    {
                        Ok(raw)
                    }
                    _ => bail!("{key} must be an absolute http:// or https:// URL, got {raw:?}"),
                }
            })
            .transpose()
    };
    let contact_email = text(lookup, "APP_OPEN_DATA_CONTACT_EMAIL")
        .map(|raw| {
            let raw = raw.trim().to_owned();
            match raw.split_once('@') {
                Some((user, host))
                    if !user.is_empty()
                        && host.contains('.')
                        && !raw.chars().any(|c| c.is_whitespace() || "<>\"".contains(c)) =>
                {
                    Ok(raw)
                }
                _ => bail!("APP_OPEN_DATA_CONTACT_EMAIL must be an e-mail address like data@kommun.se, got {raw:?}"),
            }
        })
        .transpose()?;
    Ok(Publication {
        license: url("APP_OPEN_DATA_LICENSE")?.unwrap_or_else(|| open_data::CC0.to_owned()),
        publisher_name: text(lookup, "APP_OPEN_DATA_PUBLISHER")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|| open_data::DEFAULT_PUBLISHER.to_owned()),
        publisher_url: url("APP_OPEN_DATA_PUBLISHER_URL")?,
        contact_email,
        public_url: url("APP_PUBLIC_URL")?,
    })
}

fn text(lookup: &impl Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    lookup(key).filter(|s| !s.trim().is_empty())
}

fn number(lookup: &impl Fn(&str) -> Option<String>, key: &str) -> anyhow::Result<Option<usize>> {
    text(lookup, key)
        .map(|raw| {
            raw.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("{key} must be a positive whole number, got {raw:?}"))
        })
        .transpose()
}

fn auth_settings(
    lookup: &impl Fn(&str) -> Option<String>,
    app_env: AppEnv,
) -> anyhow::Result<AuthSettings> {
    let jwks_file = text(lookup, "AUTH_JWKS_FILE").map(PathBuf::from);
    let jwks_url = text(lookup, "AUTH_JWKS_URL");
    if jwks_file.is_some() && jwks_url.is_some() {
        bail!("set AUTH_JWKS_FILE or AUTH_JWKS_URL, not both");
    }
    let configured = text(lookup, "AUTH_HS256_SECRET");
    let (hs256_secret, using_dev_secret) = match (configured, app_env) {
        (Some(secret), AppEnv::Production) if secret == DEV_HS256_SECRET => {
            bail!("APP_ENV=production refuses the development AUTH_HS256_SECRET")
        }
        (Some(secret), AppEnv::Production) if secret.len() < 32 => {
            bail!("AUTH_HS256_SECRET must be at least 32 characters in production")
        }
        (Some(secret), _) => (Some(secret), false),
        (None, AppEnv::Development) => (Some(DEV_HS256_SECRET.to_owned()), true),
        (None, AppEnv::Production) if jwks_file.is_some() || jwks_url.is_some() => (None, false),
        (None, AppEnv::Production) => {
            bail!(
                "APP_ENV=production needs AUTH_HS256_SECRET or a JWKS (AUTH_JWKS_FILE / AUTH_JWKS_URL)"
            )
        }
    };
    let cooldown = number(lookup, "AUTH_JWKS_COOLDOWN_SECS")?.unwrap_or(30);
    Ok(AuthSettings {
        hs256_secret,
        using_dev_secret,
        jwks_file,
        jwks_url,
        jwks_cooldown: Duration::from_secs(cooldown as u64),
        issuer: text(lookup, "AUTH_ISSUER"),
        audience: text(lookup, "AUTH_AUDIENCE"),
    })
}

/// `APP_CORS_ORIGINS`: `*`, or origins separated by commas. Unset: any
/// origin in development, none in production.
fn cors_origins(
    lookup: &impl Fn(&str) -> Option<String>,
    development: bool,
) -> anyhow::Result<CorsOrigins> {
    let Some(raw) = text(lookup, "APP_CORS_ORIGINS") else {
        return Ok(if development {
            CorsOrigins::Any
        } else {
            CorsOrigins::List(Vec::new())
        });
    };
    if raw.trim() == "*" {
        return Ok(CorsOrigins::Any);
    }
    let origins = raw
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && origin.split("://").nth(1).is_some_and(|rest| {
                    !rest.is_empty() && !rest.contains('/') && rest.is_ascii()
                });
            if valid {
                Ok(origin.to_owned())
            } else {
                bail!(
                    "APP_CORS_ORIGINS must be * or origins like https://example.se separated by commas, got {origin:?}"
                )
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(CorsOrigins::List(origins))
}

/// `APP_RATE_LIMIT_PER_MINUTE` (a number, or `off`) and
/// `APP_RATE_LIMIT_BURST`. Unset: off in development (a benchmark or a
/// test is one caller sending thousands of requests), 3000 a minute with
/// bursts of 500 in production: generous, because behind a load balancer
/// that is not trusted with `X-Forwarded-For` every anonymous caller
/// shares the balancer's address.
fn rate_limit(
    lookup: &impl Fn(&str) -> Option<String>,
    development: bool,
) -> anyhow::Result<Option<(NonZeroU32, NonZeroU32)>> {
    const KEY: &str = "APP_RATE_LIMIT_PER_MINUTE";
    let per_minute = match text(lookup, KEY).as_deref().map(str::trim) {
        Some("off") => return Ok(None),
        None if development => return Ok(None),
        None => 3000,
        Some(_) => number(lookup, KEY)?.unwrap_or(3000),
    };
    let burst = number(lookup, "APP_RATE_LIMIT_BURST")?.unwrap_or((per_minute / 6).max(1));
    let positive = |n: usize, key: &str| {
        u32::try_from(n)
            .ok()
            .and_then(NonZeroU32::new)
            .with_context(|| format!("{key} must be a positive whole number below 2^32"))
    };
    Ok(Some((
        positive(per_minute, KEY)?,
        positive(burst, "APP_RATE_LIMIT_BURST")?,
    )))
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
    fn open_data_settings_default_to_cc0_and_name_a_bad_value() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.publication.license, open_data::CC0);
        assert_eq!(s.publication.publisher_name, open_data::DEFAULT_PUBLISHER);
        assert_eq!(s.xlsx_max_rows, 20_000);
        let s = settings(&[
            ("APP_PUBLIC_URL", "https://medborgarloften.example.se/"),
            ("APP_OPEN_DATA_CONTACT_EMAIL", "data@varnamo.se"),
        ])
        .expect("valid");
        assert_eq!(
            s.publication.public_url.as_deref(),
            Some("https://medborgarloften.example.se/")
        );
        for (key, bad) in [
            ("APP_PUBLIC_URL", "medborgarloften.example.se"),
            ("APP_OPEN_DATA_LICENSE", "CC0"),
            ("APP_OPEN_DATA_PUBLISHER_URL", "https://a b"),
            ("APP_OPEN_DATA_CONTACT_EMAIL", "nobody"),
            ("APP_XLSX_MAX_ROWS", "2000000"),
            ("APP_XLSX_MAX_ROWS", "many"),
        ] {
            let err = settings(&[(key, bad)]).expect_err("refused");
            assert!(err.to_string().contains(key), "{key}={bad}: {err}");
        }
    }

    #[test]
    fn defaults_are_embedded_sqlite_on_localhost_8080_in_development() {
        let s = settings(&[]).expect("defaults are valid");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.app_env, AppEnv::Development);
        assert!(s.graphiql && s.introspection);
    }

    const PROD_SECRET: (&str, &str) =
        ("AUTH_HS256_SECRET", "a-production-secret-of-enough-length!");

    #[test]
    fn production_turns_graphiql_and_introspection_off_unless_asked() {
        let s = settings(&[("APP_ENV", "production"), PROD_SECRET]).expect("valid");
        assert!(!s.graphiql && !s.introspection);
        let s = settings(&[
            ("APP_ENV", "production"),
            PROD_SECRET,
            ("APP_GRAPHIQL", "true"),
        ])
        .expect("valid");
        assert!(s.graphiql && !s.introspection);
    }

    #[test]
    fn development_falls_back_to_the_dev_secret() {
        let s = settings(&[]).expect("valid");
        assert_eq!(s.auth.hs256_secret.as_deref(), Some(DEV_HS256_SECRET));
        assert!(s.auth.using_dev_secret);
    }

    #[test]
    fn production_refuses_the_dev_secret_or_no_keys_at_all() {
        let err = settings(&[
            ("APP_ENV", "production"),
            ("AUTH_HS256_SECRET", DEV_HS256_SECRET),
        ])
        .expect_err("refused");
        assert!(err.to_string().contains("AUTH_HS256_SECRET"));
        let err = settings(&[("APP_ENV", "production")]).expect_err("refused");
        assert!(err.to_string().contains("AUTH_HS256_SECRET"));
        let s = settings(&[
            ("APP_ENV", "production"),
            ("AUTH_JWKS_URL", "https://idp/jwks"),
        ])
        .expect("a JWKS alone is enough");
        assert_eq!(s.auth.hs256_secret, None);
    }

    #[test]
    fn the_secret_never_appears_in_debug_output() {
        let s = settings(&[PROD_SECRET]).expect("valid");
        assert!(!format!("{s:?}").contains(PROD_SECRET.1));
    }

    #[test]
    fn query_limits_have_defaults_and_can_be_set() {
        assert_eq!(settings(&[]).expect("valid").limits, QueryLimits::default());
        let s = settings(&[("APP_MAX_DEPTH", "5")]).expect("valid");
        assert_eq!(s.limits.depth, 5);
        assert!(settings(&[("APP_MAX_DEPTH", "0")]).is_err());
        assert!(settings(&[("APP_MAX_DEPTH", "deep")]).is_err());
    }

    #[test]
    fn concurrent_queries_default_to_four_per_core_and_can_be_set() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(settings(&[]).expect("valid").concurrent_queries, 4 * cores);
        let s = settings(&[("APP_MAX_CONCURRENT_QUERIES", "3")]).expect("valid");
        assert_eq!(s.concurrent_queries, 3);
        let err = settings(&[("APP_MAX_CONCURRENT_QUERIES", "0")]).expect_err("refused");
        assert!(err.to_string().contains("APP_MAX_CONCURRENT_QUERIES"));
    }

    #[test]
    fn cors_is_open_in_development_closed_in_production_and_can_be_listed() {
        assert_eq!(settings(&[]).expect("valid").cors, CorsOrigins::Any);
        let prod = settings(&[("APP_ENV", "production"), PROD_SECRET]).expect("valid");
        assert_eq!(prod.cors, CorsOrigins::List(Vec::new()));
        let listed = settings(&[(
            "APP_CORS_ORIGINS",
            "https://trygg.varnamo.se, http://localhost:5173",
        )])
        .expect("valid");
        assert_eq!(
            listed.cors,
            CorsOrigins::List(vec![
                "https://trygg.varnamo.se".to_owned(),
                "http://localhost:5173".to_owned()
            ])
        );
        for bad in ["varnamo.se", "https://varnamo.se/", "https://x.se/path"] {
            let err = settings(&[("APP_CORS_ORIGINS", bad)]).expect_err(bad);
            assert!(err.to_string().contains("APP_CORS_ORIGINS"), "{err}");
        }
    }

    #[test]
    fn body_size_and_request_time_have_bounds_by_default() {
        let s = settings(&[]).expect("valid");
        assert_eq!(s.max_body_bytes, 1024 * 1024);
        assert_eq!(s.request_timeout, Duration::from_secs(30));
        assert_eq!(s.db_acquire_timeout, Duration::from_millis(500));
        let err = settings(&[("APP_MAX_BODY_BYTES", "big")]).expect_err("refused");
        assert!(err.to_string().contains("APP_MAX_BODY_BYTES"));
    }

    #[test]
    fn the_rate_limit_is_off_in_development_and_on_in_production() {
        assert_eq!(settings(&[]).expect("valid").rate_limit, None);
        let prod = settings(&[("APP_ENV", "production"), PROD_SECRET]).expect("valid");
        let (per_minute, burst) = prod.rate_limit.expect("on in production");
        assert_eq!((per_minute.get(), burst.get()), (3000, 500));
        let off = settings(&[
            ("APP_ENV", "production"),
            PROD_SECRET,
            ("APP_RATE_LIMIT_PER_MINUTE", "off"),
        ])
        .expect("valid");
        assert_eq!(off.rate_limit, None);
        let set = settings(&[
            ("APP_RATE_LIMIT_PER_MINUTE", "60"),
            ("APP_RATE_LIMIT_BURST", "5"),
        ])
        .expect("valid");
        let (per_minute, burst) = set.rate_limit.expect("on");
        assert_eq!((per_minute.get(), burst.get()), (60, 5));
        let err = settings(&[("APP_RATE_LIMIT_PER_MINUTE", "lots")]).expect_err("refused");
        assert!(
            err.to_string().contains("APP_RATE_LIMIT_PER_MINUTE"),
            "{err}"
        );
    }

    #[test]
    fn help_names_every_variable_the_settings_read() {
        let asked = std::sync::Mutex::new(Vec::<String>::new());
        for env in ["development", "production"] {
            let _ = Settings::from_lookup(|key| {
                asked.lock().expect("lock").push(key.to_owned());
                match key {
                    "APP_ENV" => Some(env.to_owned()),
                    "AUTH_HS256_SECRET" => Some(PROD_SECRET.1.to_owned()),
                    "APP_RATE_LIMIT_PER_MINUTE" => Some("60".to_owned()),
                    _ => None,
                }
            });
        }
        let asked = asked.into_inner().expect("lock");
        assert!(asked.len() > 20, "{asked:?}");
        for key in asked {
            assert!(HELP.contains(&key), "api --help does not name {key}");
        }
    }

    #[test]
    fn bad_values_are_refused_with_the_variable_named() {
        let err = settings(&[("APP_ENV", "staging")]).expect_err("refused");
        assert!(err.to_string().contains("APP_ENV"));
        let err = settings(&[("APP_ADDR", "localhost")]).expect_err("refused");
        assert!(err.to_string().contains("APP_ADDR"));
        let err = settings(&[("DATABASE_URL", "mysql://x")]).expect_err("refused");
        assert!(err.to_string().contains("DATABASE_URL"));
        let err = settings(&[(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "https://collector.example.se",
        )])
        .expect_err("refused");
        assert!(err.to_string().contains("OTEL_EXPORTER_OTLP_ENDPOINT"));
        let s =
            settings(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")]).expect("valid");
        assert_eq!(s.otlp_endpoint.as_deref(), Some("http://127.0.0.1:4318"));
    }
}
