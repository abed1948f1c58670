//! Accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use sluss_domain::{Role, Roles};
use uuid::Uuid;

use super::entities::users;
use super::{Page, RepoError, keyset_page, stored};

/// A user about to be stored.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Lower-cased e-mail.
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// Organisation, if any, as typed.
    pub organisation: Option<String>,
    /// The registered organisation, if any.
    pub organisation_id: Option<Uuid>,
    /// Roles granted.
    pub roles: Roles,
    /// The argon2id PHC string.
    pub password_hash: String,
    /// The language sluss writes to them in (`sv`, `en`).
    pub locale: &'static str,
}

/// The roles stored on a row.
pub fn roles_of(row: &users::Model) -> Result<Roles, RepoError> {
    stored(Roles::from_csv(&row.roles), "users.roles", &row.roles)
}

/// Stores a new user; an e-mail in use is a [`RepoError::Conflict`].
pub async fn insert(db: &impl ConnectionTrait, user: NewUser, now: DateTime<Utc>) -> Result<users::Model, RepoError> {
    users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(user.email),
        display_name: Set(user.display_name),
        organisation: Set(user.organisation),
        organisation_id: Set(user.organisation_id),
        roles: Set(user.roles.to_csv()),
        password_hash: Set(user.password_hash),
        active: Set(true),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        locale: Set(user.locale.to_owned()),
        email_notifications: Set(true),
        email_confirmed_at: Set(Some(now)),
        last_active_at: Set(Some(now)),
        retention_warned_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(|e| RepoError::on_unique(e, sluss_domain::ConflictReason::EmailTaken))
}

/// Marks a new account as not yet confirmed: it cannot sign in until its address is.
pub async fn mark_unconfirmed(db: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    users::Entity::update_many()
        .col_expr(
            users::Column::EmailConfirmedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The user with this (lower-cased) e-mail.
pub async fn find_by_email(db: &impl ConnectionTrait, email: &str) -> Result<Option<users::Model>, RepoError> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// The user with this id, locked for the update of a write transaction ([`super::lock_row`]).
pub async fn find_for_update(tx: &super::WriteTx, id: Uuid) -> Result<Option<users::Model>, RepoError> {
    Ok(super::lock_row::<users::Entity>(tx, id).await?)
}

/// The user with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<users::Model>, RepoError> {
    Ok(users::Entity::find_by_id(id).one(db).await?)
}

/// A page of users, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    matching: Option<&str>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Page<users::Model>, RepoError> {
    let mut select = users::Entity::find();
    if let Some(text) = matching {
        select = select.filter(matches(text));
    }
    keyset_page(db, select, users::Column::Id, |u| u.id, after, limit).await
}

/// Users whose display name, e-mail or organisation contains `text`. Both sides are
/// lower-cased, so the search ignores case on PostgreSQL too, where LIKE does not (SQLite's
/// lower() folds ASCII letters only). Wildcards in `text` only widen the search, which a
/// facilitator's own registry can bear.
fn matches(text: &str) -> Condition {
    let pattern = format!("%{}%", text.to_lowercase());
    let lowered = |column: users::Column| Expr::expr(Func::lower(Expr::col((users::Entity, column))));
    Condition::any()
        .add(lowered(users::Column::DisplayName).like(pattern.clone()))
        .add(lowered(users::Column::Email).like(pattern.clone()))
        .add(lowered(users::Column::Organisation).like(pattern))
}

/// Active users holding `role`, by display name, at most `limit`; with `matching`, only
/// those whose name, e-mail or organisation contains that text.
pub async fn active_holders(
    db: &impl ConnectionTrait,
    role: Role,
    matching: Option<&str>,
    limit: u64,
) -> Result<Vec<users::Model>, RepoError> {
    let mut select = users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Roles.like(format!("%{}%", role.as_str())));
    if let Some(text) = matching {
        select = select.filter(matches(text));
    }
    Ok(select
        .order_by_asc(users::Column::DisplayName)
        .limit(limit)
        .all(db)
        .await?)
}

/// The users `ids` (those that exist).
pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<users::Model>, RepoError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Whether any active user holds the facilitator role.
pub async fn active_facilitator_exists(db: &impl ConnectionTrait) -> Result<bool, RepoError> {
    let count = users::Entity::find()
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Roles.like(format!("%{}%", Role::Facilitator.as_str())))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// What to change on a user, guarded by the version read.
#[derive(Debug, Clone)]
pub enum UserChange {
    /// Replace the roles.
    Roles(Roles),
    /// Deactivate the account.
    Deactivate,
    /// Let a deactivated account sign in again.
    Reactivate,
    /// The person's own settings; `None` leaves one as it is.
    Settings {
        /// Name shown to others.
        display_name: Option<String>,
        /// The language sluss writes to them in.
        locale: Option<&'static str>,
        /// Whether they want e-mail.
        email_notifications: Option<bool>,
        /// The registered organisation and its name, written to the free-text column too
        /// while both exist (ADR 0017); `Some(None)` clears both.
        organisation: Option<Option<(Uuid, String)>>,
    },
    /// A new password, as its argon2id PHC string. Setting it through a reset link also
    /// proves the address, so an unconfirmed account counts as confirmed from then on.
    Password(String),
    /// The registration whose confirmation link was followed: its values, and the address
    /// confirmed.
    ConfirmEmail(super::mail::Pending),
}

/// Applies a change if the row still has `version`; returns the updated row.
pub async fn update(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    change: &UserChange,
    now: DateTime<Utc>,
) -> Result<users::Model, RepoError> {
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::Version, Expr::col(users::Column::Version).add(1))
        .col_expr(users::Column::UpdatedAt, Expr::value(now));
    update = match change {
        UserChange::Roles(roles) => update.col_expr(users::Column::Roles, Expr::value(roles.to_csv())),
        UserChange::Deactivate => update.col_expr(users::Column::Active, Expr::value(false)),
        UserChange::Reactivate => update.col_expr(users::Column::Active, Expr::value(true)),
        UserChange::Settings {
            display_name,
            locale,
            email_notifications,
            organisation,
        } => {
            if let Some(organisation) = organisation {
                let (id, name) = organisation.clone().unzip();
                update = update
                    .col_expr(users::Column::OrganisationId, Expr::value(id))
                    .col_expr(users::Column::Organisation, Expr::value(name));
            }
            if let Some(name) = display_name {
                update = update.col_expr(users::Column::DisplayName, Expr::value(name.clone()));
            }
            if let Some(locale) = locale {
                update = update.col_expr(users::Column::Locale, Expr::value(*locale));
            }
            if let Some(wanted) = email_notifications {
                update = update.col_expr(users::Column::EmailNotifications, Expr::value(*wanted));
            }
            update
        }
        UserChange::Password(hash) => update
            .col_expr(users::Column::PasswordHash, Expr::value(hash.clone()))
            .col_expr(
                users::Column::EmailConfirmedAt,
                Expr::col(users::Column::EmailConfirmedAt).if_null(now),
            ),
        UserChange::ConfirmEmail(pending) => update
            .col_expr(users::Column::DisplayName, Expr::value(pending.display_name.clone()))
            .col_expr(users::Column::Organisation, Expr::value(pending.organisation.clone()))
            .col_expr(users::Column::Roles, Expr::value(pending.roles.clone()))
            .col_expr(users::Column::PasswordHash, Expr::value(pending.password_hash.clone()))
            .col_expr(users::Column::Locale, Expr::value(pending.locale.clone()))
            .col_expr(users::Column::EmailConfirmedAt, Expr::value(now)),
    };
    let result = update
        .filter(users::Column::Id.eq(id))
        .filter(users::Column::Version.eq(version))
        .exec(db)
        .await?;
    let row = find(db, id).await?.ok_or(RepoError::NotFound)?;
    if result.rows_affected == 0 {
        return Err(RepoError::StaleVersion { current: row.version });
    }
    Ok(row)
}
