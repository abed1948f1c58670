//! Personal API tokens (SPEC §16). Only the SHA-256 of a token is stored, as for sessions.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::RepoError;
use super::entities::users;

/// Personal API tokens.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// A row of `api_tokens`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub user_id: Uuid,
        pub name: String,
        pub token_hash: String,
        pub created_at: DateTimeUtc,
        pub last_used_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        /// The account the token acts as.
        #[sea_orm(
            belongs_to = "crate::persistence::entities::users::Entity",
            from = "Column::UserId",
            to = "crate::persistence::entities::users::Column::Id"
        )]
        User,
    }

    impl Related<crate::persistence::entities::users::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Stores a new token.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    name: String,
    token_hash: String,
    now: DateTime<Utc>,
) -> Result<entity::Model, RepoError> {
    Ok(entity::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        name: Set(name),
        token_hash: Set(token_hash),
        created_at: Set(now),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// The account's tokens, oldest first.
pub async fn list(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<entity::Model>, RepoError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(entity::Column::CreatedAt)
        .order_by_asc(entity::Column::Id)
        .all(db)
        .await?)
}

/// How many tokens the account holds.
pub async fn count(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, RepoError> {
    Ok(entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await?)
}

/// Removes the account's token `id`: whether it had one.
pub async fn delete(db: &impl ConnectionTrait, user_id: Uuid, id: Uuid) -> Result<bool, RepoError> {
    let result = entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Removes every token of the account (erasure).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), RepoError> {
    entity::Entity::delete_many()
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The active user behind a token, with the token (one query).
pub async fn find_user(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<(users::Model, entity::Model)>, RepoError> {
    let found = entity::Entity::find()
        .filter(entity::Column::TokenHash.eq(token_hash))
        .find_also_related(users::Entity)
        .filter(users::Column::Active.eq(true))
        .one(db)
        .await?;
    Ok(found.and_then(|(token, user)| user.map(|user| (user, token))))
}

/// Notes that the token was used at `now`.
pub async fn touch(db: &impl ConnectionTrait, id: Uuid, now: DateTime<Utc>) -> Result<(), RepoError> {
    entity::Entity::update_many()
        .col_expr(entity::Column::LastUsedAt, Expr::value(now))
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
