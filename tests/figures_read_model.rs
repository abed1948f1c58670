//! The figures' read model (ADR 0024) against their definition (ADR 0018): the figures
//! served from the read model equal the domain's `figures` counted from the event log, the
//! registry and the accounts, for many arenas and periods — as commands run, after the
//! registry and accounts change under acts already counted, after an erasure, and on seeded
//! data rebuilt from the log; and a rebuild reproduces what the commands wrote.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use sluss_api::app::reports::{category_names, spread_kind_names};
use sluss_api::persistence::figures::{Scope, facts};
use sluss_api::persistence::figures_model::{self, rebuild};
use sluss_api::persistence::users;
use sluss_api::seed::{SeedSize, seed};
use sluss_domain::figures::{Figures, Period, figures};
use sluss_domain::{Role, Roles};
use uuid::Uuid;

use crate::figures::{join, organisation, sql, timestamp};
use crate::helpers::*;
use crate::steps::{complete, draft_idea, idea_command, panel_scores};

/// The figures as defined: counted by the domain from every act of the event log.
async fn defined(app: &TestApp, scope: &Scope) -> Figures {
    let (registry, facts) = facts(&app.state.db, scope).await.unwrap();
    figures(&facts, &registry, scope.period, &spread_kind_names(), &category_names())
}

/// The figures served from the read model.
async fn served(app: &TestApp, scope: &Scope) -> Figures {
    figures_model::figures(&app.state.db, scope, &spread_kind_names(), &category_names())
        .await
        .unwrap()
}

/// Asserts that the read model gives the defined figures for every arena and period.
async fn assert_defined(app: &TestApp, arenas: &[Option<Uuid>], periods: &[Period]) {
    for arena_id in arenas {
        for period in periods {
            let scope = Scope {
                arena_id: *arena_id,
                period: *period,
            };
            assert_eq!(
                served(app, &scope).await,
                defined(app, &scope).await,
                "arena {arena_id:?}, period {period:?}"
            );
        }
    }
}

fn between(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Period {
    Period { since, until }
}

/// Periods around `moments` (times between the acts of one day): open, from and to each
/// moment, between two, the whole day and the days around it, edges on both sides of a
/// midnight, inside one day, empty, and in the future.
fn periods_around(moments: &[DateTime<Utc>]) -> Vec<Period> {
    let now = Utc::now();
    let midnight = now.date_naive().and_time(NaiveTime::MIN).and_utc();
    let mut periods = vec![
        Period::default(),
        between(Some(midnight), None),
        between(None, Some(midnight)),
        between(Some(midnight), Some(midnight + Duration::days(1))),
        between(
            Some(midnight - Duration::hours(12)),
            Some(midnight + Duration::days(1) + Duration::hours(2)),
        ),
        between(Some(midnight - Duration::days(2)), Some(midnight - Duration::days(1))),
        between(Some(now + Duration::days(1)), None),
    ];
    for (n, moment) in moments.iter().enumerate() {
        periods.push(between(Some(*moment), None));
        periods.push(between(None, Some(*moment)));
        periods.push(between(Some(*moment), Some(*moment)));
        periods.push(between(Some(midnight - Duration::hours(3)), Some(*moment)));
        if let Some(later) = moments.get(n + 1) {
            periods.push(between(Some(*moment), Some(*later)));
        }
    }
    periods
}

async fn moment() -> DateTime<Utc> {
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let at = Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    at
}

/// A support organisation named `name`.
async fn support_organisation(app: &TestApp, facilitator: &TestUser, name: &str) -> String {
    app.post(
        "/support-organisations",
        Some(&facilitator.token),
        json!({ "name": name, "kind": "incubator", "description": "Supports start-ups." }),
    )
    .await
    .expect(201)
    .id()
}

/// A draft idea with `team`, submitted.
async fn idea_with_team(app: &TestApp, innovator: &TestUser, challenge: &str, team: serde_json::Value) -> String {
    let idea = draft_idea(app, innovator, challenge).await;
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&innovator.token),
        json!({ "team": team }),
    )
    .await
    .expect(200);
    idea_command(app, &idea, "submit", &innovator.token, json!({})).await;
    idea
}

/// Takes a submitted idea through assessment (two assessors of "Org"), a decision, an
/// incubation by `support` when given, and a test hosted as `host` says.
async fn through_testing(
    app: &TestApp,
    facilitator: &TestUser,
    idea: &str,
    support: Option<&str>,
    host: serde_json::Value,
) {
    idea_command(app, idea, "start-assessment", &facilitator.token, json!({})).await;
    panel_scores(app, idea, facilitator, &[[4, 3, 5, 3, 4, 2, 3], [5, 4, 4, 3, 3, 3, 4]]).await;
    idea_command(
        app,
        idea,
        "decide",
        &facilitator.token,
        json!({ "outcome": "qualified", "feedback": "Test it." }),
    )
    .await;
    if let Some(support) = support {
        idea_command(
            app,
            idea,
            "start-incubation",
            &facilitator.token,
            json!({ "support_organisation_id": support, "plan": "Eight weeks." }),
        )
        .await;
    }
    let mut body = json!({
        "site": "Recycling station, Sege Park",
        "starts_on": "2025-05-01",
        "ends_on": "2025-08-31",
        "success_criteria": "200 bookings."
    });
    for (key, value) in host.as_object().unwrap() {
        body[key] = value.clone();
    }
    idea_command(app, idea, "start-testing", &facilitator.token, body).await;
}

/// An account with `email`, made directly in the database like the other test accounts.
async fn account(app: &TestApp, email: &str, organisation: Option<&str>) -> Uuid {
    users::insert(
        &app.state.db,
        users::NewUser {
            email: email.to_owned(),
            display_name: "Later Member".into(),
            organisation: organisation.map(str::to_owned),
            organisation_id: None,
            roles: [Role::Innovator].into_iter().collect::<Roles>(),
            password_hash: "!".into(),
            locale: "sv",
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id
}

/// The read model's rows, as the participants they name, in a stable order.
async fn read_model(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT p.kind, p.account_id, p.organisation_id, p.name, p.address, a.arena_id, a.day, a.acts \
             FROM figures_participations a JOIN figures_participants p ON p.id = a.participant_id"
                .to_owned(),
        ))
        .await
        .unwrap();
    let mut lines: Vec<String> = rows
        .iter()
        .map(|row| {
            format!(
                "{} {:?} {:?} {:?} {:?} {} {} {}",
                row.try_get::<String>("", "kind").unwrap(),
                row.try_get::<Option<Uuid>>("", "account_id").unwrap(),
                row.try_get::<Option<Uuid>>("", "organisation_id").unwrap(),
                row.try_get::<Option<String>>("", "name").unwrap(),
                row.try_get::<Option<String>>("", "address").unwrap(),
                row.try_get::<Uuid>("", "arena_id").unwrap(),
                row.try_get::<i64>("", "day").unwrap(),
                row.try_get::<i64>("", "acts").unwrap(),
            )
        })
        .collect();
    let tallies = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT arena_id, day, innovations_tested FROM figures_tallies WHERE innovations_tested <> 0".to_owned(),
        ))
        .await
        .unwrap();
    lines.extend(tallies.iter().map(|row| {
        format!(
            "tested {} {} {}",
            row.try_get::<Uuid>("", "arena_id").unwrap(),
            row.try_get::<i64>("", "day").unwrap(),
            row.try_get::<i64>("", "innovations_tested").unwrap(),
        )
    }));
    lines.sort();
    lines
}

async fn rebuild_now(app: &TestApp) {
    let tx = app.state.db.begin().await.unwrap();
    rebuild(&tx).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_read_model_follows_every_act_and_gives_the_defined_figures_for_any_arena_and_period() {
    // Arrange: three arenas, owners of a registered, an unregistered and no organisation,
    // a resubmitted challenge, one published in no arena and one never published.
    let app = spawn_app().await;
    let mkb = organisation(&app, "MKB Fastighets AB", "housing_company").await;
    let skanska = organisation(&app, "Skanska", "builder").await;
    let binly = organisation(&app, "Binly", "startup").await;
    let facilitator = app.facilitator().await;
    let token = facilitator.token.clone();
    let mkb_owner = app.needs_owner().await;
    join(&app, &mkb_owner, mkb).await;
    let brf_owner = app.user_in(&[Role::NeedsOwner], Some("Brf Solgården")).await;
    let lone_owner = app.needs_owner().await;
    let arenas: Vec<String> = [
        app.open_arena(&facilitator).await,
        app.open_arena(&facilitator).await,
        app.open_arena(&facilitator).await,
    ]
    .into();
    let mut moments = vec![moment().await];

    let in_first = app.submitted_challenge(&mkb_owner).await;
    app.challenge_command(&in_first, "publish", &token, json!({ "arena_id": arenas[0] }))
        .await;
    let resubmitted = app.submitted_challenge(&brf_owner).await;
    app.challenge_command(
        &resubmitted,
        "request-changes",
        &token,
        json!({ "feedback": "Say who lives there." }),
    )
    .await;
    moments.push(moment().await);
    app.challenge_command(&resubmitted, "submit", &brf_owner.token, json!({}))
        .await;
    app.challenge_command(&resubmitted, "publish", &token, json!({ "arena_id": arenas[1] }))
        .await;
    // Owned on behalf of Skanska, published in no arena.
    let nowhere = app
        .post(
            "/challenges",
            Some(&lone_owner.token),
            json!({
                "title": "Noise from the ring road",
                "summary": "Residents cannot sleep.",
                "description": "Traffic noise reaches the bedrooms at night.",
                "organisation_id": skanska
            }),
        )
        .await
        .expect(201)
        .id();
    app.challenge_command(&nowhere, "submit", &lone_owner.token, json!({}))
        .await;
    app.challenge_command(&nowhere, "publish", &token, json!({})).await;
    let _unpublished = app.submitted_challenge(&lone_owner).await;
    moments.push(moment().await);

    // Ideas: teams naming a registered organisation, an account's address in other
    // letters, an address of no account (twice), and one that registers later.
    let innovator = app.innovator().await;
    let binly_innovator = app.innovator().await;
    join(&app, &binly_innovator, binly).await;
    let later_member = "Later.Member@Example.org";
    let first = idea_with_team(
        &app,
        &innovator,
        &in_first,
        json!([
            { "name": "Bo Ek", "email": "bo@example.org", "organisation_id": skanska },
            { "name": "Binly's innovator", "email": binly_innovator.email.to_uppercase() },
            { "name": "Anna", "email": "anna@example.org" },
            { "name": "Anna again", "email": "ANNA@example.org" },
        ]),
    )
    .await;
    let second = idea_with_team(
        &app,
        &binly_innovator,
        &resubmitted,
        json!([{ "name": "Later", "email": later_member }]),
    )
    .await;
    let third = idea_with_team(
        &app,
        &innovator,
        &nowhere,
        json!([{ "name": "Binly's innovator", "email": binly_innovator.email }]),
    )
    .await;
    moments.push(moment().await);
    let minc = support_organisation(&app, &facilitator, "Minc").await;
    let also_binly = support_organisation(&app, &facilitator, "binly").await;
    through_testing(
        &app,
        &facilitator,
        &first,
        Some(&minc),
        json!({ "host": "mkb fastighets ab" }),
    )
    .await;
    moments.push(moment().await);
    through_testing(
        &app,
        &facilitator,
        &second,
        Some(&also_binly),
        json!({ "host": "Hyresgästföreningen" }),
    )
    .await;
    through_testing(
        &app,
        &facilitator,
        &third,
        None,
        json!({ "host": "Someone", "host_organisation_id": skanska }),
    )
    .await;
    complete(&app, &first, &facilitator, "adopted").await;
    moments.push(moment().await);

    let mut arena_ids: Vec<Option<Uuid>> = arenas.iter().map(|a| Some(Uuid::parse_str(a).unwrap())).collect();
    arena_ids.push(None);
    arena_ids.push(Some(Uuid::now_v7()));
    let periods = periods_around(&moments);

    // Act and assert: after the commands, over HTTP as well.
    assert_defined(&app, &arena_ids, &periods).await;
    let reply = app.get("/reports/figures", Some(&token)).await.expect(200);
    let whole = defined(&app, &Scope::default()).await;
    assert_eq!(reply.body["actors_involved"], json!(whole.actors_involved));
    assert_eq!(reply.body["innovations_tested"], json!(3));
    let reply = app
        .get(
            &format!(
                "/reports/figures?arena_id={}&since={}",
                arenas[1],
                timestamp(moments[1])
            ),
            Some(&token),
        )
        .await
        .expect(200);
    let scope = Scope {
        arena_id: arena_ids[1],
        period: between(Some(moments[1]), None),
    };
    assert_eq!(
        reply.body["actors_involved"],
        json!(defined(&app, &scope).await.actors_involved)
    );

    // The registry and accounts change under acts already counted: a free-text name
    // registered, an account joining an organisation, a team member's address registering.
    organisation(&app, "Brf Solgården", "housing_company").await;
    join(&app, &innovator, mkb).await;
    let member = account(&app, "later.member@example.org", None).await;
    sql(
        &app,
        "UPDATE users SET organisation_id = ? WHERE id = ?",
        vec![skanska.into(), member.into()],
    )
    .await;
    assert_defined(&app, &arena_ids, &periods).await;

    // An erasure takes the person off every team.
    app.post(&format!("/users/{}/erase", binly_innovator.id), Some(&token), json!({}))
        .await
        .expect(200);
    assert_defined(&app, &arena_ids, &periods).await;

    // And a rebuild from the event log writes what the commands wrote.
    let written = read_model(&app).await;
    assert!(!written.is_empty());
    rebuild_now(&app).await;
    assert_eq!(read_model(&app).await, written);
}

#[tokio::test]
async fn seeded_data_rebuilt_from_the_log_gives_the_defined_figures_for_any_period_and_arena() {
    // Arrange: seeded rows bypass the commands; the seeder rebuilds the read model.
    let app = spawn_app().await;
    seed(
        &app.state,
        SeedSize {
            challenges: 60,
            ideas: 600,
        },
    )
    .await
    .unwrap();
    let arena = app
        .state
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.state.db.get_database_backend(),
            "SELECT arena_id FROM challenges WHERE arena_id IS NOT NULL ORDER BY id LIMIT 1".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<Uuid>("", "arena_id")
        .unwrap();
    let now = Utc::now();
    let midnight = now.date_naive().and_time(NaiveTime::MIN).and_utc();
    // Periods on and off day boundaries, across years, inside one day, and empty.
    let periods = [
        Period::default(),
        between(Some(now - Duration::days(400) + Duration::minutes(17)), None),
        between(None, Some(now - Duration::days(300) - Duration::hours(5))),
        between(
            Some(midnight - Duration::days(700)),
            Some(midnight - Duration::days(100)),
        ),
        between(
            Some(now - Duration::days(500) - Duration::hours(7)),
            Some(now - Duration::days(200) + Duration::hours(3)),
        ),
        between(
            Some(midnight - Duration::days(30) + Duration::hours(1)),
            Some(midnight - Duration::days(30) + Duration::hours(23)),
        ),
        between(Some(now), Some(now)),
    ];

    // Act and assert
    assert_defined(&app, &[None, Some(arena)], &periods).await;
    for year in 2023..=2027 {
        assert_defined(&app, &[None, Some(arena)], &[Period::year(year).unwrap()]).await;
    }
    let written = read_model(&app).await;
    rebuild_now(&app).await;
    assert_eq!(read_model(&app).await, written);
}

#[tokio::test]
async fn a_challenge_handed_on_counts_for_its_new_owner_in_the_read_model_and_the_rebuild() {
    let app = spawn_app().await;
    let mkb = organisation(&app, "MKB Fastighetsbolag AB", "housing_company").await;
    let association = organisation(&app, "Brf Sege Park", "residents_association").await;
    let facilitator = app.facilitator().await;
    let owner = app.user_in(&[Role::NeedsOwner], None).await;
    let heir = app.user_in(&[Role::NeedsOwner], None).await;
    let before = moment().await;
    let challenge = app.draft_challenge(&owner).await;
    app.patch(
        &format!("/challenges/{challenge}"),
        Some(&owner.token),
        json!({ "organisation_id": mkb }),
    )
    .await
    .expect(200);
    app.challenge_command(&challenge, "submit", &owner.token, json!({}))
        .await;
    app.challenge_command(&challenge, "publish", &facilitator.token, json!({}))
        .await;
    app.challenge_command(
        &challenge,
        "transfer",
        &facilitator.token,
        json!({ "owner_id": heir.id, "organisation_id": association }),
    )
    .await;
    let after = moment().await;

    assert_defined(&app, &[None], &periods_around(&[before, after])).await;
    let followed = read_model(&app).await;
    rebuild_now(&app).await;
    assert_eq!(
        read_model(&app).await,
        followed,
        "the rebuild agrees with the read model"
    );
    assert!(followed.iter().any(|line| line.contains(&heir.id)), "{followed:?}");
    assert!(!followed.iter().any(|line| line.contains(&owner.id)), "{followed:?}");
}
