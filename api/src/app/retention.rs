//! Retention (SPEC §16, ADR 0038): an account unused for `--retention-months` is told by
//! e-mail 30 days before, then erased as a facilitator's erase does. Accounts holding the
//! facilitator role are never erased by it; an account used after its warning starts a
//! fresh period and can be warned again later.

use chrono::{DateTime, Duration, Months, Utc};
use sluss_domain::{ConflictReason, Role, UserId};

use crate::error::ApiError;
use crate::persistence::entities::users as user_rows;
use crate::persistence::mail::{self as outbox, Letter};
use crate::persistence::{jobs, users};
use crate::state::AppState;

/// How long before its erasure an account is warned.
pub const WARNING_AHEAD: Duration = Duration::days(30);

/// How many accounts one query reads.
const BATCH: u64 = 100;

/// The default period: 24 months.
pub const DEFAULT_MONTHS: u32 = 24;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Accounts warned.
    pub warned: u64,
    /// Accounts erased.
    pub erased: u64,
}

/// The moment `months` months before `now`.
fn months_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Warns and erases as of `now`, with accounts kept `months` after their last use (0: kept
/// for ever, nothing is done).
pub async fn run(state: &AppState, months: u32, now: DateTime<Utc>) -> Result<Retention, ApiError> {
    let mut done = Retention::default();
    if months == 0 {
        return Ok(done);
    }
    let cutoff = months_before(now, months);
    // First the erasures: accounts warned at least 30 days ago and not used since.
    let warned_by = now - WARNING_AHEAD;
    let mut after = None;
    loop {
        let batch = jobs::to_erase(&state.db, cutoff, warned_by, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for row in batch {
            match erase(state, &row, cutoff, warned_by, months).await {
                Ok(()) => {
                    done.erased += 1;
                    tracing::info!(user.id = %row.id, "erased an account unused for the retention period");
                }
                Err(error) => {
                    tracing::warn!(%error, user.id = %row.id, "an unused account was not erased");
                }
            }
        }
    }
    // Then the warnings: accounts that reach the period within 30 days.
    let warn_from = cutoff + WARNING_AHEAD;
    let mut after = None;
    loop {
        let batch = jobs::to_warn(&state.db, warn_from, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        // One transaction per batch: each mark and its letter are written together.
        let tx = state.begin_write().await?;
        let mut warned = Vec::new();
        for row in batch {
            if jobs::mark_warned(&tx, row.id, jobs::last_active(&row), now).await? {
                outbox::enqueue(&tx, row.id, Letter::RetentionWarning, now).await?;
                warned.push(row.id);
            }
        }
        tx.commit().await?;
        for id in warned {
            done.warned += 1;
            tracing::info!(user.id = %id, "warned an unused account of its erasure");
        }
    }
    state.metrics.retention_done(done.warned, done.erased);
    Ok(done)
}

/// Erases `row`'s account if, under the lock, it is still unused since `cutoff`, warned
/// since its last use and by `warned_by`, active, and no facilitator.
async fn erase(
    state: &AppState,
    row: &user_rows::Model,
    cutoff: DateTime<Utc>,
    warned_by: DateTime<Utc>,
    months: u32,
) -> Result<(), ApiError> {
    let unused_since = jobs::last_active(row);
    let reason = format!(
        "not used since {}: erased after {months} months without use (retention)",
        unused_since.format("%Y-%m-%d")
    );
    let still = |now: &user_rows::Model| -> Result<(), ApiError> {
        let last = jobs::last_active(now);
        let facilitator = users::roles_of(now)?.contains(Role::Facilitator);
        let warned = now.retention_warned_at.is_some_and(|at| at >= last && at <= warned_by);
        if now.active && !facilitator && last <= cutoff && warned {
            Ok(())
        } else {
            Err(ApiError::conflict(ConflictReason::AccountChangedDuringErasure))
        }
    };
    super::privacy::erase_checked(state, UserId(row.id), row.id, Some(reason), None, still).await?;
    Ok(())
}
