//! Two-factor sign-in (SPEC §16): TOTP secrets, recovery codes and the web sign-ins
//! waiting for their code. Recovery codes and pending sign-in tokens are kept as SHA-256.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::RepoError;

/// A TOTP app of an account, set up or being set up.
pub mod totp_secrets {
    use sea_orm::entity::prelude::*;

    /// A row of `totp_secrets`.
    #[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "totp_secrets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        pub secret: String,
        pub created_at: DateTimeUtc,
        pub confirmed_at: Option<DateTimeUtc>,
        pub last_step: Option<i64>,
    }

    // The secret is never logged.
    impl std::fmt::Debug for Model {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("totp_secrets::Model")
                .field("user_id", &self.user_id)
                .field("confirmed_at", &self.confirmed_at)
                .finish_non_exhaustive()
        }
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One-time recovery codes.
pub mod recovery_codes {
    use sea_orm::entity::prelude::*;

    /// A row of `recovery_codes`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_codes")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub code_hash: String,
        pub used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Web sign-ins whose password was right and whose code is still to come.
pub mod pending_sign_ins {
    use sea_orm::entity::prelude::*;

    /// A row of `pending_sign_ins`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "pending_sign_ins")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub token_hash: String,
        pub user_id: Uuid,
        pub created_at: DateTimeUtc,
        pub expires_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The TOTP row of an account, if any.
pub async fn find(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<totp_secrets::Model>, RepoError> {
    Ok(totp_secrets::Entity::find_by_id(user_id).one(db).await?)
}

/// Starts a set-up with a new secret, replacing an unconfirmed one.
pub async fn begin(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    secret: String,
    now: DateTime<Utc>,
) -> Result<totp_secrets::Model, RepoError> {
    totp_secrets::Entity::delete_many()
        .filter(totp_secrets::Column::UserId.eq(user_id))
        .filter(totp_secrets::Column::ConfirmedAt.is_null())
        .exec(db)
        .await?;
    Ok(totp_secrets::ActiveModel {
        user_id: Set(user_id),
        secret: Set(secret),
        created_at: Set(now),
        confirmed_at: Set(None),
        last_step: Set(None),
    }
    .insert(db)
    .await?)
}

/// Takes the time step `step` as used, if no later or equal step was: whether it was
/// taken (false: the code was used already, perhaps by a concurrent sign-in). With
/// `confirm`, the set-up is confirmed at `now` in the same update.
pub async fn use_step(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    step: i64,
    confirm: Option<DateTime<Utc>>,
) -> Result<bool, RepoError> {
    let mut update = totp_secrets::Entity::update_many()
        .col_expr(totp_secrets::Column::LastStep, Expr::value(step))
        .filter(totp_secrets::Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(totp_secrets::Column::LastStep.is_null())
                .add(totp_secrets::Column::LastStep.lt(step)),
        );
    if let Some(now) = confirm {
        update = update
            .col_expr(totp_secrets::Column::ConfirmedAt, Expr::value(now))
            .filter(totp_secrets::Column::ConfirmedAt.is_null());
    } else {
        update = update.filter(totp_secrets::Column::ConfirmedAt.is_not_null());
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Replaces the account's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    hashes: Vec<String>,
) -> Result<(), RepoError> {
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let rows = hashes.into_iter().map(|code_hash| recovery_codes::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        code_hash: Set(code_hash),
        used_at: Set(None),
    });
    recovery_codes::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Uses the unused recovery code with this hash: whether there was one.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let result = recovery_codes::Entity::update_many()
        .col_expr(recovery_codes::Column::UsedAt, Expr::value(now))
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::CodeHash.eq(code_hash))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected >= 1)
}

/// How many unused recovery codes the account has left.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, RepoError> {
    use sea_orm::PaginatorTrait;
    Ok(recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// Forgets the account's TOTP app, recovery codes and waiting sign-ins (a reset by a
/// facilitator, or an erasure).
pub async fn clear(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, RepoError> {
    let removed = totp_secrets::Entity::delete_many()
        .filter(totp_secrets::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    pending_sign_ins::Entity::delete_many()
        .filter(pending_sign_ins::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(removed > 0)
}

/// Stores a waiting sign-in, and forgets expired ones.
pub async fn create_pending(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: Uuid,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), RepoError> {
    pending_sign_ins::Entity::delete_many()
        .filter(pending_sign_ins::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    pending_sign_ins::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The account of an unexpired waiting sign-in.
pub async fn find_pending(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, RepoError> {
    Ok(pending_sign_ins::Entity::find_by_id(token_hash.to_owned())
        .filter(pending_sign_ins::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// Ends a waiting sign-in.
pub async fn delete_pending(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), RepoError> {
    pending_sign_ins::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
