//! The mail outbox (SPEC §11.2) and the password-reset tokens (SPEC §11.4).
//!
//! A row of the outbox is written in the transaction of what causes the e-mail, so an
//! e-mail is never lost for an acknowledged command nor sent for one that rolled back. The
//! mail worker sends the due rows and marks each one sent after the server accepted it:
//! a crash between the two sends that one again (at least once).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set};
use uuid::Uuid;

use super::entities::{email_confirmations, mail_outbox, password_resets};
use super::{Deferring, RepoError};

/// What an e-mail of the outbox carries.
#[derive(Debug, Clone, Copy)]
pub enum Letter<'a> {
    /// Tells of a notification.
    Notification(Uuid),
    /// A link to set a new password, with its token.
    PasswordReset(&'a str),
    /// A link that confirms a registration's address, with its token.
    ConfirmEmail(&'a str),
    /// A note to an account's owner that someone tried to register with its address.
    AlreadyRegistered,
    /// An invitation to an idea's team, with its token, to an address without an account;
    /// the recipient is the account that invited.
    Invitation(&'a str),
    /// The warning that an unused account is about to be erased (retention, ADR 0038).
    RetentionWarning,
}

/// The `letter` column of a confirmation link.
pub const CONFIRM_EMAIL: &str = "confirm_email";
/// The `letter` column of a team invitation.
pub const INVITATION: &str = "invitation";
/// The `letter` column of the note about a registration with a taken address.
pub const ALREADY_REGISTERED: &str = "already_registered";
/// The `letter` column of the warning before an unused account is erased.
pub const RETENTION_WARNING: &str = "retention_warning";

/// Queues one e-mail to `recipient_id`, due at once.
pub async fn enqueue(
    db: &impl Deferring,
    recipient_id: Uuid,
    letter: Letter<'_>,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    // A link's token rides in `reset_token` whichever link it is, and is forgotten once
    // the e-mail is sent or given up.
    let (notification_id, reset_token, kind) = match letter {
        Letter::Notification(id) => (Some(id), None, None),
        Letter::PasswordReset(token) => (None, Some(token.to_owned()), None),
        Letter::ConfirmEmail(token) => (None, Some(token.to_owned()), Some(CONFIRM_EMAIL)),
        Letter::AlreadyRegistered => (None, None, Some(ALREADY_REGISTERED)),
        Letter::Invitation(token) => (None, Some(token.to_owned()), Some(INVITATION)),
        Letter::RetentionWarning => (None, None, Some(RETENTION_WARNING)),
    };
    let row = mail_outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        recipient_id: Set(recipient_id),
        notification_id: Set(notification_id),
        reset_token: Set(reset_token),
        due_at: Set(Some(at)),
        attempts: Set(0),
        created_at: Set(at),
        sent_at: Set(None),
        last_error: Set(None),
        letter: Set(kind.map(str::to_owned)),
    };
    db.defer(mail_outbox::Entity::insert(row).build(db.get_database_backend()))
        .await?;
    Ok(())
}

/// Up to `limit` e-mails due by `now`, the longest waiting first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, RepoError> {
    Ok(mail_outbox::Entity::find()
        .filter(mail_outbox::Column::DueAt.lte(now))
        .order_by_asc(mail_outbox::Column::DueAt)
        .order_by_asc(mail_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Claims e-mail `id` for one attempt if no one else did since it was read with `attempts`
/// made and due by `now`: counts the attempt and keeps it from others until `lease_until`.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: Uuid,
    attempts: i32,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let claimed = mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::Attempts, Expr::value(attempts + 1))
        .col_expr(mail_outbox::Column::DueAt, Expr::value(lease_until))
        .filter(mail_outbox::Column::Id.eq(id))
        .filter(mail_outbox::Column::Attempts.eq(attempts))
        .filter(mail_outbox::Column::DueAt.lte(now))
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The mail server accepted it.
    Sent,
    /// Not sent; tried again at the time given.
    Retry(DateTime<Utc>, String),
    /// Not sent, and never will be (refused for good, too old, or no longer wanted).
    GivenUp(String),
}

/// Records the outcome of a claimed attempt at e-mail `id`. Once it is sent or given up,
/// its token (if any) is forgotten.
pub async fn record(
    db: &impl ConnectionTrait,
    id: Uuid,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let update = mail_outbox::Entity::update_many().filter(mail_outbox::Column::Id.eq(id));
    let update = match outcome {
        Outcome::Sent => update
            .col_expr(mail_outbox::Column::DueAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(mail_outbox::Column::SentAt, Expr::value(now))
            .col_expr(mail_outbox::Column::ResetToken, Expr::value(Option::<String>::None))
            .col_expr(mail_outbox::Column::LastError, Expr::value(Option::<String>::None)),
        Outcome::Retry(next, error) => update
            .col_expr(mail_outbox::Column::DueAt, Expr::value(next))
            .col_expr(mail_outbox::Column::LastError, Expr::value(clip(&error))),
        Outcome::GivenUp(error) => update
            .col_expr(mail_outbox::Column::DueAt, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(mail_outbox::Column::ResetToken, Expr::value(Option::<String>::None))
            .col_expr(mail_outbox::Column::LastError, Expr::value(clip(&error))),
    };
    update.exec(db).await?;
    Ok(())
}

fn clip(error: &str) -> String {
    error.chars().take(500).collect()
}

/// Every e-mail to `recipient_id`, sent or not, and their reset tokens (the erasure of a
/// person).
pub async fn delete_for(db: &impl ConnectionTrait, recipient_id: Uuid) -> Result<(), RepoError> {
    mail_outbox::Entity::delete_many()
        .filter(mail_outbox::Column::RecipientId.eq(recipient_id))
        .exec(db)
        .await?;
    password_resets::Entity::delete_many()
        .filter(password_resets::Column::UserId.eq(recipient_id))
        .exec(db)
        .await?;
    email_confirmations::Entity::delete_many()
        .filter(email_confirmations::Column::UserId.eq(recipient_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores the hash of a new reset token of `user_id`, valid until `expires_at`.
pub async fn insert_reset(
    db: &impl Deferring,
    token_hash: String,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), RepoError> {
    let row = password_resets::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    };
    db.defer(password_resets::Entity::insert(row).build(db.get_database_backend()))
        .await?;
    Ok(())
}

/// Whether a reset token with this hash is unused and unexpired (read only; the use itself
/// is [`take_reset`]).
pub async fn reset_is_open(db: &impl ConnectionTrait, token_hash: &str, now: DateTime<Utc>) -> Result<bool, RepoError> {
    let open = password_resets::Entity::find_by_id(token_hash.to_owned())
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(open.is_some())
}

/// Uses the reset token with this hash, if it is unused and not expired: whose it was.
/// Every other unused token of that person is used up with it.
pub async fn take_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, RepoError> {
    let taken = password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::TokenHash.eq(token_hash))
        .filter(password_resets::Column::UsedAt.is_null())
        .filter(password_resets::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    let Some(row) = password_resets::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    use_up_resets(db, row.user_id, now).await?;
    Ok(Some(row.user_id))
}

/// Marks every unused reset token of `user_id` used at `now`.
pub async fn use_up_resets(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    password_resets::Entity::update_many()
        .col_expr(password_resets::Column::UsedAt, Expr::value(now))
        .filter(password_resets::Column::UserId.eq(user_id))
        .filter(password_resets::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A registration waiting for its address to be confirmed: the values it was made with.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The account it confirms (made unconfirmed by the first registration).
    pub user_id: Uuid,
    /// Name shown to others.
    pub display_name: String,
    /// Organisation typed at registration.
    pub organisation: Option<String>,
    /// Roles asked for, as stored on accounts.
    pub roles: String,
    /// The password's hash.
    pub password_hash: String,
    /// The language chosen.
    pub locale: String,
    /// Where the person was going when they registered (a path on this site).
    pub next: Option<String>,
}

/// Stores the hash of a new confirmation token and the registration it confirms.
pub async fn insert_confirmation(
    db: &impl ConnectionTrait,
    token_hash: String,
    pending: Pending,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), RepoError> {
    email_confirmations::Entity::insert(email_confirmations::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(pending.user_id),
        display_name: Set(pending.display_name),
        organisation: Set(pending.organisation),
        roles: Set(pending.roles),
        password_hash: Set(pending.password_hash),
        locale: Set(pending.locale),
        next: Set(pending.next),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Whether a confirmation token with this hash is unused and unexpired (read only).
pub async fn confirmation_is_open(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    Ok(email_confirmations::Entity::find_by_id(token_hash.to_owned())
        .filter(email_confirmations::Column::UsedAt.is_null())
        .filter(email_confirmations::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .is_some())
}

/// Uses the confirmation token with this hash, if it is unused and unexpired: the
/// registration it confirms. Every other open confirmation of that account is used up with
/// it, so only the registration whose link was followed counts.
pub async fn take_confirmation(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Pending>, RepoError> {
    let taken = email_confirmations::Entity::update_many()
        .col_expr(email_confirmations::Column::UsedAt, Expr::value(now))
        .filter(email_confirmations::Column::TokenHash.eq(token_hash))
        .filter(email_confirmations::Column::UsedAt.is_null())
        .filter(email_confirmations::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    let Some(row) = email_confirmations::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    email_confirmations::Entity::update_many()
        .col_expr(email_confirmations::Column::UsedAt, Expr::value(now))
        .filter(email_confirmations::Column::UserId.eq(row.user_id))
        .filter(email_confirmations::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(Some(Pending {
        user_id: row.user_id,
        display_name: row.display_name,
        organisation: row.organisation,
        roles: row.roles,
        password_hash: row.password_hash,
        locale: row.locale,
        next: row.next,
    }))
}
