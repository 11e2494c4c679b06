//! The `partner-center` binary: the command line, logging, metrics and wiring; no rules.

use std::{io::Write, net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use clap::{Parser, Subcommand, ValueEnum};
use partner_engine::{Caller, Engine, RandomIds, SystemClock, world};

#[derive(Parser)]
#[command(
    name = "partner-center",
    flatten_help = true,
    version,
    about = "A self-hostable partner center, wire-compatible with Huawei Cloud's partner (BSS) APIs"
)]
struct Cli {
    /// How logs are written to standard error.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Json)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Json,
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Switch {
    On,
    Off,
}

const DEFAULT_DATABASE: &str = "sqlite://./data/partner-center.db";

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// sqlite://PATH (created with its folder) or postgres://...
    #[arg(long, default_value = DEFAULT_DATABASE)]
    database: String,
    /// A world file (.json or .toml) to apply before serving.
    #[arg(long)]
    world: Option<PathBuf>,
    /// Flow control like the real gateway (429 APIG.0308); off for load tests and bulk scripts.
    #[arg(long, value_enum, default_value_t = Switch::On)]
    rate_limits: Switch,
    /// Apply the built-in demo world and print its credentials.
    #[arg(long)]
    demo: bool,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Whose failed signatures lock an access key: per-source counts them per (key, source
    /// address), so a stranger cannot lock a partner out; per-key is the real gateway's rule.
    #[arg(long, value_enum, default_value_t = Lockout::PerSource)]
    lockout: Lockout,
    /// The same signed money movement sent again within the signature's 15 minutes answers like
    /// the first and moves nothing; off is the real gateway's rule (every request moves money).
    #[arg(long, value_enum, default_value_t = Switch::On)]
    replay_protection: Switch,
    /// Listen on a non-loopback address although the demo world's public keys are live in the
    /// database (by default that is refused).
    #[arg(long)]
    allow_public_demo_keys: bool,
    /// Seconds a client has to send a request's headers before its connection is closed.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds within which a request is answered, or gets 504 APIG.0201.
    #[arg(long, default_value_t = 30)]
    request_timeout: u64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    #[command(flatten)]
    secrets: SecretKeyArgs,
}

/// Where the server key that seals secret keys at rest comes from.
#[derive(clap::Args)]
struct SecretKeyArgs {
    /// A file holding the server key (64 hex digits) that seals secret keys at rest; or the
    /// key itself in PARTNER_CENTER_SECRET_KEY. Without one, secret keys are stored as given.
    #[arg(long, env = "PARTNER_CENTER_SECRET_KEY_FILE")]
    secret_key_file: Option<PathBuf>,
}

impl SecretKeyArgs {
    fn vault(&self) -> Result<Option<partner_engine::secrets::SecretVault>, String> {
        let text = match &self.secret_key_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the server key {}: {e}", path.display()))?,
            // Not a flag: a key on the command line would show in every process list.
            None => match std::env::var("PARTNER_CENTER_SECRET_KEY") {
                Ok(text) => text,
                Err(_) => return Ok(None),
            },
        };
        partner_engine::secrets::SecretVault::from_hex(&text).map(Some)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lockout {
    PerSource,
    PerKey,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the partner API, the operator API and the web console on one port.
    Serve(ServeArgs),
    /// World files: a sandbox's starting state.
    #[command(subcommand, flatten_help = true)]
    World(WorldCommand),
}

#[derive(Subcommand)]
enum WorldCommand {
    /// Apply a world file and exit.
    Apply {
        /// The world file (.toml or .json).
        file: PathBuf,
        /// sqlite://PATH or postgres://...
        #[arg(long, default_value = DEFAULT_DATABASE)]
        database: String,
        #[command(flatten)]
        secrets: SecretKeyArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the runtime: {err}")),
    };
    let res = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::World(WorldCommand::Apply { file, database, secrets }) => {
                apply(&file, &database, &secrets).await
            }
        }
    });
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "partner-center: {message}");
    ExitCode::FAILURE
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.init(),
    }
}

async fn open_engine(database: &str, secrets: &SecretKeyArgs) -> Result<Engine, String> {
    let vault = secrets.vault()?;
    let store = partner_store::open(database)
        .await
        .map_err(|e| format!("cannot open the database {database}: {e}"))?;
    let engine = Engine::new(store, Arc::new(SystemClock), Arc::new(RandomIds));
    Ok(match vault {
        Some(vault) => engine.with_secret_vault(vault),
        None => {
            tracing::info!("no server key: secret keys are stored as given (--secret-key-file)");
            engine
        }
    })
}

async fn apply_world(engine: &Engine, world: &world::World) -> Result<(), String> {
    engine.apply_world(&Caller::system(), world).await.map(|_| ()).map_err(|e| e.to_string())
}

async fn apply(
    file: &std::path::Path,
    database: &str,
    secrets: &SecretKeyArgs,
) -> Result<(), String> {
    // Validate the whole file before touching the database: an invalid file changes nothing.
    let world = world::read(file).map_err(|e| e.to_string())?;
    let engine = open_engine(database, secrets).await?;
    apply_world(&engine, &world).await?;
    tracing::info!(file = %file.display(), "world applied");
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let ServeArgs { listen, database, demo, .. } = &args;
    let started = std::time::Instant::now();
    // Read before anything else: a wrong path fails at once, before the database is touched.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(partner_http::server::Tls::from_pem_files(cert, key)?),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let world = args.world.as_deref().map(world::read).transpose().map_err(|e| e.to_string())?;
    let demo_world = demo.then(world::demo).transpose().map_err(|e| e.to_string())?;
    let engine = open_engine(database, &args.secrets).await?;
    if let Some(world) = &world {
        apply_world(&engine, world).await?;
    }
    if let Some(demo_world) = &demo_world {
        let report =
            engine.apply_world(&Caller::system(), demo_world).await.map_err(|e| e.to_string())?;
        if report.partners_created > 0 {
            engine
                .play_demo_history()
                .await
                .map_err(|e| format!("the demo history failed: {e}"))?;
        }
    }
    let demo_keys = engine.live_demo_keys().await.map_err(|e| e.to_string())?;
    if !demo_keys.is_empty() {
        tracing::warn!(
            n_keys = demo_keys.len(),
            "the demo world's public access keys are live in this database: anyone who has read \
             them can use them; revoke them with the operator API before exposing this server"
        );
        if !listen.ip().is_loopback() && !args.allow_public_demo_keys {
            return Err(format!(
                "refusing to listen on {listen}: the demo world's public access keys are live in \
                 this database; revoke them, or pass --allow-public-demo-keys"
            ));
        }
    }
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    let scope = match args.lockout {
        Lockout::PerSource => partner_http::auth::LockoutScope::PerSource,
        Lockout::PerKey => partner_http::auth::LockoutScope::PerKey,
    };
    let state = partner_http::AppState::new(engine, args.rate_limits == Switch::On, Some(metrics))
        .with_lockout(scope)
        .with_replay_protection(args.replay_protection == Switch::On)
        .with_request_timeout(std::time::Duration::from_secs(args.request_timeout.max(1)));
    let app = partner_http::router(state);
    let limits = partner_http::server::Limits {
        header_timeout: std::time::Duration::from_secs(args.header_timeout.max(1)),
        max_connections: args.max_connections,
    };
    let listener = tokio::net::TcpListener::bind(*listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    if let Some(demo_world) = &demo_world {
        print_demo(&mut out, demo_world, scheme, address);
    }
    let _ = writeln!(out, "listening on {scheme}://{address}");
    let _ = out.flush();
    drop(out);
    tracing::info!(%address, database_backend = database.split(':').next().unwrap_or(""),
        startup_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX), "listening");
    partner_http::server::serve(listener, app, limits, tls, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}

fn print_demo(out: &mut impl Write, world: &world::World, scheme: &str, address: SocketAddr) {
    let _ = writeln!(
        out,
        "Partner Center demo world: every key below is public, for this sandbox only."
    );
    let _ = writeln!(out, "{:<18} {:<18} {:<20} {:<22} SK", "ROLE", "DOMAIN ID", "NAME", "AK");
    for c in world.credentials() {
        let _ = writeln!(out, "{:<18} {:<18} {:<20} {:<22} {}", c.role, c.id, c.name, c.ak, c.sk);
    }
    let _ = writeln!(
        out,
        "SDK endpoint: Region(\"local\", \"{scheme}://{address}\"), GlobalCredentials(ak, sk, domain_id)"
    );
    let _ = writeln!(
        out,
        "OpenAPI: {scheme}://{address}/openapi.json   metrics: {scheme}://{address}/metrics"
    );
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
