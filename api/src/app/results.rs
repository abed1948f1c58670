//! The outcome in public (SPEC §14.3): every completed test on a public challenge, for
//! anyone, narrowed by outcome, goal, arena, year or challenge.

use chrono::{NaiveDate, TimeZone, Utc};
use sluss_domain::FieldProblem;
use sluss_domain::idea::TestOutcome;
use uuid::Uuid;

use super::{page_request, to_list_page};
use crate::error::ApiError;
use crate::persistence::results::{self as repo, ResultFilter};
use crate::state::AppState;
use crate::views::results::{ResultPage, TestResult};

/// The years a result may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// What a list of results is narrowed to, as asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResultQuery {
    /// How the tests ended.
    pub outcome: Option<TestOutcome>,
    /// A UN goal of the challenge, 1–17.
    pub sdg: Option<i64>,
    /// The arena the challenge was published in.
    pub arena_id: Option<Uuid>,
    /// The calendar year (UTC) the test was completed in.
    pub year: Option<i64>,
    /// One challenge's results.
    pub challenge_id: Option<Uuid>,
}

/// A page of results, newest idea first.
pub async fn list(
    state: &AppState,
    query: ResultQuery,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<ResultPage, ApiError> {
    let (limit, after) = page_request(limit, cursor)?;
    let filter = filter(query)?;
    let page = repo::page(&state.db, &filter, after, limit).await?;
    Ok(to_list_page(page, TestResult::from_row)?.into())
}

fn filter(query: ResultQuery) -> Result<ResultFilter, ApiError> {
    let sdg = match query.sdg.map(u8::try_from) {
        Some(Ok(sdg)) if (1..=17).contains(&sdg) => Some(sdg),
        Some(_) => return Err(ApiError::invalid("sdg", FieldProblem::OutOfRange { min: 1, max: 17 })),
        None => None,
    };
    let year = query.year.map(i32::try_from);
    let completed = match year {
        Some(Ok(year)) if YEARS.contains(&year) => {
            let first_day = |year| NaiveDate::from_ymd_opt(year, 1, 1).and_then(|day| day.and_hms_opt(0, 0, 0));
            let (Some(from), Some(to)) = (first_day(year), first_day(year + 1)) else {
                return Err(year_out_of_range());
            };
            Some((Utc.from_utc_datetime(&from), Utc.from_utc_datetime(&to)))
        }
        Some(_) => return Err(year_out_of_range()),
        None => None,
    };
    Ok(ResultFilter {
        outcome: query.outcome.map(TestOutcome::as_str),
        sdg,
        arena_id: query.arena_id,
        completed,
        challenge_id: query.challenge_id,
    })
}

fn year_out_of_range() -> ApiError {
    ApiError::invalid(
        "year",
        FieldProblem::OutOfRange {
            min: i64::from(*YEARS.start()),
            max: i64::from(*YEARS.end()),
        },
    )
}
