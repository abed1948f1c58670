//! The open data of SPEC §12 (anonymous): public challenges, arenas, completed tests and
//! the figures per calendar year, as a zip of CSV files under CC0 (ADR 0018).

use bytes::Bytes;
use chrono::{Datelike, Utc};
use sluss_domain::figures::{self, Period};

use crate::app::reports::{category_names, spread_kind_names};
use crate::error::ApiError;
use crate::persistence::figures::{self as figures_repo, Scope};
use crate::persistence::open_data as repo;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::open_data::{YearFigures, archive};

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
            .chain(facts.obstacles.iter().map(|(_, at)| at.year()))
    };
    let first = all().min().unwrap_or(this_year).min(this_year);
    let last = all().max().unwrap_or(this_year).max(this_year);
    first..=last
}

/// The archive's bytes, kept until a write changes what it was read from.
pub async fn open_data(state: &AppState) -> Result<Bytes, ApiError> {
    let key = "open data archive".to_owned();
    state
        .reads
        .value(key, Tables::ALL, async {
            let open = repo::rows(&state.db).await?;
            let (registry, facts) = figures_repo::facts(&state.db, &Scope::default()).await?;
            let (kinds, categories) = (spread_kind_names(), category_names());
            let per_year: Vec<YearFigures> = years(&facts, Utc::now().year())
                .filter_map(|year| {
                    let period = Period::year(year)?;
                    Some((year, figures::figures(&facts, &registry, period, &kinds, &categories)))
                })
                .collect();
            Ok(Bytes::from(archive(&open, &per_year)?))
        })
        .await
}
