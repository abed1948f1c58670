//! The funnel's read model (ADR 0009) against its definition: the report served from the
//! tallies and duration indexes equals the domain's `funnel` computed from every stored
//! challenge, idea and event; it stays so as commands run; and a rebuild from the event log
//! reproduces what the commands wrote.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::{Value, json};
use sluss_api::persistence::entities::{challenges, events, funnel_challenges, funnel_ideas, ideas};
use sluss_api::persistence::reports::rebuild;
use sluss_api::seed::{SeedSize, seed};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::{IdeaState, TestOutcome};
use sluss_domain::report::{ChallengeFact, EventFact, Funnel, IdeaFact, funnel};
use uuid::Uuid;

use crate::helpers::*;
use crate::steps::{complete, qualified_idea, start_incubation, start_testing, submitted_idea};

/// Days within this of each other are the same median: the read model keeps whole
/// microseconds, the event log may keep finer times.
const DAYS_EPSILON: f64 = 1e-9;

/// Every stored challenge, idea and event, as the domain's definition takes them.
async fn facts(
    app: &TestApp,
) -> (
    Vec<(ChallengeFact, Option<Uuid>)>,
    Vec<(IdeaFact, Uuid)>,
    Vec<EventFact>,
) {
    let db = &app.state.db;
    let challenges: Vec<(ChallengeFact, Option<Uuid>)> = challenges::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| {
            let fact = ChallengeFact {
                id: c.id,
                state: ChallengeState::parse(&c.state).unwrap(),
                created_at: c.created_at,
            };
            (fact, c.arena_id)
        })
        .collect();
    let ideas = ideas::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| {
            let fact = IdeaFact {
                id: i.id,
                state: IdeaState::parse(&i.state).unwrap(),
                created_at: i.created_at,
            };
            (fact, i.challenge_id)
        })
        .collect();
    let events = events::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            let payload: Value = serde_json::from_str(&e.payload).unwrap_or_default();
            EventFact {
                subject_id: e.subject_id,
                command: e.command,
                to_state: e.to_state,
                at: e.at,
                outcome: payload["outcome"].as_str().and_then(TestOutcome::parse),
            }
        })
        .collect();
    (challenges, ideas, events)
}

/// The domain's funnel of the items an arena and a period select.
async fn reference(
    app: &TestApp,
    arena: Option<Uuid>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> Funnel {
    let (challenges, ideas, events) = facts(app).await;
    let in_period = |at: DateTime<Utc>| since.is_none_or(|s| at >= s) && until.is_none_or(|u| at < u);
    let arena_of = |challenge: Uuid| challenges.iter().find(|(c, _)| c.id == challenge).and_then(|(_, a)| *a);
    let selected_challenges: Vec<ChallengeFact> = challenges
        .iter()
        .filter(|(c, a)| in_period(c.created_at) && (arena.is_none() || *a == arena))
        .map(|(c, _)| c.clone())
        .collect();
    let selected_ideas: Vec<IdeaFact> = ideas
        .iter()
        .filter(|(i, challenge)| in_period(i.created_at) && (arena.is_none() || arena_of(*challenge) == arena))
        .map(|(i, _)| i.clone())
        .collect();
    funnel(&selected_challenges, &selected_ideas, &events)
}

#[track_caller]
fn assert_same_funnel(served: &Value, expected: &Funnel) {
    let expected = serde_json::to_value(expected).unwrap();
    assert_eq!(served["challenges"], expected["challenges"], "{served}");
    assert_eq!(served["ideas"], expected["ideas"], "{served}");
    for section in ["conversion", "median_days"] {
        let (got, want) = (&served[section], &expected[section]);
        let keys = want.as_object().unwrap().keys();
        assert_eq!(got.as_object().unwrap().len(), keys.len(), "{section}: {got}");
        for key in keys {
            match (got[key].as_f64(), want[key].as_f64()) {
                (Some(a), Some(b)) => assert!((a - b).abs() < DAYS_EPSILON, "{section}.{key}: {a} != {b}"),
                (a, b) => assert_eq!(a, b, "{section}.{key}: {got} vs {want}"),
            }
        }
    }
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The read model's rows, in a stable order.
async fn read_model(app: &TestApp) -> (Vec<funnel_challenges::Model>, Vec<funnel_ideas::Model>, Value) {
    let db = &app.state.db;
    let mut c = funnel_challenges::Entity::find().all(db).await.unwrap();
    c.sort_by_key(|r| r.challenge_id);
    let mut i = funnel_ideas::Entity::find().all(db).await.unwrap();
    i.sort_by_key(|r| r.idea_id);
    let facilitator_report = sluss_api::persistence::reports::funnel(db, &Default::default())
        .await
        .unwrap();
    (c, i, serde_json::to_value(facilitator_report).unwrap())
}

async fn rebuild_now(app: &TestApp) {
    let tx = app.state.db.begin().await.unwrap();
    rebuild(&tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_funnel_follows_every_command_and_equals_its_definition() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let token = Some(facilitator.token.as_str());
    let arena = app.open_arena(&facilitator).await;
    let in_arena = app.submitted_challenge(&owner).await;
    app.challenge_command(&in_arena, "publish", &facilitator.token, json!({ "arena_id": arena }))
        .await;
    let elsewhere = app.published_challenge(&owner, &facilitator).await;
    app.draft_challenge(&owner).await;

    // Act and assert, after each step of the ideas' lives.
    let adopted = qualified_idea(&app, &facilitator, &innovator, &in_arena).await;
    assert_same_funnel(
        &app.get("/reports/funnel", token).await.expect(200).body,
        &reference(&app, None, None, None).await,
    );
    start_incubation(&app, &adopted, &facilitator).await;
    start_testing(&app, &adopted, &facilitator).await;
    complete(&app, &adopted, &facilitator, "adopted").await;
    let tested = qualified_idea(&app, &facilitator, &innovator, &elsewhere).await;
    start_testing(&app, &tested, &facilitator).await;
    complete(&app, &tested, &facilitator, "not_adopted").await;
    submitted_idea(&app, &innovator, &elsewhere).await;
    submitted_idea(&app, &innovator, &in_arena).await;
    for (arena, path) in [
        (None, "/reports/funnel".to_owned()),
        (Some(arena.clone()), format!("/reports/funnel?arena_id={arena}")),
    ] {
        let served = app.get(&path, token).await.expect(200);
        assert_same_funnel(
            &served.body,
            &reference(&app, arena.map(|a| a.parse().unwrap()), None, None).await,
        );
    }
}

#[tokio::test]
async fn a_rebuild_from_the_event_log_reproduces_what_the_commands_wrote() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    start_testing(&app, &idea, &facilitator).await;
    complete(&app, &idea, &facilitator, "scaled").await;
    submitted_idea(&app, &innovator, &challenge).await;
    let written = read_model(&app).await;

    // Act
    rebuild_now(&app).await;

    // Assert
    assert_eq!(read_model(&app).await, written);
    assert_eq!(written.1.len(), 2);
}

#[tokio::test]
async fn seeded_data_gives_the_defined_funnel_for_any_period_and_arena() {
    // Arrange: seeded rows bypass the commands; the seeder rebuilds the read model.
    let app = spawn_app().await;
    let accounts = seed(
        &app.state,
        SeedSize {
            challenges: 80,
            ideas: 800,
        },
    )
    .await
    .unwrap();
    let session = app
        .post(
            "/auth/login",
            None,
            json!({ "email": accounts.facilitator, "password": accounts.password }),
        )
        .await
        .expect(200);
    let token = Some(session.str("token"));
    let now = Utc::now();
    let arena = challenges::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .find_map(|c| c.arena_id);
    // Periods on and off day boundaries, inside one day, and empty.
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let periods = [
        (None, None),
        (Some(now - Duration::days(400) + Duration::minutes(17)), None),
        (None, Some(now - Duration::days(300) - Duration::hours(5))),
        (
            Some(midnight - Duration::days(700)),
            Some(midnight - Duration::days(100)),
        ),
        (
            Some(now - Duration::days(500) - Duration::hours(7)),
            Some(now - Duration::days(200) + Duration::hours(3)),
        ),
        (
            Some(midnight - Duration::days(30) + Duration::hours(1)),
            Some(midnight - Duration::days(30) + Duration::hours(23)),
        ),
        (Some(now), Some(now)),
    ];

    for (since, until) in periods {
        for arena in [None, arena] {
            // Act
            let mut query = Vec::new();
            if let Some(since) = since {
                query.push(format!("since={}", urlencode(&rfc3339(since))));
            }
            if let Some(until) = until {
                query.push(format!("until={}", urlencode(&rfc3339(until))));
            }
            if let Some(arena) = arena {
                query.push(format!("arena_id={arena}"));
            }
            let served = app
                .get(&format!("/reports/funnel?{}", query.join("&")), token)
                .await
                .expect(200);

            // Assert
            assert_same_funnel(&served.body, &reference(&app, arena, since, until).await);
        }
    }

    // And a rebuild of the seeded database changes nothing.
    let written = read_model(&app).await;
    rebuild_now(&app).await;
    assert_eq!(read_model(&app).await, written);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

/// SPEC §17: an idea on hold is counted in the tally's own column while held, and back in
/// the state it was held from once resumed; a rebuild gives the same.
#[tokio::test]
async fn an_idea_on_hold_is_counted_on_hold_and_back_where_it_was_once_resumed() {
    // Arrange
    let app = spawn_app().await;
    let facilitator = app.facilitator().await;
    let owner = app.needs_owner().await;
    let innovator = app.innovator().await;
    let token = Some(facilitator.token.as_str());
    let challenge = app.published_challenge(&owner, &facilitator).await;
    let idea = qualified_idea(&app, &facilitator, &innovator, &challenge).await;
    start_testing(&app, &idea, &facilitator).await;

    // Act: held
    app.post(
        &format!("/ideas/{idea}/put-on-hold"),
        token,
        json!({ "reason": "The site is being rebuilt." }),
    )
    .await
    .expect(200);

    // Assert
    let served = app.get("/reports/funnel", token).await.expect(200).body;
    assert_eq!(served["ideas"]["on_hold"], 1, "{served}");
    assert_eq!(served["ideas"]["in_testing"], 0, "{served}");
    assert_same_funnel(&served, &reference(&app, None, None, None).await);
    let written = read_model(&app).await;
    rebuild_now(&app).await;
    assert_eq!(read_model(&app).await, written);

    // Act: resumed
    app.post(&format!("/ideas/{idea}/resume"), token, json!({}))
        .await
        .expect(200);

    // Assert
    let served = app.get("/reports/funnel", token).await.expect(200).body;
    assert_eq!(served["ideas"]["on_hold"], 0, "{served}");
    assert_eq!(served["ideas"]["in_testing"], 1, "{served}");
    assert_same_funnel(&served, &reference(&app, None, None, None).await);
}
