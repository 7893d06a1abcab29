//! `api`: serve (default), migrate, seed, mint a dev token or probe a
//! running server.

use std::io::IsTerminal;

use anyhow::Context;
use api::auth::{TokenRequest, mint_hs256};
use api::config::{AppEnv, Settings};
use api::shutdown;
use api::startup::Application;
use api::store::seed;
use api::store::seed::synthetic::{self, DEFAULT_SEED, SyntheticSpec};
use api::{db, telemetry};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

// See the workspace Cargo.toml for why the server does not use glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The open backend for Swedish citizen pledges (medborgarlöften).
#[derive(Debug, Parser)]
#[command(version, about, after_help = api::config::HELP)]
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
    /// Load the source documents' data (idempotent), then exit. With
    /// --synthetic, a deterministic synthetic data set instead.
    Seed(SeedArgs),
    /// Print a development token signed with the configured HS256 secret.
    /// Refused under APP_ENV=production.
    Token(TokenArgs),
    /// Ask the server at APP_ADDR whether it lives (`/healthz`), or with
    /// --ready whether it can serve (`/readyz`); exit 0 when it says yes.
    /// For container health checks: the runtime image has no curl.
    Probe(ProbeArgs),
}

#[derive(Debug, clap::Args)]
struct ProbeArgs {
    /// Check readiness (the database answers) instead of liveness.
    #[arg(long)]
    ready: bool,
}

#[derive(Debug, clap::Args)]
struct SeedArgs {
    /// Load synthetic pledges for benchmarks and dashboards (every text
    /// says it is synthetic) instead of the source documents. Idempotent:
    /// a municipality and year that has a pledge is skipped.
    #[arg(long)]
    synthetic: bool,
    /// How many municipalities (1–290): the first ones of the official list.
    #[arg(long, requires = "synthetic", required_if_eq("synthetic", "true"))]
    municipalities: Option<usize>,
    /// How many calendar years of pledges, ending with --last-year.
    #[arg(long, requires = "synthetic", required_if_eq("synthetic", "true"))]
    years: Option<u16>,
    /// Seed of every generated value: the same arguments give the same data.
    #[arg(long, requires = "synthetic", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// The last pledge year [default: last year in Sweden].
    #[arg(long, requires = "synthetic")]
    last_year: Option<i32>,
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
    let settings = Settings::from_env()?;
    let command = cli.command.unwrap_or(Command::Serve);
    // Only the server's traces are worth exporting.
    let export_traces = matches!(command, Command::Serve) && settings.otlp_endpoint.is_some();
    let telemetry = telemetry::init(settings.log_format, export_traces)?;
    match command {
        Command::Serve => {
            if settings.app_env == AppEnv::Development {
                tracing::info!(
                    "development mode: GraphiQL at http://{}/graphql",
                    settings.addr
                );
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "listening");
            app.serve(shutdown::signal()).await.context("serving")?;
            tracing::info!("stopped");
            // The exporter's own thread sends the last batch; waiting for
            // it must not hold a runtime thread.
            tokio::task::spawn_blocking(move || telemetry.shutdown()).await?;
        }
        Command::Migrate => {
            let (conn, _) =
                db::connect(&settings.database_url, settings.db_acquire_timeout).await?;
            db::migrate_in_turn(&conn).await?;
            tracing::info!("database is up to date");
        }
        Command::Seed(args) if args.synthetic => {
            let (conn, _) =
                db::connect(&settings.database_url, settings.db_acquire_timeout).await?;
            db::migrate_in_turn(&conn).await?;
            let mut spec = SyntheticSpec::new(
                args.municipalities.unwrap_or_default(),
                args.years.unwrap_or_default(),
                args.seed,
            );
            if let Some(year) = args.last_year {
                spec.last_year = year;
            }
            let bar = progress_bar();
            let report = synthetic::load(&conn, &spec, &|p| {
                bar.set_length(p.municipalities_total as u64);
                bar.set_position(p.municipalities_done as u64);
                bar.set_message(format!("{} pledges", p.pledges));
            })
            .await;
            bar.finish_and_clear();
            // stdout: the one line a benchmark parses.
            println!("{}", report?);
        }
        Command::Seed(_) => {
            let (conn, _) =
                db::connect(&settings.database_url, settings.db_acquire_timeout).await?;
            db::migrate_in_turn(&conn).await?;
            let report = seed::load(&conn).await?;
            tracing::info!(
                pledges = report.pledges_added,
                activities = report.activities_added,
                "seed data loaded"
            );
        }
        Command::Token(args) => println!("{}", dev_token(&settings, args)?),
        Command::Probe(args) => probe(&settings, args.ready).await?,
    }
    Ok(())
}

/// A progress bar on stderr when a person watches it; hidden otherwise,
/// so logs and pipes stay clean.
fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} municipalities, {msg} [{elapsed}]")
    {
        bar.set_style(style);
    }
    bar
}

/// `api probe`: fails unless the server at `settings.addr` answers 200.
async fn probe(settings: &Settings, ready: bool) -> anyhow::Result<()> {
    let mut addr = settings.addr;
    // A server listening on every interface is asked on loopback.
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let path = if ready { "readyz" } else { "healthz" };
    let url = format!("http://{addr}/{path}");
    let status = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("{url} did not answer"))?
        .status();
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
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
