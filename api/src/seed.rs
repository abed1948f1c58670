//! `sluss seed`: fills an empty database with a city's worth of realistic data — users of
//! every role, arenas, challenges and ideas in every state with their events — for
//! benchmarks and load tests. Rows go in with multi-row INSERTs, a transaction per batch.

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::NotSet, DatabaseConnection, EntityTrait, PaginatorTrait, Set, TransactionTrait};
use sluss_domain::challenge::ChallengeState;
use sluss_domain::event::{ChallengeEventKind, EventKind, IdeaEventKind};
use sluss_domain::idea::{IdeaState, TestOutcome};
use sluss_domain::{Role, Roles};
use uuid::{ContextV7, Timestamp, Uuid};

use crate::persistence::entities::{arenas, assignments, challenges, events, ideas, rubrics, users};
use crate::persistence::{assessment, challenges as challenge_repo};
use crate::state::AppState;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub struct SeedSize {
    /// Challenges.
    pub challenges: u64,
    /// Ideas.
    pub ideas: u64,
}

/// The accounts a benchmark drives.
#[derive(Debug, Clone)]
pub struct SeedAccounts {
    /// Shared password of every seeded account.
    pub password: String,
    /// A facilitator.
    pub facilitator: String,
    /// An innovator.
    pub innovator: String,
    /// An assessor assigned to many ideas in assessment.
    pub assessor: String,
}

const ROWS_PER_INSERT: usize = 500;
const ROWS_PER_TRANSACTION: usize = 20_000;

const PLACES: [&str; 12] = [
    "Sege Park",
    "Botildenborg",
    "Rosengård",
    "Hyllie",
    "Västra hamnen",
    "Augustenborg",
    "Holma",
    "Kroksbäck",
    "Lindängen",
    "Norra Sorgenfri",
    "Bunkeflostrand",
    "Limhamn",
];
const NEEDS: [&str; 16] = [
    "full recycling bins",
    "waste services without a car",
    "terraced housing with social value",
    "shared mobility",
    "storm-water on courtyards",
    "energy use in old blocks",
    "lonely elderly residents",
    "safe school routes",
    "cargo-bike parking",
    "urban farming plots",
    "heat on south facades",
    "noise from the ring road",
    "shared laundry rooms",
    "repair and reuse",
    "green roofs",
    "district heating peaks",
];
const APPROACHES: [&str; 12] = [
    "QR reporting",
    "sensor network",
    "booking app",
    "co-operative model",
    "timber construction",
    "solar roofs",
    "sharing hub",
    "rain gardens",
    "pick-up by cargo bike",
    "peer support",
    "open data",
    "retrofit kit",
];

fn time_id(ctx: &ContextV7, at: DateTime<Utc>) -> Uuid {
    let seconds = u64::try_from(at.timestamp()).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(ctx, seconds, at.timestamp_subsec_nanos()))
}

fn sdgs(rng: &mut StdRng) -> Vec<u8> {
    let mut goals: Vec<u8> = (0..rng.random_range(1..=3)).map(|_| rng.random_range(1..=17)).collect();
    goals.sort_unstable();
    goals.dedup();
    goals
}

struct Batch<'a> {
    db: &'a DatabaseConnection,
    events: Vec<events::ActiveModel>,
}

impl Batch<'_> {
    /// Queues one event: `subject` is (kind, id), `transition` is (from, to).
    fn event(
        &mut self,
        subject: (EventKind, Uuid),
        transition: (Option<&str>, &str),
        actor: Uuid,
        at: DateTime<Utc>,
        payload: &str,
    ) {
        let (kind, id) = subject;
        let (from, to) = transition;
        self.events.push(events::ActiveModel {
            seq: NotSet,
            subject_type: Set(kind.subject().to_owned()),
            subject_id: Set(id),
            command: Set(kind.as_str().to_owned()),
            from_state: Set(from.map(str::to_owned)),
            to_state: Set(to.to_owned()),
            actor_id: Set(actor),
            at: Set(at),
            payload: Set(payload.to_owned()),
        });
    }

    async fn flush_events(&mut self) -> Result<(), String> {
        let rows = std::mem::take(&mut self.events);
        insert_chunks::<events::Entity>(self.db, rows).await
    }
}

async fn insert_chunks<E>(db: &DatabaseConnection, rows: Vec<E::ActiveModel>) -> Result<(), String>
where
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let tx = db.begin().await.map_err(|e| e.to_string())?;
        for _ in 0..(ROWS_PER_TRANSACTION / ROWS_PER_INSERT) {
            let chunk: Vec<E::ActiveModel> = rows.by_ref().take(ROWS_PER_INSERT).collect();
            if chunk.is_empty() {
                break;
            }
            E::insert_many(chunk).exec(&tx).await.map_err(|e| e.to_string())?;
        }
        tx.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Idea states in the proportions a mature accelerator shows, with the path each took.
fn idea_path(roll: u32) -> &'static [IdeaState] {
    use IdeaState as S;
    match roll {
        0..10 => &[S::Draft],
        10..35 => &[S::Draft, S::Submitted],
        35..45 => &[S::Draft, S::Submitted, S::InAssessment],
        45..50 => &[S::Draft, S::Submitted, S::InAssessment, S::Qualified],
        50..80 => &[S::Draft, S::Submitted, S::InAssessment, S::NotQualified],
        80..83 => &[S::Draft, S::Submitted, S::InAssessment, S::Qualified, S::InIncubation],
        83..86 => &[S::Draft, S::Submitted, S::InAssessment, S::Qualified, S::InTesting],
        86..91 => &[
            S::Draft,
            S::Submitted,
            S::InAssessment,
            S::Qualified,
            S::InIncubation,
            S::InTesting,
            S::Completed,
        ],
        91..95 => &[S::Draft, S::Submitted, S::InAssessment, S::Qualified, S::Discontinued],
        _ => &[S::Draft, S::Submitted, S::Withdrawn],
    }
}

fn command_into(state: IdeaState) -> IdeaEventKind {
    match state {
        IdeaState::Draft => IdeaEventKind::Create,
        IdeaState::Submitted => IdeaEventKind::Submit,
        IdeaState::InAssessment => IdeaEventKind::StartAssessment,
        IdeaState::Qualified | IdeaState::NotQualified => IdeaEventKind::Decide,
        IdeaState::InIncubation => IdeaEventKind::StartIncubation,
        IdeaState::InTesting => IdeaEventKind::StartTesting,
        IdeaState::Completed => IdeaEventKind::Complete,
        IdeaState::Discontinued => IdeaEventKind::Discontinue,
        IdeaState::Withdrawn => IdeaEventKind::Withdraw,
        IdeaState::OnHold => IdeaEventKind::PutOnHold,
    }
}

/// Fills an empty database. Refuses one that already holds challenges.
#[allow(clippy::too_many_lines)]
pub async fn seed(state: &AppState, size: SeedSize) -> Result<SeedAccounts, String> {
    let db = &state.db;
    if challenges::Entity::find().count(db).await.map_err(|e| e.to_string())? > 0 {
        return Err("the database already holds challenges; seed an empty one".into());
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let ctx = ContextV7::new();
    let now = Utc::now();
    let origin = now - Duration::days(3 * 365);
    let password = "seeded accounts share this password".to_owned();
    let hash = state
        .passwords
        .hash(password.clone())
        .await
        .map_err(|e| e.to_string())?;

    // People.
    let owners = (size.challenges / 100).clamp(10, 2_000);
    let innovators = (size.ideas / 200).clamp(20, 10_000);
    let mut user_rows = Vec::new();
    let mut person = |email: String, roles: Roles, organisation: String| {
        let id = Uuid::now_v7();
        user_rows.push(users::ActiveModel {
            id: Set(id),
            email: Set(email),
            display_name: Set("Seeded person".into()),
            organisation: Set(Some(organisation)),
            organisation_id: Set(None),
            roles: Set(roles.to_csv()),
            password_hash: Set(hash.clone()),
            active: Set(true),
            version: Set(1),
            created_at: Set(origin),
            updated_at: Set(origin),
            locale: Set("sv".into()),
            email_notifications: Set(true),
            email_confirmed_at: Set(Some(origin)),
            last_active_at: Set(Some(origin)),
            retention_warned_at: Set(None),
        });
        id
    };
    let facilitator = person(
        "facilitator@seed.example".into(),
        Roles::empty().with(Role::Facilitator),
        "Malmö stad".into(),
    );
    let assessor = person(
        "assessor@seed.example".into(),
        Roles::empty().with(Role::Assessor),
        "Panel".into(),
    );
    let owner_ids: Vec<Uuid> = (0..owners)
        .map(|n| {
            person(
                format!("owner{n}@seed.example"),
                Roles::empty().with(Role::NeedsOwner),
                format!("Owner org {n}"),
            )
        })
        .collect();
    let innovator_ids: Vec<Uuid> = (0..innovators)
        .map(|n| {
            person(
                format!("innovator{n}@seed.example"),
                Roles::empty().with(Role::Innovator),
                format!("Start-up {n}"),
            )
        })
        .collect();
    insert_chunks::<users::Entity>(db, user_rows).await?;

    // Arenas.
    let arena_ids: Vec<Uuid> = (0..20).map(|_| Uuid::now_v7()).collect();
    let arena_rows = arena_ids
        .iter()
        .enumerate()
        .map(|(n, id)| arenas::ActiveModel {
            id: Set(*id),
            name: Set(format!("Open call {n}")),
            kind: Set(["physical", "digital", "hybrid"][n % 3].into()),
            description: Set("A seeded arena.".into()),
            location: Set(Some(PLACES[n % PLACES.len()].into())),
            starts_at: Set(None),
            ends_at: Set(None),
            state: Set("open".into()),
            version: Set(2),
            created_at: Set(origin),
            updated_at: Set(origin),
        })
        .collect();
    insert_chunks::<arenas::Entity>(db, arena_rows).await?;

    let rubric = assessment::default_rubric(db)
        .await
        .map_err(|e| e.to_string())?
        .map(|r: rubrics::Model| r.id)
        .ok_or("no default rubric")?;

    // Challenges, spread over three years.
    let mut batch = Batch { db, events: Vec::new() };
    let mut public: Vec<(Uuid, Uuid, DateTime<Utc>)> = Vec::new();
    let mut rows = Vec::new();
    let span = (now - origin).num_seconds() - 86_400 * 30;
    for n in 0..size.challenges {
        let created = origin
            + Duration::seconds(
                span * i64::try_from(n).unwrap_or(0) / i64::try_from(size.challenges.max(1)).unwrap_or(1),
            );
        let id = time_id(&ctx, created);
        let owner = owner_ids[rng.random_range(0..owner_ids.len())];
        let roll = rng.random_range(0..100u32);
        use ChallengeState as S;
        let path: &[S] = match roll {
            0..5 => &[S::Draft],
            5..10 => &[S::Draft, S::Submitted],
            10..13 => &[S::Draft, S::Submitted, S::ChangesRequested],
            13..83 => &[S::Draft, S::Submitted, S::Published],
            83..93 => &[S::Draft, S::Submitted, S::Published, S::Closed],
            93..98 => &[S::Draft, S::Submitted, S::Published, S::Closed, S::Archived],
            _ => &[S::Draft, S::Withdrawn],
        };
        let final_state = path[path.len() - 1];
        let place = PLACES[rng.random_range(0..PLACES.len())];
        let need = NEEDS[rng.random_range(0..NEEDS.len())];
        let arena = (path.contains(&S::Published)).then(|| arena_ids[rng.random_range(0..arena_ids.len())]);
        let mut at = created;
        let mut from: Option<&str> = None;
        for step in path {
            let command = match step {
                S::Draft => ChallengeEventKind::Create,
                S::Submitted => ChallengeEventKind::Submit,
                S::ChangesRequested => ChallengeEventKind::RequestChanges,
                S::Published => ChallengeEventKind::Publish,
                S::Closed => ChallengeEventKind::Close,
                S::Archived => ChallengeEventKind::Archive,
                S::Withdrawn => ChallengeEventKind::Withdraw,
            };
            let actor = if matches!(step, S::Draft | S::Submitted | S::Withdrawn) {
                owner
            } else {
                facilitator
            };
            batch.event((command.into(), id), (from, step.as_str()), actor, at, "{}");
            from = Some(step.as_str());
            at += Duration::hours(rng.random_range(6..24 * 20));
        }
        if final_state.is_public() {
            public.push((id, owner, at));
        }
        rows.push(challenges::ActiveModel {
            id: Set(id),
            owner_id: Set(owner),
            title: Set(format!("{} in {place}", capitalise(need))),
            summary: Set(format!("Residents of {place} need help with {need}.")),
            description: Set(format!(
                "The needs-owner in {place} describes {need}: who is affected, what was tried, and what a test could show."
            )),
            location: Set(Some(format!("{place}, Malmö"))),
            sdgs: Set(challenge_repo::sdgs_to_stored(&sdgs(&mut rng))),
            arena_id: Set(arena),
            organisation_id: Set(None),
            ideas_close_at: Set(None),
            blind_assessment: Set(rng.random_bool(0.2)),
            feedback: Set(None),
            state: Set(final_state.as_str().to_owned()),
            version: Set(i64::try_from(path.len()).unwrap_or(1)),
            created_at: Set(created),
            updated_at: Set(at),
        });
        if rows.len() >= ROWS_PER_TRANSACTION {
            insert_chunks::<challenges::Entity>(db, std::mem::take(&mut rows)).await?;
            batch.flush_events().await?;
        }
    }
    insert_chunks::<challenges::Entity>(db, rows).await?;
    batch.flush_events().await?;
    if public.is_empty() && size.ideas > 0 {
        return Err("no public challenge to seed ideas on".into());
    }

    // Ideas on public challenges, with their events; the benchmark assessor is assigned
    // to ideas in assessment.
    let mut rows = Vec::new();
    let mut assignment_rows = Vec::new();
    for _ in 0..size.ideas {
        let (challenge_id, owner, opened) = public[rng.random_range(0..public.len())];
        let innovator = innovator_ids[rng.random_range(0..innovator_ids.len())];
        let created = opened.min(now - Duration::days(1)) + Duration::seconds(rng.random_range(0..86_400));
        let id = time_id(&ctx, created);
        let path = idea_path(rng.random_range(0..100));
        let final_state = path[path.len() - 1];
        let mut at = created;
        let mut from: Option<&str> = None;
        let mut submitted_at = None;
        let mut decided_at = None;
        for step in path {
            let actor = if matches!(step, IdeaState::Draft | IdeaState::Submitted | IdeaState::Withdrawn) {
                innovator
            } else {
                facilitator
            };
            let payload = match step {
                IdeaState::Completed => {
                    let outcome = TestOutcome::ALL[rng.random_range(0..TestOutcome::ALL.len())];
                    format!("{{\"outcome\":\"{}\"}}", outcome.as_str())
                }
                IdeaState::Qualified | IdeaState::NotQualified => format!("{{\"outcome\":\"{}\"}}", step.as_str()),
                _ => "{}".to_owned(),
            };
            batch.event(
                (command_into(*step).into(), id),
                (from, step.as_str()),
                actor,
                at,
                &payload,
            );
            if *step == IdeaState::Submitted {
                submitted_at = Some(at);
            }
            if matches!(step, IdeaState::Qualified | IdeaState::NotQualified) {
                decided_at = Some(at);
            }
            from = Some(step.as_str());
            at += Duration::hours(rng.random_range(12..24 * 40));
        }
        let approach = APPROACHES[rng.random_range(0..APPROACHES.len())];
        let assessed = path.contains(&IdeaState::InAssessment);
        if final_state == IdeaState::InAssessment && rng.random_bool(0.5) {
            assignment_rows.push(assignments::ActiveModel {
                id: Set(Uuid::now_v7()),
                idea_id: Set(id),
                assessor_id: Set(assessor),
                state: Set("assigned".into()),
                conflict_reason: Set(None),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                due_on: Set(None),
                reminded_due_at: Set(None),
                reminded_overdue_at: Set(None),
            });
        }
        rows.push(ideas::ActiveModel {
            id: Set(id),
            challenge_id: Set(challenge_id),
            challenge_owner_id: Set(owner),
            innovator_id: Set(innovator),
            title: Set(format!("{} for the challenge", capitalise(approach))),
            summary: Set(format!("A {approach} that answers the need.")),
            description: Set(format!(
                "The team proposes a {approach}, a partner and a test at a real site."
            )),
            team: Set("[]".into()),
            sdgs: Set(challenge_repo::sdgs_to_stored(&sdgs(&mut rng))),
            state: Set(final_state.as_str().to_owned()),
            version: Set(i64::try_from(path.len()).unwrap_or(1)),
            submitted_at: Set(submitted_at),
            rubric_id: Set(assessed.then_some(rubric)),
            decision_outcome: Set(decided_at.map(|_| {
                if path.contains(&IdeaState::Qualified) {
                    "qualified"
                } else {
                    "not_qualified"
                }
                .to_owned()
            })),
            decision_feedback: Set(decided_at.map(|_| "Decided by the seeded panel.".to_owned())),
            decided_at: Set(decided_at),
            created_at: Set(created),
            updated_at: Set(at),
            blind_assessment: Set(false),
            member_ids: Set("[]".to_owned()),
            held_from: Set(None),
        });
        if rows.len() >= ROWS_PER_TRANSACTION {
            insert_chunks::<ideas::Entity>(db, std::mem::take(&mut rows)).await?;
            batch.flush_events().await?;
        }
    }
    insert_chunks::<ideas::Entity>(db, rows).await?;
    batch.flush_events().await?;
    insert_chunks::<assignments::Entity>(db, assignment_rows).await?;
    // The rows above bypass the commands, so the read models are built from them.
    let tx = crate::persistence::begin_write(db).await.map_err(|e| e.to_string())?;
    crate::persistence::reports::rebuild(&tx)
        .await
        .map_err(|e| e.to_string())?;
    crate::persistence::figures_model::rebuild(&tx)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    tracing::info!(
        challenges = size.challenges,
        ideas = size.ideas,
        duration_ms = started.elapsed().as_millis() as u64,
        "seeded"
    );
    let _ = innovator_ids.first().ok_or("no innovator")?;
    Ok(SeedAccounts {
        password,
        facilitator: "facilitator@seed.example".into(),
        innovator: "innovator0@seed.example".into(),
        assessor: "assessor@seed.example".into(),
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
