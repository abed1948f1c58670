//! The innovation team's work queues (`/me`): challenges waiting for review, ideas waiting
//! for assessment, ideas whose panel has handed in its scorecards, and running tests.

use sluss_domain::Actor;
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::IdeaState;
use sluss_domain::steps as rules;

use super::challenges::{self, ChallengeQuery};
use super::ideas::{self, IdeaQuery};
use crate::error::ApiError;
use crate::persistence::written::Tables;
use crate::state::AppState;
use crate::views::assessment::RankingItem;
use crate::views::challenges::Challenge;
use crate::views::ideas::Idea;

/// The team's queues, each newest first.
#[derive(Debug, Clone)]
pub struct TeamQueues {
    /// Challenges submitted for review.
    pub review: Vec<Challenge>,
    /// Ideas submitted and waiting for their assessment to start.
    pub waiting: Vec<Idea>,
    /// Ideas in assessment whose panel has handed in enough scorecards.
    pub decidable: Vec<RankingItem>,
    /// Ideas in assessment still waiting for scorecards, each with how many are required.
    pub scoring: Vec<(RankingItem, u32)>,
    /// Ideas being tested.
    pub testing: Vec<Idea>,
}

/// The queues of a facilitator, each at most `length` long. Kept until a write changes
/// what they are read from (every group but accounts: scorecards count among the other
/// tables), so the page a team works from does not read four lists on every view.
pub async fn team(state: &AppState, actor: &Actor, length: u32) -> Result<TeamQueues, ApiError> {
    rules::authorize_facilitator(actor)?;
    let reads = Tables::CHALLENGES
        .with(Tables::IDEAS)
        .with(Tables::ASSIGNMENTS)
        .with(Tables::OTHER)
        .with(Tables::ARENAS)
        .with(Tables::ORGANISATIONS);
    // By viewer: a facilitator who also holds other roles may be shown more of an idea.
    let key = format!("team queues {} {length}", actor.id.as_uuid());
    state.reads.value(key, reads, read_team(state, actor, length)).await
}

async fn read_team(state: &AppState, actor: &Actor, length: u32) -> Result<TeamQueues, ApiError> {
    let review = ChallengeQuery {
        state: Some(ChallengeState::Submitted),
        ..ChallengeQuery::default()
    };
    let ideas_in = |state: IdeaState| IdeaQuery {
        state: Some(state),
        ..IdeaQuery::default()
    };
    let (review, waiting, decidable, testing) = tokio::join!(
        challenges::list(state, Some(actor), review, Some(length), None),
        ideas::list(state, actor, ideas_in(IdeaState::Submitted), Some(length), None),
        super::assessment::assessment_queues(state, actor, u64::from(length)),
        ideas::list(state, actor, ideas_in(IdeaState::InTesting), Some(length), None),
    );
    let decidable = decidable?;
    Ok(TeamQueues {
        review: review?.items,
        waiting: waiting?.items,
        decidable: decidable.0,
        scoring: decidable.1,
        testing: testing?.items,
    })
}
