//! Deadlines that act (SPEC §17, ADR 0040): an assignment's due date, the reminders two
//! days before and the day after (each once, none for a submitted scorecard, one of two
//! processes sending it), the arenas that open and close at their times as the system, a
//! missed run caught up at start, and the facilitator's lists of what is late.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use poem::http::Method;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use sluss_api::app::deadlines::{self, ASSIGNMENT_DUE, Arenas, Reminded};
use sluss_api::jobs::{Done, Job, JobSettings, Outcome, Scheduler};
use sluss_api::persistence::entities::{assignments, events, job_leases, notifications};
use sluss_domain::Role;
use uuid::Uuid;

use crate::helpers::*;
use crate::steps::{DEFAULT_CRITERIA, idea_command, qualified_idea, start_testing, submitted_idea};

/// Noon (UTC) on `day`: the same day in Stockholm.
fn noon(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

/// A day `days` after today in Stockholm.
fn in_days(days: i64) -> NaiveDate {
    deadlines::today(Utc::now()) + Duration::days(days)
}

struct Scene {
    facilitator: TestUser,
    idea: String,
}

/// A submitted idea in assessment.
async fn in_assessment(app: &TestApp) -> Scene {
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = submitted_idea(app, &innovator, &challenge).await;
    idea_command(app, &idea, "start-assessment", &facilitator.token, json!({})).await;
    Scene { facilitator, idea }
}

/// An assessor of "Org" assigned to the scene's idea, due `due_on`; the assessor and the
/// assignment's answer.
async fn assigned(app: &TestApp, scene: &Scene, due_on: NaiveDate) -> (TestUser, Reply) {
    let assessor = app.user_in(&[Role::Assessor], Some("Org")).await;
    let reply = app
        .post(
            &format!("/ideas/{}/assignments", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "assessor_id": assessor.id, "due_on": due_on.to_string() }),
        )
        .await
        .expect(201);
    (assessor, reply)
}

async fn reminders_to(app: &TestApp, id: &str) -> u64 {
    notifications::Entity::find()
        .filter(notifications::Column::RecipientId.eq(id.parse::<Uuid>().unwrap()))
        .filter(notifications::Column::Kind.eq(ASSIGNMENT_DUE))
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn remind(app: &TestApp, at: DateTime<Utc>) -> Reminded {
    deadlines::remind(&app.state, at).await.unwrap()
}

async fn score(app: &TestApp, idea: &str, assessor: &TestUser) {
    let scores: serde_json::Map<String, Value> = DEFAULT_CRITERIA
        .iter()
        .map(|key| ((*key).to_owned(), json!(4)))
        .collect();
    app.call(
        Method::PUT,
        &format!("/ideas/{idea}/scorecard"),
        Some(&assessor.token),
        Some(json!({ "scores": scores, "comment": "A real need; the booking flow needs testing." })),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn an_assignment_carries_its_due_date_and_a_past_one_is_refused() {
    let app = spawn_app().await;
    let scene = in_assessment(&app).await;
    let due = in_days(10);
    let (assessor, reply) = assigned(&app, &scene, due).await;
    assert_eq!(reply.str("due_on"), due.to_string());
    let queue = app.get("/assignments", Some(&assessor.token)).await.expect(200);
    assert_eq!(queue.body["items"][0]["due_on"], json!(due.to_string()));

    let other = app.user_in(&[Role::Assessor], Some("Org")).await;
    let refused = app
        .post(
            &format!("/ideas/{}/assignments", scene.idea),
            Some(&scene.facilitator.token),
            json!({ "assessor_id": other.id, "due_on": in_days(-1).to_string() }),
        )
        .await
        .expect_problem(422);
    assert_eq!(
        refused.body["errors"][0]["field"],
        json!("due_on"),
        "{:?}",
        refused.body
    );
    // Today is not past; no due date at all is fine too.
    app.post(
        &format!("/ideas/{}/assignments", scene.idea),
        Some(&scene.facilitator.token),
        json!({ "assessor_id": other.id, "due_on": in_days(0).to_string() }),
    )
    .await
    .expect(201);

    // The assessor's /me shows the due date's column, the idea page's panel the date and
    // the form a field for it (while an assessor is left to assign).
    let (_, page) = app.page("/me", Some(&assessor), "en").await;
    assert!(page.contains("Due on"), "{page}");
    app.user_in(&[Role::Assessor], Some("Org")).await;
    let (_, page) = app
        .page(&format!("/ideas/{}", scene.idea), Some(&scene.facilitator), "en")
        .await;
    assert!(page.contains("name=\"due_on\""), "the assign form asks for it");
    assert!(page.contains("due "), "{page}");
}

#[tokio::test]
async fn the_assessor_is_reminded_once_two_days_before_and_once_the_day_after() {
    let app = spawn_app_with_mail().await;
    let scene = in_assessment(&app).await;
    let due = in_days(10);
    let (assessor, _) = assigned(&app, &scene, due).await;

    assert_eq!(remind(&app, noon(due - Duration::days(3))).await, Reminded::default());
    assert_eq!(reminders_to(&app, &assessor.id).await, 0);
    let two_before = noon(due - Duration::days(2));
    assert_eq!(remind(&app, two_before).await, Reminded { due: 1, overdue: 0 });
    assert_eq!(remind(&app, two_before + Duration::hours(1)).await, Reminded::default());
    assert_eq!(remind(&app, noon(due)).await, Reminded::default(), "once");
    assert_eq!(reminders_to(&app, &assessor.id).await, 1);

    let day_after = noon(due + Duration::days(1));
    assert_eq!(remind(&app, day_after).await, Reminded { due: 0, overdue: 1 });
    assert_eq!(remind(&app, day_after).await, Reminded::default());
    assert_eq!(remind(&app, noon(due + Duration::days(5))).await, Reminded::default());
    assert_eq!(reminders_to(&app, &assessor.id).await, 2);
    // Each with its e-mail.
    assert_eq!(
        app.mail_to(&assessor.id).await.len(),
        3,
        "the assignment's and two reminders"
    );
}

#[tokio::test]
async fn a_submitted_scorecard_is_not_reminded_of() {
    let app = spawn_app().await;
    let scene = in_assessment(&app).await;
    let due = in_days(3);
    let (done, _) = assigned(&app, &scene, due).await;
    let (waiting, _) = assigned(&app, &scene, due).await;
    score(&app, &scene.idea, &done).await;
    assert_eq!(
        remind(&app, noon(due - Duration::days(2))).await,
        Reminded { due: 1, overdue: 0 }
    );
    assert_eq!(
        remind(&app, noon(due + Duration::days(1))).await,
        Reminded { due: 0, overdue: 1 }
    );
    assert_eq!(reminders_to(&app, &done.id).await, 0);
    assert_eq!(reminders_to(&app, &waiting.id).await, 2);
}

#[tokio::test]
async fn of_two_processes_one_sends_each_reminder() {
    let app = spawn_app().await;
    let other = app.another_process().await;
    let scene = in_assessment(&app).await;
    let due = in_days(4);
    let (assessor, _) = assigned(&app, &scene, due).await;
    let at = noon(due - Duration::days(1));
    // Two run-jobs at once, each with its own connections.
    let first = Scheduler::new(&app.state, JobSettings::default());
    let second = Scheduler::new(&other.state, JobSettings::default());
    let (a, b) = tokio::join!(first.run_all(Some(at)), second.run_all(Some(at)));
    let sent: u64 = a
        .iter()
        .chain(&b)
        .map(|(job, outcome)| match outcome {
            Ok(Outcome::Ran(Done::Reminders(done))) => {
                assert_eq!(*job, Job::Reminders);
                done.due
            }
            Ok(_) => 0,
            Err(error) => panic!("{error}"),
        })
        .sum();
    assert_eq!(sent, 1, "{a:?} {b:?}");
    // And the job's own functions racing, without the lease, still send it once.
    let later = noon(due + Duration::days(1));
    let (x, y) = tokio::join!(
        deadlines::remind(&app.state, later),
        deadlines::remind(&other.state, later)
    );
    assert_eq!(x.unwrap().overdue + y.unwrap().overdue, 1);
    assert_eq!(reminders_to(&app, &assessor.id).await, 2);
}

/// The `(command, actor_id)` of an arena's events, oldest first.
async fn arena_history(app: &TestApp, id: &str) -> Vec<(String, Uuid)> {
    events::Entity::find()
        .filter(events::Column::SubjectId.eq(id.parse::<Uuid>().unwrap()))
        .order_by_asc(events::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|event| (event.command, event.actor_id))
        .collect()
}

async fn arena_with(app: &TestApp, facilitator: &TestUser, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    app.post(
        "/arenas",
        Some(&facilitator.token),
        json!({
            "name": "Sege Park housing competition",
            "kind": "hybrid",
            "description": "Builders and innovation teams",
            "starts_at": starts_at.to_rfc3339(),
            "ends_at": ends_at.to_rfc3339(),
        }),
    )
    .await
    .expect(201)
    .id()
}

#[tokio::test]
async fn arenas_open_and_close_at_their_times_as_the_system() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let now = Utc::now();
    let starts = now + Duration::hours(1);
    let ends = now + Duration::hours(3);
    let id = arena_with(&app, &facilitator, starts, ends).await;
    let run = |at: DateTime<Utc>| deadlines::open_and_close(&app.state, at);
    assert_eq!(run(starts - Duration::seconds(1)).await.unwrap(), Arenas::default());
    assert_eq!(
        app.get(&format!("/arenas/{id}"), None).await.code(),
        404,
        "planned: hidden"
    );
    assert_eq!(run(starts).await.unwrap(), Arenas { opened: 1, closed: 0 });
    assert_eq!(run(starts + Duration::seconds(30)).await.unwrap(), Arenas::default());
    let open = app.get(&format!("/arenas/{id}"), None).await.expect(200);
    assert_eq!(open.str("state"), "open");
    assert_eq!(run(ends).await.unwrap(), Arenas { opened: 0, closed: 1 });
    let closed = app
        .get(&format!("/arenas/{id}"), Some(&facilitator.token))
        .await
        .expect(200);
    assert_eq!(closed.str("state"), "closed");
    let facilitator_id: Uuid = facilitator.id.parse().unwrap();
    assert_eq!(
        arena_history(&app, &id).await,
        vec![
            ("create".to_owned(), facilitator_id),
            ("open".to_owned(), Uuid::nil()),
            ("close".to_owned(), Uuid::nil()),
        ]
    );
    // A facilitator's own close of an open arena is not undone or repeated by the job.
    let early = arena_with(&app, &facilitator, starts, ends).await;
    app.post(&format!("/arenas/{early}/open"), Some(&facilitator.token), json!({}))
        .await
        .expect(200);
    assert_eq!(run(starts).await.unwrap(), Arenas::default());
}

#[tokio::test]
async fn an_arena_whose_time_passed_while_sluss_was_down_opens_at_start() {
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let now = Utc::now();
    let first = Scheduler::new(&app.state, JobSettings::default());
    let ran = |outcomes: &[(Job, Result<Outcome, sluss_api::error::ApiError>)]| {
        outcomes
            .iter()
            .find(|(job, _)| *job == Job::Arenas)
            .map(|(_, outcome)| format!("{outcome:?}"))
            .unwrap()
    };
    assert!(ran(&first.run_due(now).await).starts_with("Ok(Ran("));
    // The job ran at `now`; sluss then stops, and the arena's start passes meanwhile.
    let id = arena_with(&app, &facilitator, now - Duration::minutes(5), now + Duration::days(1)).await;
    job_leases::Entity::update_many()
        .col_expr(job_leases::Column::LastRunAt, Expr::value(now - Duration::hours(2)))
        .filter(job_leases::Column::Name.eq("arenas"))
        .exec(&app.state.db)
        .await
        .unwrap();
    let restarted = app.another_process().await;
    let after = Scheduler::new(&restarted.state, JobSettings::default());
    let outcomes = after.run_due(Utc::now()).await;
    assert!(
        ran(&outcomes).contains("Arenas(Arenas { opened: 1, closed: 0 })"),
        "{outcomes:?}"
    );
    let open = app.get(&format!("/arenas/{id}"), None).await.expect(200);
    assert_eq!(open.str("state"), "open");
    // Not due again until its period has passed.
    assert!(ran(&after.run_due(Utc::now()).await).contains("NotDue"));
}

/// The facilitator's /me sections "Overdue assignments" and "Tests past their end date".
fn sections(page: &str) -> (&str, &str) {
    let (_, from) = page.split_once("Overdue assignments</h2>").expect(page);
    from.split_once("Tests past their end date</h2>").expect(page)
}

#[tokio::test]
async fn the_facilitators_me_lists_overdue_assignments_and_tests_past_their_end() {
    let app = spawn_app().await;
    let scene = in_assessment(&app).await;
    let (assessor, reply) = assigned(&app, &scene, in_days(0)).await;
    // Its due date passes: a week ago.
    assignments::Entity::update_many()
        .col_expr(assignments::Column::DueOn, Expr::value(in_days(-7)))
        .filter(assignments::Column::Id.eq(reply.id().parse::<Uuid>().unwrap()))
        .exec(&app.state.db)
        .await
        .unwrap();
    // A test that was to end on 2025-08-31 is still running.
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &scene.facilitator).await;
    let tested = qualified_idea(&app, &scene.facilitator, &innovator, &challenge).await;
    start_testing(&app, &tested, &scene.facilitator).await;

    let (status, page) = app.page("/me", Some(&scene.facilitator), "en").await;
    assert_eq!(status, 200);
    assert!(page.contains("Overdue assignments"), "{page}");
    assert!(page.contains("Tests past their end date"), "{page}");
    let (overdue, late_tests) = sections(&page);
    assert!(overdue.contains(&format!("/ideas/{}", scene.idea)), "{overdue}");
    assert!(overdue.contains("Test User"), "the assessor: {overdue}");
    assert!(late_tests.contains(&format!("/ideas/{tested}/test")), "{late_tests}");
    assert!(late_tests.contains("Recycling station, Sege Park"), "{late_tests}");
    assert!(!late_tests.contains(&format!("/ideas/{}", scene.idea)));

    let (_, sidan) = app.page("/me", Some(&scene.facilitator), "sv").await;
    assert!(sidan.contains("Försenade bedömningar"), "{sidan}");
    assert!(sidan.contains("Tester som passerat sitt slutdatum"), "{sidan}");

    // Once scored it is no longer overdue; the assessor sees no such section.
    score(&app, &scene.idea, &assessor).await;
    let (_, page) = app.page("/me", Some(&scene.facilitator), "en").await;
    let (overdue, _) = sections(&page);
    assert!(!overdue.contains(&format!("/ideas/{}", scene.idea)), "{overdue}");
    let (_, own) = app.page("/me", Some(&assessor), "en").await;
    assert!(!own.contains("Overdue assignments"));
}
