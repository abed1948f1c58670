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
// Parsed once in `main` and matched at once: the size of `serve`'s options costs nothing.
#[allow(clippy::large_enum_variant)]
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
    /// Remove the bytes in the file store that no attachment points at (left by an upload
    /// cut off between its bytes and its row); `serve` does this once a day by itself.
    SweepFiles(SweepArgs),
    /// Run every scheduled job once (retention) as of a moment, and exit; `serve` runs them
    /// by itself.
    RunJobs(RunJobsArgs),
}

/// What the scheduled jobs do (SPEC §16, ADR 0038).
#[derive(Debug, Clone, Args)]
pub struct JobArgs {
    /// Months an account may go unused (no sign-in, no token used) before it is erased;
    /// its owner is told by e-mail 30 days before. 0 keeps accounts for ever.
    #[arg(long, env = "SLUSS_RETENTION_MONTHS", default_value_t = crate::app::retention::DEFAULT_MONTHS, value_parser = parse_retention_months)]
    pub retention_months: u32,
}

/// Options of `sluss run-jobs`.
#[derive(Debug, Clone, Args)]
pub struct RunJobsArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// What the jobs do.
    #[command(flatten)]
    pub jobs: JobArgs,
    /// The moment to run the jobs as of, in RFC 3339 (`2026-12-24T08:00:00Z`); now when
    /// absent. A run as of another moment is not counted as the daily run.
    #[arg(long, value_parser = parse_moment)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// A moment in RFC 3339, such as `2026-12-24T08:00:00Z` or `2026-12-24T09:00:00+01:00`.
pub fn parse_moment(value: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(value.trim())
        .map(|moment| moment.with_timezone(&chrono::Utc))
        .map_err(|e| format!("'{value}' is not an RFC 3339 moment like 2026-12-24T08:00:00Z ({e})"))
}

/// 0 (kept for ever) or 2 to 600 months: a single month would warn every account as soon
/// as it is left, since the warning comes 30 days ahead.
fn parse_retention_months(value: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(months) if months == 0 || (2..=600).contains(&months) => Ok(months),
        _ => Err(format!("'{value}' is not 0 (off) or a number of months from 2 to 600")),
    }
}

/// Where the bytes of documents are kept, and how large one may be (SPEC §15).
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// `file://<folder>` (created if missing) or `s3://<bucket>?endpoint=<url>&region=<name>`
    /// for any S3-compatible store, with credentials from the usual `AWS_*` variables.
    #[arg(long, env = "SLUSS_STORAGE_URL", default_value = crate::files::DEFAULT_STORAGE_URL)]
    pub storage_url: String,
    /// The largest file accepted, in MiB.
    #[arg(long, env = "SLUSS_MAX_UPLOAD_MIB", default_value_t = sluss_domain::attachment::DEFAULT_MAX_UPLOAD_MIB, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_upload_mib: u64,
}

/// Options of `sluss sweep-files`.
#[derive(Debug, Clone, Args)]
pub struct SweepArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The file store.
    #[command(flatten)]
    pub storage: StorageArgs,
    /// Leave bytes written less than this many minutes ago (an upload may be writing its row).
    #[arg(long, default_value_t = 60)]
    pub older_than_minutes: i64,
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
    /// The file store.
    #[command(flatten)]
    pub storage: StorageArgs,
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
    /// How many hours an `Idempotency-Key` and its answer are kept for retries.
    #[arg(long, env = "SLUSS_IDEMPOTENCY_TTL_HOURS", default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=720))]
    pub idempotency_ttl_hours: i64,
    /// Comma-separated origins (`https://host[:port]`) whose pages may call the API from a
    /// browser, or `*` for any; by default none (no CORS headers at all).
    #[arg(long, env = "SLUSS_CORS_ALLOWED_ORIGINS", value_parser = AllowedOrigins::parse)]
    pub cors_allowed_origins: Option<AllowedOrigins>,
    /// The address people reach this server at; with `https://` the session cookies are
    /// marked `Secure`.
    #[arg(long, env = "SLUSS_PUBLIC_URL", default_value = "http://127.0.0.1:8080", value_parser = parse_public_url)]
    pub public_url: String,
    /// The mail server notifications and reset links are sent through, as
    /// `smtp://host:port`, `smtps://user:password@host:465` or `smtp://…?tls=required`
    /// (STARTTLS). Without it nothing is e-mailed; the inbox works the same.
    #[arg(long, env = "SLUSS_SMTP_URL", hide_env_values = true, requires = "mail_from")]
    pub smtp_url: Option<Secret>,
    /// The sender of sluss's e-mail, as `sluss@city.se` or `"Innovation team <sluss@city.se>"`.
    #[arg(long, env = "SLUSS_MAIL_FROM", requires = "smtp_url")]
    pub mail_from: Option<String>,
    /// Let webhooks be registered for and sent to loopback, private (RFC 1918, ULA), shared
    /// and link-local addresses; refused by default, as a guard against requests into the
    /// server's own network.
    #[arg(long, env = "SLUSS_WEBHOOK_ALLOW_PRIVATE", value_parser = clap::builder::BoolishValueParser::new())]
    pub webhook_allow_private: bool,
    /// Facilitators who sign in with a password set up a TOTP app (RFC 6238) at their next
    /// sign-in and enter its code at every sign-in after (SPEC §16). Off by default.
    #[arg(long, env = "SLUSS_REQUIRE_STAFF_2FA", value_parser = clap::builder::BoolishValueParser::new())]
    pub require_staff_2fa: bool,
    /// Seconds a client has to send a request's whole header, from its first byte; a
    /// slower connection is closed.
    #[arg(long, env = "SLUSS_HEADER_READ_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_read_timeout_secs: u64,
    /// Seconds a kept-alive connection may wait for its next request before it is closed.
    #[arg(long, env = "SLUSS_IDLE_TIMEOUT_SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// What the scheduled jobs do.
    #[command(flatten)]
    pub jobs: JobArgs,
    /// Signing in through the city's OpenID Connect provider, and password sign-in.
    #[command(flatten)]
    pub identity: IdentityArgs,
}

/// Signing in through the city's OpenID Connect provider, and whether passwords sign in
/// (SPEC §16, ADR 0036).
#[derive(Debug, Clone, Args)]
pub struct IdentityArgs {
    /// The provider's issuer, as it names itself (`https://…`; `http://` only on a loopback
    /// address). With it, `/login` shows "Log in with {name}".
    #[arg(long, env = "SLUSS_OIDC_ISSUER", value_parser = crate::oidc::parse_issuer,
        requires_all = ["oidc_client_id", "oidc_client_secret", "oidc_name"])]
    pub oidc_issuer: Option<String>,
    /// sluss's client id at the provider.
    #[arg(long, env = "SLUSS_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// sluss's client secret at the provider.
    #[arg(
        long,
        env = "SLUSS_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        requires = "oidc_issuer"
    )]
    pub oidc_client_secret: Option<Secret>,
    /// The provider's name on the login page, as in "Log in with {name}".
    #[arg(long, env = "SLUSS_OIDC_NAME", requires = "oidc_issuer")]
    pub oidc_name: Option<String>,
    /// The claim of the ID token whose values grant roles (e.g. `groups`).
    #[arg(long, env = "SLUSS_OIDC_ROLE_CLAIM", requires_all = ["oidc_issuer", "oidc_role_map"])]
    pub oidc_role_claim: Option<String>,
    /// Which roles follow which values of the role claim, set at each sign-in:
    /// `facilitator=<value>,assessor=<value>` (roles not named are left alone).
    #[arg(long, env = "SLUSS_OIDC_ROLE_MAP", value_parser = crate::oidc::RoleMap::parse, requires = "oidc_role_claim")]
    pub oidc_role_map: Option<crate::oidc::RoleMap>,
    /// `off` hides password sign-in and registration: people sign in through the provider
    /// (the first facilitator can still be made on the command line).
    #[arg(long, env = "SLUSS_PASSWORD_LOGIN", value_enum, default_value = "on")]
    pub password_login: OnOff,
}

/// A switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

/// A public URL: `http://` or `https://` and a host, without a trailing slash.
fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| "must start with http:// or https://".to_owned())?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err("must name a host, as in https://sluss.malmo.se".to_owned());
    }
    Ok(trimmed.to_owned())
}

/// Which other origins may call the API from a browser page (CORS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedOrigins {
    /// None: no CORS headers, so browsers keep other sites' pages out (the default).
    None,
    /// Any origin (`*`). Tokens travel in the `Authorization` header, never in cookies, so
    /// a page can only act with a token its user gave it.
    Any,
    /// Exactly these origins, lower-case, as browsers send them in `Origin`.
    List(Vec<String>),
}

impl AllowedOrigins {
    /// Reads a comma-separated list of origins, or `*`; an empty list is [`AllowedOrigins::None`].
    pub fn parse(list: &str) -> Result<Self, String> {
        let entries: Vec<&str> = list.split(',').map(str::trim).filter(|e| !e.is_empty()).collect();
        match entries.as_slice() {
            [] => Ok(AllowedOrigins::None),
            ["*"] => Ok(AllowedOrigins::Any),
            _ => entries
                .iter()
                .map(|entry| parse_origin(entry))
                .collect::<Result<Vec<_>, _>>()
                .map(AllowedOrigins::List),
        }
    }
}

/// One origin: `http` or `https`, a host, an optional port, and nothing else (no path, not
/// even a trailing slash: browsers never send one, so it would never match).
fn parse_origin(entry: &str) -> Result<String, String> {
    let origin = entry.to_ascii_lowercase();
    let refuse = |why: &str| {
        Err(format!(
            "'{entry}' is not an origin like https://ideas.example.org ({why})"
        ))
    };
    if origin == "*" {
        return refuse("* stands alone");
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return refuse("no scheme");
    };
    if scheme != "http" && scheme != "https" {
        return refuse("the scheme is http or https");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, _)) if !host.ends_with(']') && host.contains(':') => (authority, None),
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    };
    if !host_ok {
        return refuse("a host, with no path, user or query");
    }
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return refuse("the port is a number up to 65535");
    }
    Ok(origin)
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{AllowedOrigins, Cli, Command};

    fn serve_args(args: &[&str]) -> super::ServeArgs {
        let argv = ["sluss", "serve"].iter().chain(args).copied();
        match Cli::try_parse_from(argv).map(|cli| cli.command) {
            Ok(Command::Serve(args)) => args,
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn webhooks_to_private_addresses_are_refused_unless_allowed() {
        assert!(!serve_args(&[]).webhook_allow_private);
        assert!(serve_args(&["--webhook-allow-private"]).webhook_allow_private);
        assert_eq!(serve_args(&[]).header_read_timeout_secs, 10);
        assert_eq!(serve_args(&[]).idle_timeout_secs, 60);
        assert_eq!(serve_args(&["--idle-timeout-secs", "5"]).idle_timeout_secs, 5);
    }

    #[test]
    fn run_jobs_reads_a_moment_and_the_retention_period() {
        let parsed =
            Cli::try_parse_from(["sluss", "run-jobs", "--now", "2026-12-24T09:00:00+01:00"]).map(|cli| cli.command);
        match parsed {
            Ok(Command::RunJobs(args)) => {
                assert_eq!(
                    args.now.map(|at| at.to_rfc3339()),
                    Some("2026-12-24T08:00:00+00:00".to_owned())
                );
                assert_eq!(args.jobs.retention_months, 24);
            }
            other => panic!("not run-jobs: {other:?}"),
        }
        assert_eq!(serve_args(&["--retention-months", "0"]).jobs.retention_months, 0);
        assert_eq!(serve_args(&["--retention-months", "36"]).jobs.retention_months, 36);
        for bad in ["1", "601", "-3", "two"] {
            let refused = Cli::try_parse_from(["sluss", "serve", "--retention-months", bad]);
            assert!(refused.is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_bad_moment_is_refused_with_what_is_expected() {
        let error = Cli::try_parse_from(["sluss", "run-jobs", "--now", "yesterday"])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("RFC 3339"), "{error}");
        assert!(error.contains("--now"), "{error}");
    }

    #[test]
    fn the_identity_provider_is_configured_whole_and_checked_at_start() {
        let args = serve_args(&[]);
        assert!(args.identity.oidc_issuer.is_none());
        assert_eq!(args.identity.password_login, super::OnOff::On);
        let whole = [
            "--oidc-issuer",
            "https://login.malmo.se",
            "--oidc-client-id",
            "sluss",
            "--oidc-client-secret",
            "s",
            "--oidc-name",
            "Malmö",
        ];
        assert!(serve_args(&whole).identity.oidc_issuer.is_some());
        let parse = |extra: &[&str]| {
            let argv = ["sluss", "serve"].iter().chain(whole.iter()).chain(extra).copied();
            Cli::try_parse_from(argv).map(|_| ())
        };
        assert!(parse(&["--oidc-role-claim", "groups", "--oidc-role-map", "facilitator=staff"]).is_ok());
        assert!(parse(&["--oidc-role-claim", "groups", "--oidc-role-map", "boss=staff"]).is_err());
        assert!(parse(&["--oidc-role-map", "facilitator=staff"]).is_err());
        assert!(parse(&["--password-login", "off"]).is_ok());
        assert!(parse(&["--password-login", "maybe"]).is_err());
        let http = [
            "sluss",
            "serve",
            "--oidc-issuer",
            "http://login.malmo.se",
            "--oidc-client-id",
            "a",
        ];
        assert!(Cli::try_parse_from(http).is_err());
        assert!(Cli::try_parse_from(["sluss", "serve", "--oidc-issuer", "https://login.malmo.se"]).is_err());
    }

    #[test]
    fn an_empty_list_allows_no_origin() {
        assert_eq!(AllowedOrigins::parse(""), Ok(AllowedOrigins::None));
        assert_eq!(AllowedOrigins::parse(" , "), Ok(AllowedOrigins::None));
    }

    #[test]
    fn a_star_allows_any_origin() {
        assert_eq!(AllowedOrigins::parse("*"), Ok(AllowedOrigins::Any));
    }

    #[test]
    fn origins_are_read_trimmed_and_lower_case() {
        assert_eq!(
            AllowedOrigins::parse("https://Ideas.Malmo.se, http://localhost:5173,http://[::1]:8080"),
            Ok(AllowedOrigins::List(vec![
                "https://ideas.malmo.se".to_owned(),
                "http://localhost:5173".to_owned(),
                "http://[::1]:8080".to_owned(),
            ]))
        );
    }

    #[test]
    fn what_is_not_an_origin_is_refused() {
        for bad in [
            "ideas.malmo.se",
            "ftp://ideas.malmo.se",
            "https://ideas.malmo.se/",
            "https://ideas.malmo.se/path",
            "https://user@ideas.malmo.se",
            "https://ideas.malmo.se:99999",
            "https://",
            "*,https://ideas.malmo.se",
        ] {
            assert!(AllowedOrigins::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
