//! `api`: serve (default), migrate or seed.

use anyhow::Context;
use api::auth::{TokenRequest, mint_hs256};
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
    /// Print a development token signed with the configured HS256 secret.
    /// Refused under APP_ENV=production.
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
struct TokenArgs {
    /// Subject (user id).
    #[arg(long, default_value = "dev-user")]
    sub: String,
    /// Display name.
    #[arg(long)]
    name: Option<String>,
    /// Role (repeatable): viewer, municipality_editor, police_editor,
    /// integration, regional_analyst, admin.
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// Municipality code (repeatable), e.g. 0683.
    #[arg(long = "municipality")]
    municipalities: Vec<String>,
    /// Police-area code (repeatable), e.g. lpo-varnamo.
    #[arg(long = "police-area")]
    police_areas: Vec<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 8 * 3600)]
    ttl: u64,
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
        Command::Token(args) => println!("{}", dev_token(&settings, args)?),
    }
    Ok(())
}

fn dev_token(settings: &Settings, args: TokenArgs) -> anyhow::Result<String> {
    if settings.app_env == AppEnv::Production {
        anyhow::bail!("api token is for development; APP_ENV=production refuses it");
    }
    for role in &args.roles {
        domain::Role::parse(role)?;
    }
    for code in &args.municipalities {
        domain::MunicipalityCode::parse(code)?;
    }
    for code in &args.police_areas {
        domain::PoliceAreaCode::parse(code)?;
    }
    let secret = settings
        .auth
        .hs256_secret
        .as_deref()
        .context("no HS256 secret is configured")?;
    mint_hs256(
        secret,
        &TokenRequest {
            sub: args.sub,
            name: args.name,
            roles: args.roles,
            municipalities: args.municipalities,
            police_areas: args.police_areas,
            ttl_secs: args.ttl,
            issuer: settings.auth.issuer.clone(),
            audience: settings.auth.audience.clone(),
        },
    )
}
