//! The open data archive (SPEC §12, ADR 0018): CSV files in a zip, with a README naming
//! the licence (CC0 1.0). Nothing personal: organisations appear by name and kind, people
//! never — no name, e-mail, account or innovator id, no team.

use std::io::Write;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sluss_domain::figures::Figures;
use zip::write::SimpleFileOptions;

use crate::error::ApiError;
use crate::persistence::open_data::OpenRows;

/// The figures of one calendar year.
pub type YearFigures = (i32, Figures);

/// The archive's README.
pub const README: &str = "sluss open data
================

Open data of the city's innovation accelerator, as published by this sluss server.

Licence: CC0 1.0 Universal (public domain dedication).
https://creativecommons.org/publicdomain/zero/1.0/
To the extent possible under law, the publisher has waived all copyright and related or
neighbouring rights to this data. You may copy, modify and distribute it, even for
commercial purposes, without asking permission.

No personal data: no person's name or e-mail address, no account or innovator id, no
team members. Organisations appear by their registered name and kind only.

The files are CSV (RFC 4180, UTF-8, comma-separated, a header line). Times are RFC 3339
UTC, dates ISO 8601. Text that begins with =, +, - or @ is prefixed with ' so that a
spreadsheet never reads it as a formula.

challenges.csv
  The published, closed and archived challenges: id, title, summary, description,
  location, sdgs (the UN Sustainable Development Goals, 1..17, separated by ;), state,
  arena_id and arena_name (the arena it was published in), published_at (first
  published), organisation_name and organisation_kind (the registered organisation it is
  owned on behalf of; empty when none is registered).

arenas.csv
  The open and closed arenas (competitions, workshops, open calls): id, name, kind
  (physical, digital, hybrid), description, location, starts_at, ends_at, state.

tests.csv
  The completed tests of ideas at real sites, on public challenges: idea_id, idea_title,
  challenge_id, site, host_organisation_name and host_organisation_kind (the registered
  host organisation; empty when none is registered), starts_on, ends_on, outcome
  (adopted, scaled, needs_further_development, not_adopted), results, lessons_learned,
  completed_at.

figures.csv
  The figures the accelerator reports to its funder, per calendar year (UTC), as rows
  year,section,key,value:
  - actors_involved,all: distinct organisations, plus people without one, that owned a
    challenge (submitted it), submitted an idea, were on the team of an idea submitted,
    assessed (submitted or revised a scorecard), supported (the support organisation of
    an incubation started) or hosted (the host of a test started) in the year;
  - property_owners_and_builders,all: of those, the registered property owners, builders
    and housing companies;
  - innovations_tested,all: ideas that started testing in the year;
  - forms_of_learning,kinds_used: the kinds of spread activity held in the year;
    forms_of_learning_by_kind,KIND: how many of each kind (learning_workshop,
    property_owner_dialogue, publication, other);
  - obstacles,CATEGORY: obstacles logged in the year, by category.
";

/// One CSV line of `fields`, quoted where needed (RFC 4180).
fn line(fields: &[String]) -> String {
    let mut out = fields
        .iter()
        .map(|field| {
            if field.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// Free text, defused for spreadsheets: a leading `=`, `+`, `-` or `@` is prefixed `'`.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn optional(value: Option<&str>) -> String {
    value.map(text).unwrap_or_default()
}

fn time(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn day(on: NaiveDate) -> String {
    on.format("%Y-%m-%d").to_string()
}

fn uuid(id: Option<uuid::Uuid>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

fn csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut out = line(&header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    for row in rows {
        out.push_str(&line(&row));
    }
    out
}

/// `challenges.csv`.
pub fn challenges_csv(open: &OpenRows) -> String {
    csv(
        &[
            "id",
            "title",
            "summary",
            "description",
            "location",
            "sdgs",
            "state",
            "arena_id",
            "arena_name",
            "published_at",
            "organisation_name",
            "organisation_kind",
        ],
        open.challenges.iter().map(|c| {
            vec![
                c.id.to_string(),
                text(&c.title),
                text(&c.summary),
                text(&c.description),
                optional(c.location.as_deref()),
                c.sdgs.iter().map(u8::to_string).collect::<Vec<_>>().join(";"),
                c.state.clone(),
                uuid(c.arena_id),
                optional(c.arena_name.as_deref()),
                time(c.published_at),
                optional(c.organisation_name.as_deref()),
                c.organisation_kind.clone().unwrap_or_default(),
            ]
        }),
    )
}

/// `arenas.csv`.
pub fn arenas_csv(open: &OpenRows) -> String {
    csv(
        &[
            "id",
            "name",
            "kind",
            "description",
            "location",
            "starts_at",
            "ends_at",
            "state",
        ],
        open.arenas.iter().map(|a| {
            vec![
                a.id.to_string(),
                text(&a.name),
                a.kind.clone(),
                text(&a.description),
                optional(a.location.as_deref()),
                time(a.starts_at),
                time(a.ends_at),
                a.state.clone(),
            ]
        }),
    )
}

/// `tests.csv`.
pub fn tests_csv(open: &OpenRows) -> String {
    csv(
        &[
            "idea_id",
            "idea_title",
            "challenge_id",
            "site",
            "host_organisation_name",
            "host_organisation_kind",
            "starts_on",
            "ends_on",
            "outcome",
            "results",
            "lessons_learned",
            "completed_at",
        ],
        open.tests.iter().map(|t| {
            vec![
                t.idea_id.to_string(),
                text(&t.idea_title),
                t.challenge_id.to_string(),
                text(&t.site),
                optional(t.host_name.as_deref()),
                t.host_kind.clone().unwrap_or_default(),
                day(t.starts_on),
                day(t.ends_on),
                t.outcome.clone().unwrap_or_default(),
                optional(t.results.as_deref()),
                optional(t.lessons_learned.as_deref()),
                time(t.completed_at),
            ]
        }),
    )
}

/// `figures.csv`: `year,section,key,value`, the years in order.
pub fn figures_csv(years: &[YearFigures]) -> String {
    csv(
        &["year", "section", "key", "value"],
        years.iter().flat_map(|(year, figures)| {
            figures.rows().into_iter().map(move |(section, key, value)| {
                vec![
                    year.to_string(),
                    section,
                    key,
                    value.map(|v| v.to_string()).unwrap_or_default(),
                ]
            })
        }),
    )
}

/// The archive: `README.txt` and the four CSV files, deflated.
pub fn archive(open: &OpenRows, years: &[YearFigures]) -> Result<Vec<u8>, ApiError> {
    let files = [
        ("README.txt", README.to_owned()),
        ("challenges.csv", challenges_csv(open)),
        ("arenas.csv", arenas_csv(open)),
        ("tests.csv", tests_csv(open)),
        ("figures.csv", figures_csv(years)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files {
        zip.start_file(name, options).map_err(|e| ApiError::internal(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| ApiError::internal(&e))?;
    }
    Ok(zip.finish().map_err(|e| ApiError::internal(&e))?.into_inner())
}
