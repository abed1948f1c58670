#![allow(clippy::unwrap_used)]

use super::*;
use chrono::TimeZone;

const KINDS: [&str; 4] = ["learning_workshop", "property_owner_dialogue", "publication", "other"];
const CATEGORIES: [&str; 2] = ["regulation", "data"];

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap()
}

fn person(email: &str) -> Party {
    Party {
        email: Some(email.to_owned()),
        ..Party::default()
    }
}

fn of(organisation_id: Uuid) -> Party {
    Party {
        organisation_id: Some(organisation_id),
        ..Party::default()
    }
}

fn act(actor: ActorKey, involvement: Involvement, day: u32) -> Participation {
    Participation {
        actor,
        involvement,
        at: at(day),
    }
}

fn count(facts: &Facts, registry: &Registry, period: Period) -> Figures {
    figures(facts, registry, period, &KINDS, &CATEGORIES)
}

struct Scene {
    registry: Registry,
    builder: Uuid,
    housing: Uuid,
    startup: Uuid,
}

fn scene() -> Scene {
    let (builder, housing, startup) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let registry = Registry::new([
        (builder, "Skanska", OrganisationKind::Builder),
        (housing, "MKB Fastighets AB", OrganisationKind::HousingCompany),
        (startup, "Binly", OrganisationKind::Startup),
    ]);
    Scene {
        registry,
        builder,
        housing,
        startup,
    }
}

#[test]
fn an_account_of_a_registered_organisation_is_that_organisation() {
    let s = scene();
    assert_eq!(
        s.registry.actor(&of(s.startup)),
        Some(ActorKey::Organisation(s.startup))
    );
}

#[test]
fn an_account_without_an_organisation_is_a_person_by_lower_cased_e_mail() {
    let s = scene();
    assert_eq!(
        s.registry.actor(&person(" Anna@Example.org ")),
        Some(ActorKey::Person("anna@example.org".into()))
    );
    assert_eq!(s.registry.actor(&Party::default()), None);
}

#[test]
fn an_unknown_organisation_id_falls_back_to_the_free_text_then_the_person() {
    let s = scene();
    let party = Party {
        organisation_id: Some(Uuid::now_v7()),
        organisation: None,
        email: Some("a@b.se".into()),
    };
    assert_eq!(s.registry.actor(&party), Some(ActorKey::Person("a@b.se".into())));
}

#[test]
fn a_free_text_organisation_is_the_registered_one_of_that_name_or_itself() {
    let s = scene();
    let named = |name: &str| Party {
        organisation: Some(name.to_owned()),
        email: Some("x@y.se".into()),
        ..Party::default()
    };
    assert_eq!(
        s.registry.actor(&named(" mkb fastighets ab")),
        Some(ActorKey::Organisation(s.housing))
    );
    assert_eq!(
        s.registry.actor(&named("Hyresgästföreningen ")),
        Some(ActorKey::Unregistered("hyresgästföreningen".into()))
    );
    // An empty name names nothing: the person.
    assert_eq!(s.registry.actor(&named("  ")), Some(ActorKey::Person("x@y.se".into())));
}

#[test]
fn a_name_borne_by_two_registered_organisations_matches_neither() {
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    let registry = Registry::new([
        (a, "Riksbyggen", OrganisationKind::Builder),
        (b, "riksbyggen", OrganisationKind::HousingCompany),
    ]);
    assert_eq!(registry.named("Riksbyggen"), None);
    let party = Party {
        organisation: Some("Riksbyggen".into()),
        ..Party::default()
    };
    assert_eq!(
        registry.actor(&party),
        Some(ActorKey::Unregistered("riksbyggen".into()))
    );
}

#[test]
fn a_support_organisation_is_itself_unless_registered_under_its_name() {
    let s = scene();
    let minc = Uuid::now_v7();
    assert_eq!(s.registry.support(minc, "Minc"), ActorKey::Support(minc));
    assert_eq!(s.registry.support(minc, "SKANSKA"), ActorKey::Organisation(s.builder));
}

#[test]
fn a_team_member_is_their_organisation_else_their_account_else_a_person() {
    let s = scene();
    let accounts: HashMap<String, Party> = [("bo@example.org".to_owned(), of(s.startup))].into();
    let member = |org: Option<Uuid>, email: &str| Party {
        organisation_id: org,
        organisation: None,
        email: Some(email.to_owned()),
    };
    assert_eq!(
        s.registry
            .team_member(&member(Some(s.builder), "bo@example.org"), &accounts),
        Some(ActorKey::Organisation(s.builder))
    );
    assert_eq!(
        s.registry.team_member(&member(None, "Bo@Example.org"), &accounts),
        Some(ActorKey::Organisation(s.startup))
    );
    assert_eq!(
        s.registry.team_member(&member(None, "Eva@Example.org"), &accounts),
        Some(ActorKey::Person("eva@example.org".into()))
    );
    assert_eq!(
        s.registry
            .team_member(&member(Some(Uuid::now_v7()), "eva@example.org"), &accounts),
        Some(ActorKey::Person("eva@example.org".into()))
    );
    assert_eq!(s.registry.team_member(&member(None, " "), &accounts), None);
}

#[test]
fn actors_are_counted_once_however_often_and_however_they_took_part() {
    let s = scene();
    let facts = Facts {
        participations: vec![
            act(ActorKey::Organisation(s.housing), Involvement::Owned, 2),
            act(ActorKey::Organisation(s.housing), Involvement::Hosted, 3),
            act(ActorKey::Organisation(s.housing), Involvement::Owned, 4),
            act(ActorKey::Organisation(s.startup), Involvement::Submitted, 2),
            act(ActorKey::Person("anna@example.org".into()), Involvement::Team, 2),
            act(ActorKey::Person("eva@example.org".into()), Involvement::Assessed, 3),
            act(ActorKey::Support(Uuid::nil()), Involvement::Supported, 3),
            act(ActorKey::Organisation(s.builder), Involvement::Team, 5),
        ],
        ..Facts::default()
    };
    let all = count(&facts, &s.registry, Period::default());
    assert_eq!(all.actors_involved, 6);
    assert_eq!(all.property_owners_and_builders, 2);
}

fn obstacle(category: &str, state: &str, day: u32) -> ObstacleFact {
    ObstacleFact {
        category: category.into(),
        state: state.into(),
        reported_at: at(day),
    }
}

#[test]
fn the_period_counts_acts_at_or_after_since_and_before_until() {
    let s = scene();
    let facts = Facts {
        participations: vec![
            act(ActorKey::Organisation(s.housing), Involvement::Owned, 2),
            act(ActorKey::Organisation(s.builder), Involvement::Team, 5),
            act(ActorKey::Person("a@b.se".into()), Involvement::Submitted, 4),
        ],
        testing_started: vec![(Uuid::nil(), at(2)), (Uuid::max(), at(5))],
        obstacles: vec![
            obstacle("data", "raised", 2),
            obstacle("data", "logged", 5),
            obstacle("data", "closed", 3),
        ],
        ..Facts::default()
    };
    let period = Period {
        since: Some(at(2)),
        until: Some(at(5)),
    };
    let figures = count(&facts, &s.registry, period);
    assert_eq!(figures.actors_involved, 2);
    assert_eq!(figures.property_owners_and_builders, 1);
    assert_eq!(figures.innovations_tested, 1);
    assert_eq!(figures.obstacles["data"], 2);
    // Counted by where they stand now, every state named, zero included.
    let by_state: Vec<(&str, u64)> = figures
        .obstacles_by_state
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(by_state, [("answered", 0), ("closed", 1), ("logged", 0), ("raised", 1)]);
    let later = count(
        &facts,
        &s.registry,
        Period {
            since: Some(at(5)),
            until: None,
        },
    );
    assert_eq!(later.actors_involved, 1);
    assert_eq!(later.property_owners_and_builders, 1);
    assert_eq!(later.innovations_tested, 1);
}

#[test]
fn an_idea_tested_twice_is_one_innovation() {
    let s = scene();
    let idea = Uuid::now_v7();
    let facts = Facts {
        testing_started: vec![(idea, at(2)), (idea, at(3))],
        ..Facts::default()
    };
    assert_eq!(count(&facts, &s.registry, Period::default()).innovations_tested, 1);
}

#[test]
fn forms_of_learning_count_each_kind_and_the_kinds_used_by_the_day_held() {
    let s = scene();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let facts = Facts {
        spread: vec![
            ("learning_workshop".into(), day(2)),
            ("learning_workshop".into(), day(3)),
            ("publication".into(), day(3)),
            ("other".into(), day(9)),
        ],
        ..Facts::default()
    };
    let period = Period {
        since: Some(day(2).and_time(chrono::NaiveTime::MIN).and_utc()),
        until: Some(at(3)),
    };
    let figures = count(&facts, &s.registry, period);
    assert_eq!(figures.learning_kinds_used, 2);
    assert_eq!(figures.forms_of_learning["learning_workshop"], 2);
    assert_eq!(figures.forms_of_learning["publication"], 1);
    assert_eq!(figures.forms_of_learning["property_owner_dialogue"], 0);
    assert_eq!(figures.forms_of_learning["other"], 0);
}

#[test]
fn nothing_counted_gives_zeros_with_every_kind_and_category() {
    let figures = count(&Facts::default(), &Registry::default(), Period::default());
    assert_eq!(figures.actors_involved, 0);
    assert_eq!(figures.innovations_tested, 0);
    assert_eq!(figures.learning_kinds_used, 0);
    assert_eq!(figures.forms_of_learning.len(), KINDS.len());
    assert_eq!(figures.obstacles.len(), CATEGORIES.len());
    assert!(figures.obstacles.values().all(|n| *n == 0));
}

#[test]
fn a_year_is_its_calendar_year_in_utc() {
    let year = Period::year(2026).unwrap();
    assert!(year.contains(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()));
    assert!(year.contains(Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap()));
    assert!(!year.contains(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()));
    assert!(!year.contains(Utc.with_ymd_and_hms(2025, 12, 31, 23, 59, 59).unwrap()));
}

#[test]
fn the_rows_list_every_figure_once() {
    let figures = count(&Facts::default(), &Registry::default(), Period::default());
    let rows = figures.rows();
    assert_eq!(
        rows.len(),
        4 + KINDS.len() + CATEGORIES.len() + ObstacleState::ALL.len()
    );
    assert_eq!(rows[0], ("actors_involved".into(), "all".into(), Some(0.0)));
    assert!(rows.iter().any(|(s, k, _)| s == "obstacles" && k == "regulation"));
    assert!(
        rows.iter()
            .any(|(s, k, n)| s == "obstacles_by_state" && k == "raised" && *n == Some(0.0))
    );
}

fn directory(s: &Scene) -> (Directory, Uuid, Uuid) {
    let mut directory = Directory::new(s.registry.clone());
    let (of_startup, alone) = (Uuid::now_v7(), Uuid::now_v7());
    directory.add_account(of_startup, Some("key-of-bo".into()), of(s.startup));
    directory.add_account(alone, Some("key-of-eva".into()), person("Eva@Example.org"));
    (directory, of_startup, alone)
}

#[test]
fn an_account_is_its_organisation_or_the_person_and_one_no_longer_stored_is_one_person_by_id() {
    let s = scene();
    let (directory, of_startup, alone) = directory(&s);
    let gone = Uuid::now_v7();
    assert_eq!(
        Participant::Account(of_startup).actor(&directory),
        Some(ActorKey::Organisation(s.startup))
    );
    assert_eq!(
        Participant::Account(alone).actor(&directory),
        Some(ActorKey::Person("eva@example.org".into()))
    );
    assert_eq!(
        Participant::Account(gone).actor(&directory),
        Some(ActorKey::Person(gone.to_string()))
    );
}

#[test]
fn an_owner_is_the_challenges_registered_organisation_else_their_account() {
    let s = scene();
    let (directory, of_startup, _) = directory(&s);
    let owner = |organisation_id| Participant::Owner {
        organisation_id,
        account: of_startup,
    };
    assert_eq!(
        owner(s.builder).actor(&directory),
        Some(ActorKey::Organisation(s.builder))
    );
    assert_eq!(
        owner(Uuid::now_v7()).actor(&directory),
        Some(ActorKey::Organisation(s.startup))
    );
}

#[test]
fn a_team_member_participant_is_their_organisation_else_the_account_of_their_address_else_the_address() {
    let s = scene();
    let (directory, _, _) = directory(&s);
    let member = |organisation_id, address: Option<&str>| {
        Participant::TeamMember(TeamMember {
            organisation_id,
            address: address.map(str::to_owned),
        })
    };
    assert_eq!(
        member(Some(s.housing), Some("key-of-bo")).actor(&directory),
        Some(ActorKey::Organisation(s.housing))
    );
    assert_eq!(
        member(None, Some("key-of-bo")).actor(&directory),
        Some(ActorKey::Organisation(s.startup))
    );
    assert_eq!(
        member(None, Some("key-of-eva")).actor(&directory),
        Some(ActorKey::Person("eva@example.org".into()))
    );
    assert_eq!(
        member(None, Some("key-of-nobody")).actor(&directory),
        Some(ActorKey::Person("key-of-nobody".into()))
    );
    assert_eq!(member(Some(Uuid::now_v7()), None).actor(&directory), None);
}

#[test]
fn a_support_organisation_counts_while_it_is_stored_and_as_the_registered_one_of_its_name() {
    let s = scene();
    let (mut directory, _, _) = directory(&s);
    let (minc, named) = (Uuid::now_v7(), Uuid::now_v7());
    directory.add_support_organisation(minc, "Minc".into());
    directory.add_support_organisation(named, " binly".into());
    assert_eq!(
        Participant::Support(minc).actor(&directory),
        Some(ActorKey::Support(minc))
    );
    assert_eq!(
        Participant::Support(named).actor(&directory),
        Some(ActorKey::Organisation(s.startup))
    );
    assert_eq!(Participant::Support(Uuid::now_v7()).actor(&directory), None);
}

#[test]
fn a_host_is_its_registered_organisation_else_the_one_its_name_names_else_itself() {
    let s = scene();
    let (directory, _, _) = directory(&s);
    let host = |organisation_id, name: &str| Participant::Host {
        organisation_id,
        name: Some(name.to_owned()),
    };
    assert_eq!(
        host(Some(s.builder), "Someone").actor(&directory),
        Some(ActorKey::Organisation(s.builder))
    );
    assert_eq!(
        host(None, "MKB FASTIGHETS AB").actor(&directory),
        Some(ActorKey::Organisation(s.housing))
    );
    assert_eq!(
        host(None, "Hyresgästföreningen").actor(&directory),
        Some(ActorKey::Unregistered("hyresgästföreningen".into()))
    );
}

#[test]
fn an_act_names_its_participants_and_leaves_out_what_names_nobody() {
    let (innovator, idea) = (Uuid::now_v7(), Uuid::now_v7());
    let nobody = TeamMember {
        organisation_id: None,
        address: None,
    };
    let anna = TeamMember {
        organisation_id: None,
        address: Some("key-of-anna".into()),
    };
    let submitted = Act::Submitted {
        innovator,
        team: vec![nobody, anna.clone(), anna.clone()],
    };
    assert_eq!(
        submitted.participants(),
        vec![
            (Participant::Account(innovator), Involvement::Submitted),
            (Participant::TeamMember(anna.clone()), Involvement::Team),
            (Participant::TeamMember(anna), Involvement::Team),
        ]
    );
    assert_eq!(submitted.tested(), None);
    let owned = Act::Owned {
        organisation_id: None,
        owner: innovator,
    };
    assert_eq!(
        owned.participants(),
        vec![(Participant::Account(innovator), Involvement::Owned)]
    );
    let tested_at_no_host = Act::TestingStarted {
        idea,
        host_organisation_id: None,
        host: Some("  ".into()),
    };
    assert!(tested_at_no_host.participants().is_empty());
    assert_eq!(tested_at_no_host.tested(), Some(idea));
    let unsupported = Act::Supported {
        support_organisation_id: None,
    };
    assert!(unsupported.participants().is_empty());
}

#[test]
fn who_an_act_named_is_decided_by_the_directory_of_the_moment() {
    let s = scene();
    let owner = Uuid::now_v7();
    let participant = Participant::Account(owner);
    let mut before = Directory::new(s.registry.clone());
    before.add_account(owner, None, person("bo@example.org"));
    let mut after = Directory::new(s.registry.clone());
    after.add_account(owner, None, of(s.housing));
    assert_eq!(
        participant.actor(&before),
        Some(ActorKey::Person("bo@example.org".into()))
    );
    assert_eq!(participant.actor(&after), Some(ActorKey::Organisation(s.housing)));
}
