//! Typed configuration: command-line flags with environment fallbacks, parsed once in
//! `main` and passed down.

use clap::{Args, Parser, Subcommand};

use crate::telemetry::LogFormat;

/// A secret that never shows in logs or debug output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// The default database: an SQLite file in the working directory, created if missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://sluss.db?mode=rwc";

/// sluss — a city's innovation accelerator, from need to tested solution.
#[derive(Debug, Parser)]
#[command(name = "sluss", version, about)]
pub struct Cli {
    /// Log format.
    #[arg(long, env = "SLUSS_LOG_FORMAT", value_enum, default_value = "compact", global = true)]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, make sure a facilitator exists, and serve the API.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate(DatabaseArgs),
    /// Manage users from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document.
    Openapi,
    /// Fill an empty database with generated data for benchmarks.
    Seed(SeedArgs),
}

/// Options of `sluss seed`.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How many challenges.
    #[arg(long, default_value_t = 1_000)]
    pub challenges: u64,
    /// How many ideas.
    #[arg(long, default_value_t = 10_000)]
    pub ideas: u64,
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE?mode=rwc` or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Options of `sluss serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SLUSS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// E-mail of the first facilitator, created when none exists.
    #[arg(long, env = "SLUSS_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password of the first facilitator; generated and printed once when absent.
    #[arg(long, env = "SLUSS_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Load the demo cases (Sege Park, Botildenborg, the QR-code recycling station, waste
    /// services without a car) into an empty database and print their accounts.
    #[arg(long)]
    pub demo: bool,
    /// How many hours a login token lives.
    #[arg(long, env = "SLUSS_TOKEN_TTL_HOURS", default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=720))]
    pub token_ttl_hours: i64,
}

/// `sluss user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with any roles.
    Create(CreateUserArgs),
}

/// Options of `sluss user create`.
#[derive(Debug, Clone, Args)]
pub struct CreateUserArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// E-mail address.
    #[arg(long)]
    pub email: String,
    /// Name shown to others.
    #[arg(long)]
    pub display_name: String,
    /// Organisation.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Comma-separated roles: needs_owner, innovator, assessor, facilitator.
    #[arg(long, value_delimiter = ',', required = true)]
    pub roles: Vec<String>,
    /// Password (15..128 characters).
    #[arg(long, env = "SLUSS_USER_PASSWORD", hide_env_values = true)]
    pub password: Secret,
}
