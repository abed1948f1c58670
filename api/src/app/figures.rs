//! The funder's figures follow the journal (ADR 0024): each event that is an act of the
//! figures (ADR 0018) is counted in their read model in the transaction that records it,
//! by the participants it names as stored; who those are is decided when the figures are
//! counted. Its kinds are matched without a catch-all arm, so a new kind is placed here or
//! the build fails.

use sluss_domain::event::{ChallengeEventKind, IdeaEventKind};
use sluss_domain::figures::Act;

use super::journal::{Entry, Subject};
use crate::error::ApiError;
use crate::persistence::{WriteTx, figures, figures_model, steps};

/// Counts `entry` in the figures' read model when it is an act of the figures.
pub async fn follow(tx: &WriteTx, entry: &Entry<'_>) -> Result<(), ApiError> {
    match entry.subject {
        Subject::Challenge { kind, row, .. } => match kind {
            // Owned: each submission, in the challenge's arena (none until it is published).
            ChallengeEventKind::Submit => {
                let act = Act::Owned {
                    organisation_id: row.organisation_id,
                    owner: row.owner_id,
                };
                figures_model::record(tx, &act, row.arena_id.unwrap_or_default(), entry.at).await?;
            }
            ChallengeEventKind::Publish => figures_model::place_published(tx, row).await?,
            ChallengeEventKind::Create
            | ChallengeEventKind::Edit
            | ChallengeEventKind::RequestChanges
            | ChallengeEventKind::Close
            | ChallengeEventKind::Archive
            | ChallengeEventKind::Withdraw
            | ChallengeEventKind::Ask
            | ChallengeEventKind::Answer => {}
        },
        Subject::Idea { kind, row, .. } => {
            let act = match kind {
                IdeaEventKind::Submit => Act::Submitted {
                    innovator: row.innovator_id,
                    team: figures::team(&row.team),
                },
                // The scorer is the event's actor.
                IdeaEventKind::Score => Act::Assessed {
                    assessor: entry.actor.as_uuid(),
                },
                // The step's record is written before its event.
                IdeaEventKind::StartIncubation => Act::Supported {
                    support_organisation_id: steps::incubation(tx, row.id)
                        .await?
                        .map(|incubation| incubation.support_organisation_id),
                },
                IdeaEventKind::StartTesting => {
                    let test = steps::test_of(tx, row.id).await?;
                    Act::TestingStarted {
                        idea: row.id,
                        host_organisation_id: test.as_ref().and_then(|t| t.host_organisation_id),
                        host: test.map(|t| t.host),
                    }
                }
                IdeaEventKind::Create
                | IdeaEventKind::Edit
                | IdeaEventKind::Withdraw
                | IdeaEventKind::StartAssessment
                | IdeaEventKind::Assign
                | IdeaEventKind::DeclareConflict
                | IdeaEventKind::Unassign
                | IdeaEventKind::Decide
                | IdeaEventKind::AddMilestone
                | IdeaEventKind::CompleteMilestone
                | IdeaEventKind::Complete
                | IdeaEventKind::AddSpreadActivity
                | IdeaEventKind::Discontinue => return Ok(()),
            };
            let arena_id = figures_model::arena_of(tx, row.challenge_id).await?;
            figures_model::record(tx, &act, arena_id, entry.at).await?;
        }
        // Arenas, accounts and the registry are read as they are when the figures are
        // counted.
        Subject::Arena(..) | Subject::User(..) | Subject::Organisation(..) => {}
    }
    Ok(())
}
