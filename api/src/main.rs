//! The `sluss` binary: parses the command line and dispatches.

use std::process::ExitCode;

use clap::Parser;
use sluss_api::config::AllowedOrigins;
use sluss_api::config::{Cli, Command, CreateUserArgs, SeedArgs, ServeArgs, UserCommand};
use sluss_api::passwords::Passwords;
use sluss_api::routes::auth::ensure_facilitator;
use sluss_api::routes::text::Text;
use sluss_api::routes::users::{ApiRole, NewAccount, prepare_account};
use sluss_api::state::{AppState, AuthSettings, HttpSettings};
use sluss_api::{demo, persistence, startup, telemetry};

/// mimalloc returns freed memory to the system promptly; glibc's allocator keeps a heap per
/// thread and held on to every password hash's 19 MiB (ADR 0010).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_subscriber(telemetry::get_subscriber("info", cli.log_format, std::io::stderr));
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => startup::connect_and_migrate(&args.database_url)
            .await
            .map(|_| tracing::info!("migrations applied"))
            .map_err(|e| e.to_string()),
        Command::User(UserCommand::Create(args)) => create_user(args).await,
        Command::Seed(args) => seed(args).await,
        Command::Openapi => startup::openapi_json()
            .map(|spec| println!("{spec}"))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!(error = %message, "sluss failed");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn state_for(database_url: &str, auth: AuthSettings, http: HttpSettings) -> Result<AppState, String> {
    let db = startup::connect_and_migrate(database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let passwords = Passwords::new(startup::hashing_concurrency()).map_err(|e| e.to_string())?;
    let writes = persistence::WriteQueue::connect(database_url, &db)
        .await
        .map_err(|e| format!("database: {e}"))?;
    Ok(AppState::with_writes(db, writes, passwords, auth, http))
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let auth = AuthSettings {
        token_ttl: chrono::Duration::hours(args.token_ttl_hours),
        ..AuthSettings::default()
    };
    let http = HttpSettings {
        idempotency_ttl: chrono::Duration::hours(args.idempotency_ttl_hours),
        cors_origins: args.cors_allowed_origins.clone().unwrap_or(AllowedOrigins::None),
    };
    let state = state_for(&args.database.database_url, auth, http).await?;
    let created = ensure_facilitator(
        &state,
        args.admin_email.clone(),
        args.admin_password.as_ref().map(|s| s.expose().to_owned()),
    )
    .await
    .map_err(|e| format!("creating the first facilitator: {e}"))?;
    match created {
        Some((email, Some(password))) => {
            println!("Created the first facilitator {email} with the password: {password}");
            println!("It is shown only this once; log in and keep it safe.");
        }
        Some((email, None)) => tracing::info!(user.email = %email, "created the first facilitator"),
        None => {}
    }
    if args.demo {
        match demo::load(&state).await.map_err(|e| format!("loading the demo: {e}"))? {
            Some(data) => {
                println!(
                    "Loaded the demo cases. Every demo account's password is: {}",
                    data.password
                );
                for account in data.accounts {
                    println!("  {:<34} {:<14} {}", account.email, account.roles, account.organisation);
                }
            }
            None => println!("The database already holds challenges or ideas; the demo was not loaded."),
        }
    }
    tracing::info!(bind = %args.bind, "sluss listening");
    startup::serve(startup::build_app(state), &args.bind)
        .await
        .map_err(|e| format!("server: {e}"))
}

async fn create_user(args: CreateUserArgs) -> Result<(), String> {
    let state = state_for(
        &args.database.database_url,
        AuthSettings::default(),
        HttpSettings::default(),
    )
    .await?;
    let roles = args
        .roles
        .iter()
        .map(|name| match name.trim() {
            "needs_owner" => Ok(ApiRole::NeedsOwner),
            "innovator" => Ok(ApiRole::Innovator),
            "assessor" => Ok(ApiRole::Assessor),
            "facilitator" => Ok(ApiRole::Facilitator),
            other => Err(format!("unknown role '{other}'")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let account = NewAccount {
        email: Text(args.email),
        password: Text::from(args.password.expose()),
        display_name: Text(args.display_name),
        organisation: args.organisation.map(Text),
        roles,
    };
    let new_user = prepare_account(&state, account).await.map_err(|e| e.to_string())?;
    let row = persistence::users::insert(&state.db, new_user, chrono::Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    println!("Created user {} ({})", row.email, row.id);
    Ok(())
}

async fn seed(args: SeedArgs) -> Result<(), String> {
    let state = state_for(
        &args.database.database_url,
        AuthSettings::default(),
        HttpSettings::default(),
    )
    .await?;
    let size = sluss_api::seed::SeedSize {
        challenges: args.challenges,
        ideas: args.ideas,
    };
    let accounts = sluss_api::seed::seed(&state, size).await?;
    println!("Seeded {} challenges and {} ideas.", args.challenges, args.ideas);
    println!("Accounts (password \"{}\"):", accounts.password);
    println!("  facilitator {}", accounts.facilitator);
    println!("  innovator   {}", accounts.innovator);
    println!("  assessor    {}", accounts.assessor);
    Ok(())
}
