//! The funder's figures follow the journal (ADR 0024): each event that is an act of the
//! figures (ADR 0018) is counted in their read model in the transaction that records it,
//! by the participants it names as stored; who those are is decided when the figures are
//! counted. Which kinds are acts is their row of the kinds' rules (`event.rs`); each act
//! is matched here without a catch-all arm.

use sluss_domain::figures::{Act, ChallengeActKind, IdeaActKind};

use super::journal::{Entry, Subject};
use crate::error::ApiError;
use crate::persistence::{WriteTx, figures, figures_model, steps};

/// Counts `entry` in the figures' read model when it is an act of the figures.
pub async fn follow(tx: &WriteTx, entry: &Entry<'_>) -> Result<(), ApiError> {
    match entry.subject {
        Subject::Challenge { kind, row, .. } => match kind.rules().counts {
            // Owned: each submission, in the challenge's arena (none until it is published).
            Some(ChallengeActKind::Owned) => {
                let act = Act::Owned {
                    organisation_id: row.organisation_id,
                    owner: row.owner_id,
                };
                figures_model::record(tx, &act, row.arena_id.unwrap_or_default(), entry.at).await?;
            }
            Some(ChallengeActKind::Placed) => figures_model::place_published(tx, row).await?,
            None => {}
        },
        Subject::Idea { kind, row, .. } => {
            let act = match kind.rules().counts {
                Some(IdeaActKind::Submitted) => Act::Submitted {
                    innovator: row.innovator_id,
                    team: figures::team(&row.team),
                },
                // The scorer is the event's actor.
                Some(IdeaActKind::Assessed) => Act::Assessed {
                    assessor: entry.actor.as_uuid(),
                },
                // The step's record is written before its event.
                Some(IdeaActKind::Supported) => Act::Supported {
                    support_organisation_id: steps::incubation(tx, row.id)
                        .await?
                        .map(|incubation| incubation.support_organisation_id),
                },
                Some(IdeaActKind::TestingStarted) => {
                    let test = steps::test_of(tx, row.id).await?;
                    Act::TestingStarted {
                        idea: row.id,
                        host_organisation_id: test.as_ref().and_then(|t| t.host_organisation_id),
                        host: test.map(|t| t.host),
                    }
                }
                None => return Ok(()),
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
