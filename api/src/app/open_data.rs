//! The open data of SPEC §12 (anonymous): public challenges, arenas, completed tests and
//! the figures per calendar year, as a zip of CSV files under CC0 (ADR 0018).

use bytes::Bytes;
use chrono::{Datelike, Utc};
use sha2::{Digest, Sha256};
use sluss_domain::figures::{self, Period};

use crate::app::reports::{category_names, spread_kind_names};
use crate::error::ApiError;
use crate::persistence::figures::{self as figures_repo, Scope};
use crate::persistence::open_data as repo;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::open_data::{ArchiveWriter, YearFigures};

/// The years the figures cover: from the first year anything counted happened to this
/// one, or to the last year a spread activity is dated (only this one when nothing has).
fn years(facts: &figures::Facts, this_year: i32) -> std::ops::RangeInclusive<i32> {
    let all = || {
        facts
            .participations
            .iter()
            .map(|p| p.at.year())
            .chain(facts.testing_started.iter().map(|(_, at)| at.year()))
            .chain(facts.spread.iter().map(|(_, on)| on.year()))
            .chain(facts.obstacles.iter().map(|o| o.reported_at.year()))
    };
    let first = all().min().unwrap_or(this_year).min(this_year);
    let last = all().max().unwrap_or(this_year).max(this_year);
    first..=last
}

/// The archive as served: its bytes, shared by every answer, and their tag.
#[derive(Debug, Clone)]
pub struct Archive {
    /// The zip.
    pub bytes: Bytes,
    /// Its `ETag`: a hash of the bytes, quoted.
    pub etag: String,
    /// The year it was made in: its figures run to that year.
    year: i32,
}

/// What the archive is read from: challenges, ideas, arenas, organisations and the other
/// tables (tests, the event log, the spread activities and obstacles).
const READS: Tables = Tables::CHALLENGES
    .with(Tables::IDEAS)
    .with(Tables::ARENAS)
    .with(Tables::ORGANISATIONS)
    .with(Tables::OTHER);

/// The archive, kept until a write changes what it was read from (ADR 0018): a flood of
/// downloads builds it once, and downloads arriving while it is built wait for that build.
pub async fn open_data(state: &AppState) -> Result<Archive, ApiError> {
    let this_year = Utc::now().year();
    state
        .reads
        .lasting(
            "open data archive",
            READS,
            |kept: &Archive| kept.year == this_year,
            build(state, this_year),
        )
        .await
}

/// Builds the archive: the rows streamed from the database into the zip one at a time,
/// then the figures of each year to `this_year`.
async fn build(state: &AppState, this_year: i32) -> Result<Archive, ApiError> {
    state.metrics.open_data_built();
    let mut writer = ArchiveWriter::new()?;
    repo::each_row(&state.db, |row| writer.row(&row)).await?;
    let (registry, facts) = figures_repo::facts(&state.db, &Scope::default()).await?;
    let (kinds, categories) = (spread_kind_names(), category_names());
    let per_year: Vec<YearFigures> = years(&facts, this_year)
        .filter_map(|year| {
            let period = Period::year(year)?;
            Some((year, figures::figures(&facts, &registry, period, &kinds, &categories)))
        })
        .collect();
    drop(facts);
    let bytes = Bytes::from(writer.finish(&per_year)?);
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    Ok(Archive {
        bytes,
        etag,
        year: this_year,
    })
}
