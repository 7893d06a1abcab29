//! The bench's own PostgreSQL database: created fresh for one run and
//! dropped at its end, so runs never see each other's data.

use ::tests::replace_database;
use anyhow::{Context, bail};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

/// A database created for this run.
#[derive(Debug)]
pub(crate) struct BenchDatabase {
    admin_url: String,
    name: String,
    url: String,
    server_version: String,
}

impl BenchDatabase {
    /// Creates `bench_<pid>_<unix time>` on the server of `admin_url`,
    /// which must be on this machine.
    pub(crate) async fn create(admin_url: &str) -> anyhow::Result<Self> {
        ensure_loopback(admin_url)?;
        let name = format!("bench_{}_{}", std::process::id(), api::auth::now_secs());
        let admin = connect(admin_url).await?;
        let version = admin
            .query_one_raw(sea_orm::Statement::from_string(
                admin.get_database_backend(),
                "SHOW server_version",
            ))
            .await
            .context("asking PostgreSQL for its version")?
            .and_then(|row| row.try_get_by_index::<String>(0).ok())
            .unwrap_or_else(|| "unknown".to_owned());
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .with_context(|| format!("creating the database {name}"))?;
        admin.close().await.ok();
        Ok(Self {
            url: replace_database(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
            server_version: version,
        })
    }

    /// The URL a server uses (`DATABASE_URL`).
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The database's name, as PostgreSQL's backend processes show it.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// PostgreSQL's version, for the report.
    pub(crate) fn server_version(&self) -> &str {
        &self.server_version
    }

    /// `VACUUM (ANALYZE)` of the whole database: a freshly loaded table has
    /// no planner statistics, so until autovacuum happens to analyze it
    /// (at some moment during a run) PostgreSQL plans with guesses. The
    /// bench measures the steady state a live database is in.
    pub(crate) async fn vacuum_analyze(&self) -> anyhow::Result<()> {
        let db = connect(&self.url).await?;
        db.execute_unprepared("VACUUM (ANALYZE)")
            .await
            .context("VACUUM (ANALYZE) of the bench database")?;
        db.close().await.ok();
        Ok(())
    }

    /// Drops the database, ending any session still connected to it.
    pub(crate) async fn drop_database(self) -> anyhow::Result<()> {
        let admin = connect(&self.admin_url).await?;
        admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .await
            .with_context(|| format!("dropping the database {}", self.name))?;
        admin.close().await.ok();
        Ok(())
    }
}

async fn connect(admin_url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(admin_url.to_owned());
    options
        .max_connections(1)
        .connect_timeout(std::time::Duration::from_secs(10))
        .sqlx_logging(false);
    Database::connect(options).await.with_context(|| {
        format!(
            "connecting to PostgreSQL at {} (set --database-admin-url or BENCH_DATABASE_URL)",
            without_password(admin_url)
        )
    })
}

/// The bench only ever talks to this machine: a database elsewhere would
/// make the figures meaningless and send traffic off the host.
fn ensure_loopback(url: &str) -> anyhow::Result<()> {
    let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    else {
        bail!("the database admin URL must start with postgres://");
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    // An empty host is the local Unix socket.
    let local = host.is_empty()
        || host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !local {
        bail!("the bench only uses a PostgreSQL server on this machine, not {host:?}");
    }
    Ok(())
}

/// The URL with any password left out, for messages; other text as it is.
pub(crate) fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((user_info, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    let user = user_info.split(':').next().unwrap_or_default();
    format!("{scheme}://{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_databases_on_this_machine_are_accepted() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://u:p@localhost/db",
            "postgresql://[::1]:5432/db",
            "postgres:///postgres",
        ] {
            assert!(ensure_loopback(url).is_ok(), "{url}");
        }
        for url in [
            "postgres://postgres@10.0.0.5:5432/postgres",
            "postgres://db.example.org/db",
            "mysql://127.0.0.1/db",
        ] {
            assert!(ensure_loopback(url).is_err(), "{url}");
        }
    }

    #[test]
    fn messages_never_show_the_password() {
        assert_eq!(
            without_password("postgres://u:secret@127.0.0.1/db"),
            "postgres://u@127.0.0.1/db"
        );
    }
}
