//! The `bayanihan` command: serve the API, migrate, seed, print the API document.

use std::process::ExitCode;

use bayanihan::auth::Role;
use bayanihan::config::Config;
use bayanihan::db::Db;
use bayanihan::startup::{Application, Signals};
use bayanihan::{openapi, seed, telemetry};
use clap::{Args, Parser, Subcommand};

/// Bayanihan: learning cloud and community of practice for trade unions.
///
/// Configuration comes from environment variables (see the README).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load demo or synthetic data; running it again adds nothing.
    Seed(SeedArgs),
    /// Print the OpenAPI document (regenerates api-docs/openapi.json).
    Openapi,
    /// Administration tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Put the community digests that are due into the email outbox, once (the server
    /// does it every five minutes), and print how many were queued.
    Digests {
        /// The time to send as of (RFC 3339), instead of now: for demos and tests.
        #[arg(long)]
        now: Option<String>,
    },
    /// Put the reminders that are due into the email outbox, once (the server does it every
    /// minute): live sessions (a day and an hour before), surveys (once per person) and
    /// follow-up check-ins (once per plan and round); print how many were queued.
    Reminders {
        /// The time to send as of (RFC 3339), instead of now: for demos and tests.
        #[arg(long)]
        now: Option<String>,
    },
    /// Regrade a question whose answer key was wrong, after correcting it: every attempt
    /// that asked it is scored against its current version (submitted ones at once), and
    /// the regrade is recorded with the reason.
    Regrade {
        /// The question's id.
        #[arg(long)]
        question: i64,
        /// Why (kept in the audit trail), 1 to 500 characters.
        #[arg(long)]
        reason: String,
    },
    /// Compare the resource library's files with the database and list what does not
    /// match (rows without a file, files without a row, uploads never finished); with
    /// `--fix`, repair it. Exits 1 when something was found and not fixed.
    LibraryRepair {
        /// Move, delete or forget what does not match.
        #[arg(long)]
        fix: bool,
    },
    /// Rebuild this instance's post search index (`BAYANIHAN_SEARCH_DIR`) from the database
    /// and print how many posts it holds. The server of that folder must be stopped (it
    /// holds the index; it also rebuilds a missing or unreadable index when it starts).
    SearchRebuild,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a verified account. The password comes from BAYANIHAN_ADMIN_PASSWORD, or else
    /// from the first line of standard input.
    CreateUser {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// The display name.
        #[arg(long)]
        name: String,
        /// Platform role: member, trainer, coordinator or admin.
        #[arg(long, default_value = "member", value_parser = ["member", "trainer", "coordinator", "admin"])]
        role: String,
    },
}

#[derive(Args)]
#[group(required = true, multiple = true)]
struct SeedArgs {
    /// Load the demo directory of unions in Asia and the Pacific.
    #[arg(long)]
    demo: bool,
    /// Make sure N synthetic organisations and N synthetic members exist (for benchmarks); implies --demo.
    #[arg(long, value_name = "N")]
    scale: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        return match openapi::document_json() {
            Ok(json) => {
                print!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("bayanihan: cannot serialise the OpenAPI document: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            say(&format!("bayanihan: configuration error: {err:#}"));
            return ExitCode::from(2);
        }
    };
    let _logs = telemetry::init(config.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config),
        Command::Migrate => migrate(&config),
        Command::Seed(args) => run_seed(&config, &args),
        Command::Admin(AdminCommand::CreateUser { email, name, role }) => {
            create_user(&config, &email, &name, &role)
        }
        Command::Digests { now } => send_digests(&config, now.as_deref()),
        Command::Reminders { now } => send_reminders(&config, now.as_deref()),
        Command::Regrade { question, reason } => regrade(&config, question, reason),
        Command::LibraryRepair { fix } => library_repair(&config, fix),
        Command::SearchRebuild => search_rebuild(&config),
        Command::Openapi => unreachable!("handled above"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "bayanihan failed");
            say(&format!("bayanihan: {err:#}"));
            ExitCode::FAILURE
        }
    }
}

/// Writes a line to standard error; when stderr is gone (closed pipe, full disk) the line is
/// lost, but the command still ends with its own exit code rather than a panic.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn serve(config: &Config) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let signals = Signals::install()?;
        let app = Application::build(config)?;
        app.run_until_signalled(signals).await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(config.database_url.clone(), 1)?;
    let ran = db.migrate()?;
    tracing::info!(migrations.applied = ran, "database migrated");
    Ok(())
}

fn run_seed(config: &Config, args: &SeedArgs) -> anyhow::Result<()> {
    let db = Db::connect(config.database_url.clone(), 2)?;
    db.migrate()?;
    let report = match args.scale {
        Some(n) => seed::scale(&db, n)?,
        None => seed::demo(&db)?,
    };
    let resources = actix_web::rt::System::new().block_on(async {
        let mut added = seed::library::demo(&db, &config.library).await?;
        if let Some(n) = args.scale {
            added += seed::library::scale(&db, n).await?;
        }
        Ok::<_, anyhow::Error>(added)
    })?;
    seed::library::demo_links(&db)?;
    seed::translations::demo_library(&db)?;
    tracing::info!(resources.added = resources, "demo library seeded");
    seed::analyze(&db)?;
    tracing::info!(
        organisations.added = report.organisations,
        users.added = report.users,
        "seed done"
    );
    println!(
        "seed: {} organisations and {} accounts added",
        report.organisations, report.users
    );
    Ok(())
}

/// `--now`, or the present.
fn now_or(now: Option<&str>) -> anyhow::Result<chrono::NaiveDateTime> {
    Ok(match now {
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .map_err(|e| anyhow::anyhow!("--now must be an RFC 3339 time: {e}"))?
            .naive_utc(),
        None => bayanihan::db::now(),
    })
}

fn search_rebuild(config: &Config) -> anyhow::Result<()> {
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    let mut conn = db.conn()?;
    let index = bayanihan::search::index::SearchIndex::create(&config.search_dir, &mut conn)?;
    let count = index.rebuild(&mut conn)?;
    // The server that opens this index registers itself; this command holds no position.
    bayanihan::search::changes::forget(&mut conn, index.instance())?;
    println!(
        "search-rebuild: {count} posts indexed in {}",
        index.dir().display()
    );
    Ok(())
}

fn library_repair(config: &Config, fix: bool) -> anyhow::Result<()> {
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    let storage = bayanihan::library::storage::Storage::open(&config.library)?;
    let report = actix_web::rt::System::new()
        .block_on(bayanihan::library::repair::run(&db, &storage, fix))?;
    let verb = if fix { "fixed" } else { "found" };
    for key in &report.unpromoted {
        println!(
            "unpromoted {key}: the row is written, the file was still under its temporary key ({verb})"
        );
    }
    for key in &report.missing {
        println!("missing {key}: a row without its file ({verb}; the row is removed with --fix)");
    }
    for key in &report.strays {
        println!("stray {key}: a file without a row ({verb}; deleted with --fix)");
    }
    println!(
        "library-repair: {} unpromoted, {} missing, {} strays{}",
        report.unpromoted.len(),
        report.missing.len(),
        report.strays.len(),
        if fix { ", all fixed" } else { "" }
    );
    if !fix && !report.is_clean() {
        anyhow::bail!("the library's files and database do not match; run with --fix");
    }
    Ok(())
}

fn send_reminders(config: &Config, now: Option<&str>) -> anyhow::Result<()> {
    let now = now_or(now)?;
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    bayanihan::http::links::set(&config.public_url, &config.api_url);
    let mut conn = db.conn()?;
    let mut sent = 0;
    for (kind, send_due) in bayanihan::startup::reminders() {
        let n = send_due(&mut conn, now)?;
        tracing::info!(
            reminders.kind = kind,
            reminders.sent = n,
            "reminders queued"
        );
        sent += n;
    }
    println!("reminders: {sent} emails queued");
    Ok(())
}

fn send_digests(config: &Config, now: Option<&str>) -> anyhow::Result<()> {
    let now = now_or(now)?;
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    bayanihan::http::links::set(&config.public_url, &config.api_url);
    let mut conn = db.conn()?;
    let sent = bayanihan::notifications::digest::send_due(&mut conn, now)?;
    tracing::info!(digests.sent = sent, "digests queued");
    println!("digests: {sent} emails queued");
    Ok(())
}

fn regrade(config: &Config, question: i64, reason: String) -> anyhow::Result<()> {
    use bayanihan::assessment::{dto, regrade};
    let reason = dto::regrade_reason(dto::RegradeRequest { reason })
        .map_err(|e| anyhow::anyhow!("--reason: {e}"))?;
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    let mut conn = db.conn()?;
    let id = bayanihan::types::ids::QuestionId(question);
    let outcome = bayanihan::db::write_transaction(&mut conn, |conn| {
        regrade::regrade(
            conn,
            regrade::Requester::CommandLine,
            id,
            reason,
            bayanihan::db::now(),
        )
    })
    .map_err(|e| anyhow::anyhow!("question {question}: {e}"))?;
    let r = &outcome.regrade;
    tracing::info!(question.id = question, regrade.id = %r.id, "question regraded");
    println!(
        "regrade {}: question {} at version {}: {} attempts rescored, {} changed",
        r.id, question, r.version, r.attempts_rescored, r.scores_changed
    );
    Ok(())
}

fn create_user(config: &Config, email: &str, name: &str, role: &str) -> anyhow::Result<()> {
    let password = match std::env::var("BAYANIHAN_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            say("password (min. 10 characters), then Enter:");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let db = Db::connect(config.database_url.clone(), 1)?;
    db.migrate()?;
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
    let user =
        bayanihan::accounts::service::create_verified_user(&db, email, name, role, password)?;
    println!(
        "created user {} ({}) with role {}",
        user.id, user.display_name, user.role
    );
    Ok(())
}
