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
        obstacles: vec![("data".into(), at(2)), ("data".into(), at(5))],
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
    assert_eq!(figures.obstacles["data"], 1);
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
    assert_eq!(rows.len(), 4 + KINDS.len() + CATEGORIES.len());
    assert_eq!(rows[0], ("actors_involved".into(), "all".into(), Some(0.0)));
    assert!(rows.iter().any(|(s, k, _)| s == "obstacles" && k == "regulation"));
}
