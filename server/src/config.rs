//! Configuration, from flags or environment variables (`orgspace --help`).

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Orgspace: organizations, members, roles and billing for a cloud console.
#[derive(Parser, Clone, Debug)]
#[command(name = "orgspace", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What the binary does; with none it serves.
#[derive(Subcommand, Clone, Debug)]
pub enum Command {
    /// Serve the API and the app (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill an empty database with a large dataset for benchmarks.
    Seed(crate::seed::SeedOptions),
}

/// Everything a deployment may set. Every default number of the spec is here.
#[derive(Parser, Clone, Debug)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "ORGSPACE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Database: `sqlite://path?mode=rwc` (embedded, the default) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/orgspace.db?mode=rwc"
    )]
    pub database_url: String,

    /// Folder of the built app (Trunk's output), served with an index.html fallback.
    #[arg(long, env = "ORGSPACE_APP_DIR", default_value = "dist")]
    pub app_dir: PathBuf,

    /// Folder where mail goes as .eml files when no SMTP server is configured.
    #[arg(long, env = "ORGSPACE_MAIL_OUTBOX", default_value = "data/outbox")]
    pub mail_outbox: PathBuf,

    /// The public address people open (`https://console.example.com`); cookies are
    /// `Secure` when it is https, and it is an allowed `Origin` for writes.
    #[arg(long, env = "ORGSPACE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds an invitation stays valid.
    #[arg(long, env = "ORGSPACE_INVITATION_TTL", default_value_t = 604_800)]
    pub invitation_ttl: i64,

    /// How many organizations one user may belong to.
    #[arg(long, env = "ORGSPACE_MAX_ORGS_PER_USER", default_value_t = 5)]
    pub max_orgs_per_user: u32,

    /// Seconds a sign-in lasts.
    #[arg(long, env = "ORGSPACE_SESSION_TTL", default_value_t = 2_592_000)]
    pub session_ttl: i64,

    /// Failed sign-ins allowed per email within `--login-failure-window`.
    #[arg(long, env = "ORGSPACE_LOGIN_FAILURES_PER_EMAIL", default_value_t = 10)]
    pub login_failures_per_email: u32,

    /// Seconds over which failed sign-ins per email are counted.
    #[arg(long, env = "ORGSPACE_LOGIN_FAILURE_WINDOW", default_value_t = 900)]
    pub login_failure_window: i64,

    /// Sign-in attempts allowed per client address per minute.
    #[arg(long, env = "ORGSPACE_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 60)]
    pub login_attempts_per_minute: u32,

    /// Registrations allowed per client address per hour.
    #[arg(long, env = "ORGSPACE_REGISTRATIONS_PER_HOUR", default_value_t = 20)]
    pub registrations_per_hour: u32,

    /// Seconds an email verification link stays valid.
    #[arg(
        long,
        env = "ORGSPACE_EMAIL_VERIFICATION_TTL",
        default_value_t = 86_400
    )]
    pub email_verification_ttl: i64,

    /// Seconds a password reset link stays valid.
    #[arg(long, env = "ORGSPACE_PASSWORD_RESET_TTL", default_value_t = 3_600)]
    pub password_reset_ttl: i64,

    /// Seconds a sign-in whose password was right waits for its second factor.
    #[arg(long, env = "ORGSPACE_PENDING_SIGN_IN_TTL", default_value_t = domain::two_factor::PENDING_SIGN_IN_SECONDS)]
    pub pending_sign_in_ttl: i64,

    /// Password reset mails asked for per email, and per client address, per hour.
    #[arg(long, env = "ORGSPACE_PASSWORD_RESETS_PER_HOUR", default_value_t = 5)]
    pub password_resets_per_hour: u32,

    /// Verification mails a user may ask for again per hour.
    #[arg(
        long,
        env = "ORGSPACE_VERIFICATION_MAILS_PER_HOUR",
        default_value_t = 5
    )]
    pub verification_mails_per_hour: u32,

    /// The DNS server domain verification asks (`host:port`, UDP then TCP);
    /// without it, the system's resolvers.
    #[arg(long, env = "ORGSPACE_DNS_SERVER")]
    pub dns_server: Option<std::net::SocketAddr>,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "ORGSPACE_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// SMTP server for mail (`smtps://user:pass@smtp.example.com:465`); without it,
    /// mail goes to `--mail-outbox`.
    #[arg(long, env = "ORGSPACE_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of Orgspace's mail.
    #[arg(
        long,
        env = "ORGSPACE_MAIL_FROM",
        default_value = "Orgspace <no-reply@orgspace.localhost>"
    )]
    pub mail_from: String,

    /// Database connections per server process.
    #[arg(long, env = "ORGSPACE_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
}

impl Config {
    /// The defaults, as if started with no flags and no environment.
    pub fn defaults() -> Self {
        Cli::parse_from(["orgspace"]).config
    }

    /// Whether session cookies must carry `Secure`.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    /// The address links in mail point to, and passkeys are bound to.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => self.local_url(),
        }
    }

    /// Where this process listens, as a browser should open it: a loopback
    /// address by the name `localhost` (WebAuthn needs a domain; browsers
    /// refuse passkeys for a bare IP address).
    pub fn local_url(&self) -> String {
        match self.addr.ip().is_loopback() {
            true => format!("http://localhost:{}", self.addr.port()),
            false => format!("http://{}", self.addr),
        }
    }

    /// The membership limits of `domain`.
    pub fn limits(&self) -> domain::rules::Limits {
        domain::rules::Limits {
            max_orgs_per_user: self.max_orgs_per_user,
        }
    }
}
