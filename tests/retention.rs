//! Retention and the scheduled jobs (SPEC §16, §19; ADR 0038): an account unused for the
//! retention period is warned once by e-mail 30 days before, in its language, then erased
//! as a facilitator's erase does; facilitators never; sign-ins and tokens keep an account
//! in use; one process of several runs a job; a run missed while sluss was down runs at
//! start; `sluss run-jobs` runs them as of any moment.

use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use sluss_api::app::retention::{self, Retention};
use sluss_api::config::{DatabaseArgs, JobArgs, RunJobsArgs};
use sluss_api::jobs::{Done, Job, JobSettings, Outcome, Scheduler, run_jobs};
use sluss_api::mail::retention_letter;
use sluss_api::persistence::entities::{events, job_leases, sessions, users};
use sluss_api::persistence::mail::RETENTION_WARNING;
use sluss_api::web::i18n::{Lang, Tr};
use sluss_domain::Role;
use uuid::Uuid;

use crate::helpers::*;

fn months_ago(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months)).unwrap()
}

async fn row(app: &TestApp, id: &str) -> users::Model {
    users::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Sets when the account was last used, behind every cache, as the past would have.
async fn last_used(app: &TestApp, id: &str, at: DateTime<Utc>) {
    users::Entity::update_many()
        .col_expr(users::Column::LastActiveAt, Expr::value(at))
        .filter(users::Column::Id.eq(id.parse::<Uuid>().unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();
}

async fn speaks(app: &TestApp, id: &str, locale: &str) {
    users::Entity::update_many()
        .col_expr(users::Column::Locale, Expr::value(locale))
        .filter(users::Column::Id.eq(id.parse::<Uuid>().unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();
}

async fn warnings_to(app: &TestApp, id: &str) -> usize {
    app.mail_to(id)
        .await
        .iter()
        .filter(|mail| mail.letter.as_deref() == Some(RETENTION_WARNING))
        .count()
}

async fn run(app: &TestApp, months: u32, now: DateTime<Utc>) -> Retention {
    retention::run(&app.state, months, now).await.unwrap()
}

/// An innovator last seen 23 months and `days` days before `now`.
async fn unused_innovator(app: &TestApp, now: DateTime<Utc>, days: i64) -> TestUser {
    let person = app.innovator().await;
    last_used(app, &person.id, months_ago(now, 23) - Duration::days(days)).await;
    person
}

#[tokio::test]
async fn an_account_nearly_unused_for_the_period_is_warned_once_in_its_language() {
    let app = spawn_app().await;
    let now = Utc::now();
    let anna = unused_innovator(&app, now, 5).await;
    let bo = unused_innovator(&app, now, 5).await;
    speaks(&app, &bo.id, "en").await;
    let recent = app.innovator().await;
    last_used(&app, &recent.id, months_ago(now, 22)).await;

    assert_eq!(run(&app, 24, now).await, Retention { warned: 2, erased: 0 });
    assert_eq!(warnings_to(&app, &anna.id).await, 1);
    assert_eq!(warnings_to(&app, &bo.id).await, 1);
    assert_eq!(warnings_to(&app, &recent.id).await, 0);
    let mail = app.mail_to(&anna.id).await.remove(0);
    assert!(mail.due_at.is_some() && mail.sent_at.is_none());

    // The worker writes each in the account's own language, with the day of erasure.
    for (person, words) in [(&anna, "raderas"), (&bo, "will be erased")] {
        let account = row(&app, &person.id).await;
        let tr = Tr::new(Lang::parse(&account.locale).unwrap());
        let letter = retention_letter(&tr, &account, now + retention::WARNING_AHEAD, "https://sluss.example");
        assert!(letter.subject.contains(words), "{}", letter.subject);
        let day = (now + retention::WARNING_AHEAD).format("%Y-%m-%d").to_string();
        assert!(letter.body.contains(&day), "{}", letter.body);
        assert!(letter.body.contains("https://sluss.example/login"), "{}", letter.body);
    }

    // The next day's run warns nobody again, nor erases them before the 30 days.
    assert_eq!(run(&app, 24, now + Duration::days(1)).await, Retention::default());
    assert_eq!(run(&app, 24, now + Duration::days(29)).await, Retention::default());
    assert_eq!(warnings_to(&app, &anna.id).await, 1);
    assert!(row(&app, &anna.id).await.active);
}

#[tokio::test]
async fn an_account_unused_for_the_period_is_erased_as_a_facilitator_erases() {
    let app = spawn_app().await;
    let now = Utc::now();
    let person = app.innovator().await;
    last_used(&app, &person.id, months_ago(now, 24) - Duration::days(3)).await;
    // Never erased unwarned: the first run warns, even past the period.
    assert_eq!(run(&app, 24, now).await, Retention { warned: 1, erased: 0 });
    assert!(row(&app, &person.id).await.active);
    let later = now + Duration::days(31);
    let warned_at = row(&app, &person.id).await.retention_warned_at.unwrap();
    assert!(warned_at >= now - Duration::seconds(1));
    assert_eq!(run(&app, 24, later).await, Retention { warned: 0, erased: 1 });

    let erased = row(&app, &person.id).await;
    assert_eq!(erased.display_name, "Erased user");
    assert!(erased.email.starts_with("erased-") && erased.email.ends_with("@invalid"));
    assert!(!erased.active);
    let id: Uuid = person.id.parse().unwrap();
    let sessions = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(id))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    assert!(
        app.mail_to(&person.id).await.is_empty(),
        "the warning goes with the account"
    );
    let erasures = events::Entity::find()
        .filter(events::Column::SubjectId.eq(id))
        .filter(events::Column::Command.eq("erase"))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(erasures.len(), 1);
    assert_eq!(erasures[0].actor_id, id, "the account lapsed: no one else erased it");
    assert!(erasures[0].payload.contains("retention"), "{}", erasures[0].payload);
    app.get("/me", Some(&person.token)).await.expect(401);
    // Once is enough.
    assert_eq!(run(&app, 24, later + Duration::days(1)).await, Retention::default());
}

#[tokio::test]
async fn a_facilitator_is_never_erased_by_retention() {
    let app = spawn_app().await;
    let now = Utc::now();
    let staff = app.user(&[Role::Facilitator, Role::Assessor]).await;
    last_used(&app, &staff.id, months_ago(now, 60)).await;
    assert_eq!(run(&app, 24, now).await, Retention::default());
    assert_eq!(run(&app, 24, now + Duration::days(31)).await, Retention::default());
    assert!(row(&app, &staff.id).await.active);
    assert_eq!(warnings_to(&app, &staff.id).await, 0);
}

#[tokio::test]
async fn an_account_used_after_its_warning_is_kept_and_warned_again_later() {
    let app = spawn_app().await;
    let now = Utc::now();
    let person = unused_innovator(&app, now, 10).await;
    assert_eq!(run(&app, 24, now).await.warned, 1);
    // They read the e-mail and come back: the token's use counts.
    app.get("/me", Some(&person.token)).await.expect(200);
    let used = row(&app, &person.id).await.last_active_at.unwrap();
    assert!(used >= now);
    assert_eq!(run(&app, 24, now + Duration::days(31)).await, Retention::default());
    assert!(row(&app, &person.id).await.active);
    // A fresh period: warned again once it nearly passes, and only then.
    assert_eq!(run(&app, 24, now + Duration::days(300)).await, Retention::default());
    let again = used.checked_add_months(Months::new(23)).unwrap() + Duration::days(5);
    assert_eq!(run(&app, 24, again).await, Retention { warned: 1, erased: 0 });
    assert_eq!(warnings_to(&app, &person.id).await, 2);
}

#[tokio::test]
async fn a_sign_in_and_a_token_record_the_use_at_most_once_a_day() {
    let app = spawn_app().await;
    let person = app.innovator().await;
    let long_ago = Utc::now() - Duration::days(3);

    // A sign-in always counts.
    last_used(&app, &person.id, long_ago).await;
    let before = Utc::now();
    app.post(
        "/auth/login",
        None,
        json!({ "email": person.email, "password": PASSWORD }),
    )
    .await
    .expect(200);
    assert!(row(&app, &person.id).await.last_active_at.unwrap() >= before);

    // A token's use counts when the last recorded use is a day old or more…
    last_used(&app, &person.id, long_ago).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let before = Utc::now();
    app.get("/me", Some(&person.token)).await.expect(200);
    assert!(row(&app, &person.id).await.last_active_at.unwrap() >= before);

    // …and not when it is younger: no write for each request.
    let recently = Utc::now() - Duration::hours(2);
    last_used(&app, &person.id, recently).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    for _ in 0..3 {
        app.get("/me", Some(&person.token)).await.expect(200);
    }
    let kept = row(&app, &person.id).await.last_active_at.unwrap();
    assert_eq!(kept.timestamp_millis(), recently.timestamp_millis());
}

fn ran(outcomes: &[(Job, Result<Outcome, sluss_api::error::ApiError>)]) -> usize {
    outcomes
        .iter()
        .filter(|(job, outcome)| *job == Job::Retention && matches!(outcome, Ok(Outcome::Ran(_))))
        .count()
}

#[tokio::test]
async fn of_two_processes_one_runs_a_job() {
    let app = spawn_app().await;
    let other = app.another_process().await;
    let now = Utc::now();
    let person = unused_innovator(&app, now, 5).await;
    let first = Scheduler::new(&app.state, JobSettings::default());
    let second = Scheduler::new(&other.state, JobSettings::default());
    let (a, b) = tokio::join!(first.run_due(now), second.run_due(now));
    assert_eq!(ran(&a) + ran(&b), 1, "{a:?} {b:?}");
    assert_eq!(warnings_to(&app, &person.id).await, 1);
    for (_, outcome) in a.iter().chain(&b) {
        match outcome {
            Ok(Outcome::Ran(Done::Retention(done))) => assert_eq!(done.warned, 1),
            Ok(Outcome::Ran(Done::Reminders(_) | Done::Arenas(_)) | Outcome::NotDue | Outcome::Elsewhere) => {}
            Err(error) => panic!("{error}"),
        }
    }
    // Done for the day, whoever asks.
    assert_eq!(ran(&first.run_due(now + Duration::hours(1)).await), 0);
    assert_eq!(ran(&second.run_due(now + Duration::hours(23)).await), 0);
}

#[tokio::test]
async fn a_lease_held_elsewhere_keeps_a_job_from_running() {
    let app = spawn_app().await;
    let now = Utc::now();
    let first = Scheduler::new(&app.state, JobSettings::default());
    first.run_due(now).await;
    // Another process holds the lease (it is running the job) until a minute from now.
    job_leases::Entity::update_many()
        .col_expr(job_leases::Column::Holder, Expr::value("another"))
        .col_expr(job_leases::Column::LeaseUntil, Expr::value(now + Duration::minutes(1)))
        .filter(job_leases::Column::Name.eq("retention"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let later = now + Duration::days(2);
    let second = Scheduler::new(&app.state, JobSettings::default());
    let outcomes = second.run_due(now + Duration::seconds(10)).await;
    assert!(
        matches!(outcomes[0].1, Ok(Outcome::Elsewhere | Outcome::NotDue)),
        "{outcomes:?}"
    );
    // A holder that died loses the lease when it runs out.
    assert_eq!(ran(&second.run_due(later).await), 1);
}

#[tokio::test]
async fn a_run_missed_while_sluss_was_down_runs_at_start() {
    let app = spawn_app().await;
    let now = Utc::now();
    let before = Scheduler::new(&app.state, JobSettings::default());
    assert_eq!(ran(&before.run_due(now).await), 1, "the first start runs it");
    let stamp = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            job_leases::Entity::find_by_id("retention".to_owned())
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let first = stamp(&app).await;
    assert_eq!(first.last_run_at.map(|at| at.timestamp()), Some(now.timestamp()));
    assert!(first.holder.is_none() && first.lease_until.is_none());
    assert_eq!(ran(&before.run_due(now + Duration::hours(12)).await), 0);
    // sluss was down for three days; the next process runs it as it starts.
    let person = unused_innovator(&app, now + Duration::days(3), 5).await;
    let restarted = app.another_process().await;
    let after = Scheduler::new(&restarted.state, JobSettings::default());
    assert_eq!(ran(&after.run_due(now + Duration::days(3)).await), 1);
    assert_eq!(warnings_to(&app, &person.id).await, 1);
}

#[tokio::test]
async fn the_retention_period_is_the_one_configured() {
    let app = spawn_app().await;
    let now = Utc::now();
    let person = app.innovator().await;
    last_used(&app, &person.id, months_ago(now, 13)).await;
    assert_eq!(run(&app, 24, now).await, Retention::default());
    assert_eq!(
        run(&app, 0, now + Duration::days(400)).await,
        Retention::default(),
        "0 is off"
    );
    assert_eq!(run(&app, 12, now).await, Retention { warned: 1, erased: 0 });
    let later = now + Duration::days(31);
    let settings = JobSettings { retention_months: 12 };
    let outcomes = Scheduler::new(&app.state, settings).run_all(Some(later)).await;
    assert!(
        matches!(
            outcomes[0].1,
            Ok(Outcome::Ran(Done::Retention(Retention { warned: 0, erased: 1 })))
        ),
        "{outcomes:?}"
    );
    assert!(!row(&app, &person.id).await.active);
}

#[tokio::test]
async fn run_jobs_runs_every_job_as_of_the_moment_given_and_serve_sees_it() {
    let app = spawn_app().await;
    let now = Utc::now();
    let person = unused_innovator(&app, now, 40).await;
    let args = |at: DateTime<Utc>| RunJobsArgs {
        database: DatabaseArgs {
            database_url: app.database_url.clone(),
        },
        jobs: JobArgs { retention_months: 24 },
        now: Some(at),
    };
    let report = run_jobs(&args(now)).await.unwrap();
    assert_eq!(report.lines().next(), Some("retention: 1 accounts warned, 0 erased"));
    // A run as of another moment is not the daily run: serve still runs today's.
    let row_of_job = job_leases::Entity::find_by_id("retention".to_owned())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row_of_job.last_run_at.is_none());

    // The serving process knows the person, and then no longer once run-jobs erased them.
    app.get("/me", Some(&person.token)).await.expect(200);
    last_used(&app, &person.id, months_ago(now, 23) - Duration::days(40)).await;
    let report = run_jobs(&args(now + Duration::days(31))).await.unwrap();
    assert_eq!(report.lines().next(), Some("retention: 0 accounts warned, 1 erased"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let status = app.get("/me", Some(&person.token)).await.code();
        if status == 401 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still signed in: {status}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!row(&app, &person.id).await.active);
}
