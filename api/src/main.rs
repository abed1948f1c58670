//! The `sluss` binary: parses the command line and dispatches.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use sluss_api::app::accounts::{DEFAULT_LOCALE, Registration, ensure_facilitator, prepare_account};
use sluss_api::config::AllowedOrigins;
use sluss_api::config::OnOff;
use sluss_api::config::{Cli, Command, CreateUserArgs, SeedArgs, ServeArgs, StorageArgs, SweepArgs, UserCommand};
use sluss_api::files::FileStore;
use sluss_api::http::DOCS_PATH;
use sluss_api::oidc::{OidcProvider, OidcSettings};
use sluss_api::passwords::Passwords;
use sluss_api::startup::Timeouts;
use sluss_api::state::{AppState, AuthSettings, FileSettings, HttpSettings, IdentitySettings, WebhookSettings};
use sluss_api::{demo, mail, persistence, startup, telemetry, webhook_worker};
use sluss_domain::Role;

/// mimalloc returns freed memory to the system promptly; glibc's allocator keeps a heap per
/// thread and held on to every password hash's 19 MiB (ADR 0010).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init_subscriber(telemetry::get_subscriber(
        "info",
        cli.log_format,
        std::io::stderr().is_terminal(),
        std::io::stderr,
    ));
    let result = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => startup::connect_and_migrate(&args.database_url)
            .await
            .map(|_| tracing::info!("migrations applied"))
            .map_err(|e| e.to_string()),
        Command::User(UserCommand::Create(args)) => create_user(args).await,
        Command::Seed(args) => seed(args).await,
        Command::SweepFiles(args) => sweep_files(args).await,
        Command::RunJobs(args) => sluss_api::jobs::run_jobs(&args)
            .await
            .map(|report| println!("{report}")),
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
    // Bind first: a port already in use fails before the database is touched or a
    // password is printed.
    let acceptor = startup::bind(&args.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.bind))?;
    // One shutdown future for start-up and serving alike, so Ctrl-C or SIGTERM during a
    // long migration or read-model rebuild stops the process too.
    let mut shutdown = std::pin::pin!(startup::shutdown_signal());
    let state = tokio::select! {
        state = prepare(&args) => state?,
        () = &mut shutdown => return Ok(()),
    };
    start_mail(&args, &state)?;
    sluss_api::app::attachments::start_sweeps(&state);
    sluss_api::jobs::start(&state, sluss_api::jobs::JobSettings::from(&args.jobs));
    let addresses = startup::local_addresses(&acceptor);
    tracing::info!(bind = %args.bind, addresses = ?addresses, "sluss listening");
    for address in addresses {
        println!("sluss is serving http://{address}/ (API docs: http://{address}{DOCS_PATH})");
    }
    // Webhooks go out from a task of their own; stopped once the server has stopped, so
    // what it was sending stays pending and goes out after the next start.
    let worker = webhook_worker::start(state.clone());
    let timeouts = Timeouts {
        header_read: std::time::Duration::from_secs(args.header_read_timeout_secs),
        idle: std::time::Duration::from_secs(args.idle_timeout_secs),
    };
    let served = startup::serve(startup::build_app(state), acceptor, shutdown, timeouts)
        .await
        .map_err(|e| format!("server: {e}"));
    worker.stop().await;
    served
}

/// Starts the mail worker when a mail server is configured; says once that e-mail is off
/// otherwise.
fn start_mail(args: &ServeArgs, state: &AppState) -> Result<(), String> {
    match (&args.smtp_url, &args.mail_from) {
        (Some(url), Some(from)) => {
            let mailer = mail::Mailer::new(url.expose(), from, &args.public_url)?;
            tracing::info!(mail.from = %from, "e-mail is on: notifications and reset links are sent");
            mail::start(state, mailer);
        }
        _ => tracing::info!("e-mail is off (no --smtp-url): notifications stay in each person's inbox"),
    }
    Ok(())
}

/// Everything `serve` does before it answers: migrations, the first facilitator, the demo.
async fn prepare(args: &ServeArgs) -> Result<AppState, String> {
    let auth = AuthSettings {
        token_ttl: chrono::Duration::hours(args.token_ttl_hours),
        require_staff_2fa: args.require_staff_2fa,
        ..AuthSettings::default()
    };
    let http = HttpSettings {
        idempotency_ttl: chrono::Duration::hours(args.idempotency_ttl_hours),
        cors_origins: args.cors_allowed_origins.clone().unwrap_or(AllowedOrigins::None),
        public_url: args.public_url.clone(),
        mail_enabled: args.smtp_url.is_some(),
        webhooks: WebhookSettings {
            allow_private: args.webhook_allow_private,
        },
        files: file_settings(&args.storage)?,
        identity: identity_settings(args)?,
    };
    tracing::info!(storage = %http.files.store.place(), "documents are kept in this store");
    if args.webhook_allow_private {
        tracing::warn!("webhooks may be sent to loopback, private and link-local addresses");
    }
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
    Ok(state)
}

/// The file store and upload limit `args` name.
/// The OpenID Connect provider and password sign-in, as `--oidc-*` and `--password-login`
/// say. Discovery is tried at start in the background: a provider that is down then keeps
/// sluss from nothing, and is asked again at the next sign-in (ADR 0036).
fn identity_settings(args: &ServeArgs) -> Result<IdentitySettings, String> {
    let identity = &args.identity;
    let password_login = identity.password_login == OnOff::On;
    let oidc = match (
        &identity.oidc_issuer,
        &identity.oidc_client_id,
        &identity.oidc_client_secret,
        &identity.oidc_name,
    ) {
        (Some(issuer), Some(client_id), Some(client_secret), Some(name)) => {
            let roles = match (&identity.oidc_role_claim, &identity.oidc_role_map) {
                (Some(claim), Some(map)) => Some((claim.clone(), map.clone())),
                _ => None,
            };
            let provider = OidcProvider::new(OidcSettings {
                issuer: issuer.clone(),
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                name: name.clone(),
                roles,
                public_url: args.public_url.clone(),
            })?;
            tracing::info!(oidc.issuer = %issuer, oidc.redirect_uri = %provider.redirect_uri(),
                "sign-in through the identity provider is on");
            let warming = provider.clone();
            tokio::spawn(async move { warming.warm_up().await });
            Some(provider)
        }
        _ => None,
    };
    if !password_login {
        if oidc.is_none() {
            tracing::warn!("--password-login off without --oidc-issuer: nobody can sign in on the web");
        }
        tracing::info!("password sign-in is off");
    }
    Ok(IdentitySettings { password_login, oidc })
}

fn file_settings(args: &StorageArgs) -> Result<FileSettings, String> {
    Ok(FileSettings {
        store: FileStore::open(&args.storage_url).map_err(|e| format!("storage: {e}"))?,
        max_upload_bytes: args.max_upload_mib * 1024 * 1024,
    })
}

async fn sweep_files(args: SweepArgs) -> Result<(), String> {
    let http = HttpSettings {
        files: file_settings(&args.storage)?,
        ..HttpSettings::default()
    };
    let state = state_for(&args.database.database_url, AuthSettings::default(), http).await?;
    let grace = chrono::Duration::minutes(args.older_than_minutes.max(0));
    let removed = sluss_api::app::attachments::sweep(&state, grace)
        .await
        .map_err(|e| e.to_string())?;
    println!("Removed {removed} stored files that no attachment points at.");
    Ok(())
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
            "needs_owner" => Ok(Role::NeedsOwner),
            "innovator" => Ok(Role::Innovator),
            "assessor" => Ok(Role::Assessor),
            "facilitator" => Ok(Role::Facilitator),
            other => Err(format!("unknown role '{other}'")),
        })
        .collect::<Result<_, _>>()?;
    let account = Registration {
        email: args.email,
        password: args.password.expose().to_owned(),
        display_name: args.display_name,
        organisation: args.organisation,
        roles,
        locale: DEFAULT_LOCALE,
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
