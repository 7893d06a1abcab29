//! `api`: serve (default), migrate or seed.

use anyhow::Context;
use api::config::{AppEnv, Settings};
use api::startup::{Application, shutdown_signal};
use api::{db, seed, telemetry};
use clap::{Parser, Subcommand};

/// The open backend for Swedish citizen pledges (medborgarlöften).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the GraphQL API (the default). An empty database is migrated
    /// and seeded first.
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the source documents' data (idempotent), then exit.
    Seed,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if settings.app_env == AppEnv::Development {
                tracing::info!(
                    "development mode: GraphiQL at http://{}/graphql",
                    settings.addr
                );
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "listening");
            app.serve(shutdown_signal()).await.context("serving")?;
        }
        Command::Migrate => {
            let (conn, _) = db::connect(&settings.database_url).await?;
            db::migrate(&conn).await?;
            tracing::info!("database is up to date");
        }
        Command::Seed => {
            let (conn, _) = db::connect(&settings.database_url).await?;
            db::migrate(&conn).await?;
            let report = seed::load(&conn).await?;
            tracing::info!(
                pledges = report.pledges_added,
                activities = report.activities_added,
                "seed data loaded"
            );
        }
    }
    Ok(())
}
