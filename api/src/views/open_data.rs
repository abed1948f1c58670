//! The open data archive (SPEC §12, ADR 0018): CSV files in a zip, with a README naming
//! the licence (CC0 1.0). Nothing personal: organisations appear by name and kind, people
//! never — no name, e-mail, account or innovator id, no team.

use std::io::{Cursor, Write};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sluss_domain::figures::Figures;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::error::ApiError;
use crate::persistence::open_data::{ArenaRow, ChallengeRow, OpenRow, TestRow};

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

/// Appends one CSV line of `fields` to `out`, each quoted where needed (RFC 4180).
fn push_line<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = field.as_ref();
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
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

/// The CSV files of the archive, in the order it holds them (after `README.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum File {
    Challenges,
    Arenas,
    Tests,
    Figures,
}

impl File {
    const ALL: [Self; 4] = [Self::Challenges, Self::Arenas, Self::Tests, Self::Figures];

    fn name(self) -> &'static str {
        match self {
            Self::Challenges => "challenges.csv",
            Self::Arenas => "arenas.csv",
            Self::Tests => "tests.csv",
            Self::Figures => "figures.csv",
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            Self::Challenges => &[
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
            Self::Arenas => &[
                "id",
                "name",
                "kind",
                "description",
                "location",
                "starts_at",
                "ends_at",
                "state",
            ],
            Self::Tests => &[
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
            Self::Figures => &["year", "section", "key", "value"],
        }
    }
}

/// A line of `challenges.csv`.
fn challenge_fields(c: &ChallengeRow) -> [String; 12] {
    [
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
}

/// A line of `arenas.csv`.
fn arena_fields(a: &ArenaRow) -> [String; 8] {
    [
        a.id.to_string(),
        text(&a.name),
        a.kind.clone(),
        text(&a.description),
        optional(a.location.as_deref()),
        time(a.starts_at),
        time(a.ends_at),
        a.state.clone(),
    ]
}

/// A line of `tests.csv`.
fn test_fields(t: &TestRow) -> [String; 12] {
    [
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
}

/// The archive, written a row at a time: `README.txt`, then `challenges.csv`,
/// `arenas.csv`, `tests.csv` and `figures.csv`, deflated. Each row is compressed as it
/// comes, so only the compressed archive grows, never a whole CSV file.
pub struct ArchiveWriter {
    zip: ZipWriter<Cursor<Vec<u8>>>,
    /// The file being written; none while only the README is.
    current: Option<File>,
    /// The line being written, its memory reused.
    line: String,
}

impl ArchiveWriter {
    /// An archive holding the README.
    pub fn new() -> Result<Self, ApiError> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("README.txt", options())
            .map_err(|e| ApiError::internal(&e))?;
        zip.write_all(README.as_bytes()).map_err(|e| ApiError::internal(&e))?;
        Ok(Self {
            zip,
            current: None,
            line: String::new(),
        })
    }

    /// Adds a row to the file its kind goes in; rows come in the order of the files.
    pub fn row(&mut self, row: &OpenRow) -> Result<(), ApiError> {
        match row {
            OpenRow::Challenge(c) => self.line_in(File::Challenges, &challenge_fields(c)),
            OpenRow::Arena(a) => self.line_in(File::Arenas, &arena_fields(a)),
            OpenRow::Test(t) => self.line_in(File::Tests, &test_fields(t)),
        }
    }

    /// Ends the archive with `figures.csv`, `years` in order (every file before it started,
    /// however many rows it has), and gives its bytes.
    pub fn finish(mut self, years: &[YearFigures]) -> Result<Vec<u8>, ApiError> {
        self.reach(File::Figures)?;
        for (year, figures) in years {
            for (section, key, value) in figures.rows() {
                let value = value.map(|v| v.to_string()).unwrap_or_default();
                self.line_in(File::Figures, &[year.to_string(), section, key, value])?;
            }
        }
        Ok(self.zip.finish().map_err(|e| ApiError::internal(&e))?.into_inner())
    }

    /// Writes a line of `fields` into `file`.
    fn line_in<S: AsRef<str>>(&mut self, file: File, fields: &[S]) -> Result<(), ApiError> {
        self.reach(file)?;
        self.write_line(fields)
    }

    fn write_line<S: AsRef<str>>(&mut self, fields: &[S]) -> Result<(), ApiError> {
        self.line.clear();
        push_line(&mut self.line, fields);
        self.zip
            .write_all(self.line.as_bytes())
            .map_err(|e| ApiError::internal(&e))
    }

    /// Starts every file up to `file` not yet started, each with its header line. A file
    /// once left cannot be written to again.
    fn reach(&mut self, file: File) -> Result<(), ApiError> {
        if self.current == Some(file) {
            return Ok(());
        }
        if self.current.is_some_and(|current| current > file) {
            return Err(ApiError::internal(&format!("{} after a later file", file.name())));
        }
        let current = self.current;
        for next in File::ALL
            .into_iter()
            .filter(|next| current.is_none_or(|current| *next > current) && *next <= file)
        {
            self.zip
                .start_file(next.name(), options())
                .map_err(|e| ApiError::internal(&e))?;
            self.write_line(next.header())?;
        }
        self.current = Some(file);
        Ok(())
    }
}

/// Each file deflated.
fn options() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)
}
