//! The scheduled jobs (SPEC §16, §17, §19; ADR 0038, 0040): what sluss does by itself on a
//! clock — the retention of unused accounts, once a day; the reminders of assignments due,
//! every hour; the opening and closing of arenas at their times, every 20 seconds.
//!
//! `serve` looks every 20 seconds for jobs that are due: a job is due when it has not run on
//! schedule within its period, so one missed while sluss was down runs at start. Each
//! job has a lease row in `job_leases`; of several processes on one database only the one
//! whose conditional UPDATE takes it runs the job, and a holder that dies loses it after
//! [`LEASE`](crate::persistence::jobs::LEASE). `sluss run-jobs` runs every job once as of
//! any moment, through the same lease.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::app::deadlines::{self, Reminded};
use crate::app::retention::{self, Retention};
use crate::config::{JobArgs, RunJobsArgs};
use crate::error::ApiError;
use crate::passwords::Passwords;
use crate::persistence::{self, jobs as leases};
use crate::startup;
use crate::state::{AppState, AuthSettings, HttpSettings};

/// How often `serve` looks for due jobs: often enough that an arena opens within a minute
/// of its start.
const TICK: StdDuration = StdDuration::from_secs(20);

/// What the jobs are set to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    /// Months an account may go unused before it is erased (0: never).
    pub retention_months: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            retention_months: retention::DEFAULT_MONTHS,
        }
    }
}

impl From<&JobArgs> for JobSettings {
    fn from(args: &JobArgs) -> Self {
        Self {
            retention_months: args.retention_months,
        }
    }
}

/// A scheduled job, with its name, period and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Warn, then erase, accounts unused for the retention period.
    Retention,
    /// Remind assessors of scorecards due within two days and overdue (SPEC §17).
    Reminders,
    /// Open and close arenas at their `starts_at` and `ends_at` (SPEC §17).
    Arenas,
}

/// What a run of a job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// The retention job's warnings and erasures.
    Retention(Retention),
    /// The reminders sent.
    Reminders(Reminded),
    /// The arenas opened and closed.
    Arenas(deadlines::Arenas),
}

impl std::fmt::Display for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Done::Retention(done) => write!(f, "{} accounts warned, {} erased", done.warned, done.erased),
            Done::Reminders(done) => write!(
                f,
                "{} assessors reminded of a scorecard due, {} of one overdue",
                done.due, done.overdue
            ),
            Done::Arenas(done) => write!(f, "{} arenas opened, {} closed", done.opened, done.closed),
        }
    }
}

impl Job {
    /// Every job, in the order they run.
    pub const ALL: [Job; 3] = [Job::Retention, Job::Reminders, Job::Arenas];

    /// The job's name, as its lease row and its logs and metrics name it.
    pub fn name(self) -> &'static str {
        match self {
            Job::Retention => "retention",
            Job::Reminders => "reminders",
            Job::Arenas => "arenas",
        }
    }

    /// How often it runs on schedule.
    pub fn period(self) -> Duration {
        match self {
            Job::Retention => Duration::days(1),
            Job::Reminders => Duration::hours(1),
            Job::Arenas => Duration::seconds(20),
        }
    }

    /// Runs the job once as of `now`.
    pub async fn run(self, state: &AppState, settings: JobSettings, now: DateTime<Utc>) -> Result<Done, ApiError> {
        match self {
            Job::Retention => Ok(Done::Retention(
                retention::run(state, settings.retention_months, now).await?,
            )),
            Job::Reminders => Ok(Done::Reminders(deadlines::remind(state, now).await?)),
            Job::Arenas => Ok(Done::Arenas(deadlines::open_and_close(state, now).await?)),
        }
    }
}

/// What became of one job in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It ran.
    Ran(Done),
    /// It was not due (it ran on schedule within its period).
    NotDue,
    /// Another process holds its lease.
    Elsewhere,
}

/// Runs the jobs of one process, under a holder name of its own.
#[derive(Debug, Clone)]
pub struct Scheduler {
    state: AppState,
    settings: JobSettings,
    holder: String,
}

impl Scheduler {
    /// The scheduler of `state`'s process.
    pub fn new(state: &AppState, settings: JobSettings) -> Self {
        Self {
            state: state.clone(),
            settings,
            holder: format!("{}-{}", std::process::id(), Uuid::now_v7().simple()),
        }
    }

    /// Runs each job that is due at `clock` (the real time: a job ran on schedule within
    /// its period before it is not due), as of `clock`.
    pub async fn run_due(&self, clock: DateTime<Utc>) -> Vec<(Job, Result<Outcome, ApiError>)> {
        let mut outcomes = Vec::new();
        for job in Job::ALL {
            let outcome = self.run_one(job, clock, clock, Some(clock - job.period())).await;
            outcomes.push((job, outcome));
        }
        outcomes
    }

    /// Runs every job once as of `as_of`, due or not (`sluss run-jobs`). Only a run as of
    /// the real time counts as the job's run on schedule.
    pub async fn run_all(&self, as_of: Option<DateTime<Utc>>) -> Vec<(Job, Result<Outcome, ApiError>)> {
        let clock = Utc::now();
        let mut outcomes = Vec::new();
        for job in Job::ALL {
            let outcome = match as_of {
                None => self.run_one(job, clock, clock, None).await,
                Some(as_of) => self.run_one_unscheduled(job, clock, as_of).await,
            };
            outcomes.push((job, outcome));
        }
        outcomes
    }

    /// Takes `job`'s lease at `clock` (if due before `due_before`, when given), runs it as
    /// of `as_of`, records `clock` as its run on schedule and gives the lease back.
    async fn run_one(
        &self,
        job: Job,
        clock: DateTime<Utc>,
        as_of: DateTime<Utc>,
        due_before: Option<DateTime<Utc>>,
    ) -> Result<Outcome, ApiError> {
        if !self.take(job, clock, due_before).await? {
            return self.why_not(job, clock).await;
        }
        let done = self.run_leased(job, as_of).await;
        self.release(job, done.is_ok().then_some(clock)).await?;
        Ok(Outcome::Ran(done?))
    }

    /// As [`Scheduler::run_one`], due or not, as of another moment than now: not counted as
    /// the run on schedule.
    async fn run_one_unscheduled(
        &self,
        job: Job,
        clock: DateTime<Utc>,
        as_of: DateTime<Utc>,
    ) -> Result<Outcome, ApiError> {
        if !self.take(job, clock, None).await? {
            return Ok(Outcome::Elsewhere);
        }
        let done = self.run_leased(job, as_of).await;
        self.release(job, None).await?;
        Ok(Outcome::Ran(done?))
    }

    async fn take(&self, job: Job, clock: DateTime<Utc>, due_before: Option<DateTime<Utc>>) -> Result<bool, ApiError> {
        let tx = self.state.begin_write().await?;
        leases::ensure(&tx, job.name()).await?;
        let taken = leases::take(&tx, job.name(), &self.holder, clock, clock + leases::LEASE, due_before).await?;
        tx.commit().await?;
        Ok(taken)
    }

    async fn release(&self, job: Job, ran_at: Option<DateTime<Utc>>) -> Result<(), ApiError> {
        let tx = self.state.begin_write().await?;
        leases::release(&tx, job.name(), &self.holder, ran_at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a job whose lease was not taken was not due, or is running elsewhere.
    async fn why_not(&self, job: Job, clock: DateTime<Utc>) -> Result<Outcome, ApiError> {
        let row = leases::find(&self.state.db, job.name()).await?;
        let held = row.and_then(|row| row.lease_until).is_some_and(|until| until > clock);
        Ok(if held { Outcome::Elsewhere } else { Outcome::NotDue })
    }

    async fn run_leased(&self, job: Job, as_of: DateTime<Utc>) -> Result<Done, ApiError> {
        let started = std::time::Instant::now();
        let done = job.run(&self.state, self.settings, as_of).await;
        let seconds = started.elapsed().as_secs_f64();
        match &done {
            Ok(what) => {
                self.state.metrics.job_ran(job.name(), "ok");
                tracing::info!(job = job.name(), as_of = %as_of, seconds, done = %what, "a scheduled job ran");
            }
            Err(error) => {
                self.state.metrics.job_ran(job.name(), "failed");
                tracing::warn!(job = job.name(), as_of = %as_of, seconds, %error, "a scheduled job failed; it runs again at the next look");
            }
        }
        done
    }
}

/// Runs the scheduled jobs in `serve`: at once (a run missed while sluss was down is due),
/// then every 20 seconds, as a supervised task.
pub fn start(state: &AppState, settings: JobSettings) {
    let scheduler = Scheduler::new(state, settings);
    if settings.retention_months == 0 {
        tracing::info!("retention is off (--retention-months 0): accounts are kept however long unused");
    } else {
        tracing::info!(
            retention_months = settings.retention_months,
            "accounts unused this long are warned 30 days before, then erased"
        );
    }
    state.tasks.supervise("jobs", move || {
        let scheduler = scheduler.clone();
        async move {
            loop {
                for (job, outcome) in scheduler.run_due(Utc::now()).await {
                    if let Err(error) = outcome {
                        tracing::warn!(job = job.name(), %error, "a scheduled job could not run");
                    }
                }
                tokio::time::sleep(TICK).await;
            }
        }
    });
}

/// `sluss run-jobs`: runs every job once as of `args.now` (now when absent) on the
/// database `args` names, and says what each did.
pub async fn run_jobs(args: &RunJobsArgs) -> Result<String, String> {
    let database_url = &args.database.database_url;
    let db = startup::connect_and_migrate(database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let passwords = Passwords::new(1).map_err(|e| e.to_string())?;
    let writes = persistence::WriteQueue::connect(database_url, &db)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let state = AppState::with_writes(db, writes, passwords, AuthSettings::default(), HttpSettings::default());
    let scheduler = Scheduler::new(&state, JobSettings::from(&args.jobs));
    let mut report = Vec::new();
    let mut failed = Vec::new();
    for (job, outcome) in scheduler.run_all(args.now).await {
        match outcome {
            Ok(Outcome::Ran(done)) => report.push(format!("{}: {done}", job.name())),
            Ok(Outcome::NotDue) => report.push(format!("{}: not due", job.name())),
            Ok(Outcome::Elsewhere) => {
                report.push(format!("{}: running in another process; not run", job.name()));
            }
            Err(error) => failed.push(format!("{}: {error}", job.name())),
        }
    }
    if failed.is_empty() {
        Ok(report.join("\n"))
    } else {
        Err(failed.join("; "))
    }
}
