//! The outcome in public (SPEC §14.3): completed tests, for anyone.

use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use uuid::Uuid;

use super::{ApiResult, ApiTags};
use crate::app::results::{self as app, ResultQuery};
use crate::state::AppState;
use crate::views::ideas::ApiTestOutcome;
use crate::views::results::ResultPage;

/// The outcome in public.
pub struct ResultsApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(prefix_path = "/results", tag = "ApiTags::Results")]
impl ResultsApi {
    /// List the completed tests of public challenges (anyone, no sign-in): where each was
    /// tested, by which organisation, how it ended, what was measured and learned, and what
    /// was done to spread it. Nothing personal: a host that is not a registered
    /// organisation is left out. Newest idea first.
    #[oai(path = "/", method = "get", operation_id = "list_results")]
    #[allow(clippy::too_many_arguments)]
    async fn list_results(
        &self,
        /// How the tests ended.
        outcome: Query<Option<ApiTestOutcome>>,
        /// A UN goal of the challenge, 1–17.
        sdg: Query<Option<i64>>,
        /// The arena the challenge was published in.
        arena_id: Query<Option<Uuid>>,
        /// The calendar year (UTC) the test was completed in, 2000–2100.
        year: Query<Option<i64>>,
        /// One challenge's results.
        challenge_id: Query<Option<Uuid>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<ResultPage>> {
        let query = ResultQuery {
            outcome: outcome.0.map(Into::into),
            sdg: sdg.0,
            arena_id: arena_id.0,
            year: year.0,
            challenge_id: challenge_id.0,
        };
        Ok(Json(app::list(&self.state, query, limit.0, cursor.0.as_deref()).await?))
    }
}
