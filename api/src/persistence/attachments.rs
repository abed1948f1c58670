//! The rows of documents (SPEC §15). Their bytes live in the object store
//! (`crate::files`), written before the row and removed after it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::RepoError;
use super::entities::attachments;

/// What holds files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentKind {
    /// A challenge.
    Challenge,
    /// An idea.
    Idea,
    /// An idea's test.
    Test,
}

impl ParentKind {
    /// As stored and as the API names it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ParentKind::Challenge => "challenge",
            ParentKind::Idea => "idea",
            ParentKind::Test => "test",
        }
    }

    /// The kind stored as `value`.
    pub fn parse(value: &str) -> Option<Self> {
        [ParentKind::Challenge, ParentKind::Idea, ParentKind::Test]
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

/// A file's row, before it is stored.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Its id, also its name in the object store.
    pub id: Uuid,
    /// What holds it.
    pub parent: (ParentKind, Uuid),
    /// The idea it belongs to, for an idea or a test.
    pub idea_id: Option<Uuid>,
    /// The safe file name.
    pub filename: String,
    /// The type its bytes showed.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// What the uploader wrote about it.
    pub description: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: Uuid,
}

/// Stores a file's row.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewAttachment,
    now: DateTime<Utc>,
) -> Result<attachments::Model, RepoError> {
    Ok(attachments::ActiveModel {
        id: Set(new.id),
        parent_kind: Set(new.parent.0.as_str().to_owned()),
        parent_id: Set(new.parent.1),
        idea_id: Set(new.idea_id),
        filename: Set(new.filename),
        content_type: Set(new.content_type),
        size: Set(new.size),
        sha256: Set(new.sha256),
        description: Set(new.description),
        uploaded_by: Set(Some(new.uploaded_by)),
        created_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// The file with this id.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<attachments::Model>, RepoError> {
    Ok(attachments::Entity::find_by_id(id).one(db).await?)
}

/// The files of one parent, oldest first.
pub async fn of_parent(
    db: &impl ConnectionTrait,
    kind: ParentKind,
    parent_id: Uuid,
) -> Result<Vec<attachments::Model>, RepoError> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::ParentKind.eq(kind.as_str()))
        .filter(attachments::Column::ParentId.eq(parent_id))
        .order_by_asc(attachments::Column::CreatedAt)
        .order_by_asc(attachments::Column::Id)
        .all(db)
        .await?)
}

/// How many files one parent holds.
pub async fn count_of(db: &impl ConnectionTrait, kind: ParentKind, parent_id: Uuid) -> Result<usize, RepoError> {
    let count = attachments::Entity::find()
        .filter(attachments::Column::ParentKind.eq(kind.as_str()))
        .filter(attachments::Column::ParentId.eq(parent_id))
        .count(db)
        .await?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// Removes a file's row; `NotFound` when another request removed it first.
pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), RepoError> {
    let result = attachments::Entity::delete_by_id(id).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(RepoError::NotFound);
    }
    Ok(())
}

/// The files a person uploaded, oldest first (their export).
pub async fn uploaded_by(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<attachments::Model>, RepoError> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::UploadedBy.eq(user_id))
        .order_by_asc(attachments::Column::CreatedAt)
        .order_by_asc(attachments::Column::Id)
        .all(db)
        .await?)
}

/// The files `user_id` uploaded to their own challenges and to their own ideas and those
/// ideas' tests, in one query: those an erasure deletes (SPEC §15).
pub async fn own_files(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Uuid>, RepoError> {
    use sea_orm::sea_query::Query;

    use super::entities::{challenges, ideas};
    let own_challenges = Query::select()
        .column(challenges::Column::Id)
        .from(challenges::Entity)
        .and_where(challenges::Column::OwnerId.eq(user_id))
        .to_owned();
    let own_ideas = Query::select()
        .column(ideas::Column::Id)
        .from(ideas::Entity)
        .and_where(ideas::Column::InnovatorId.eq(user_id))
        .to_owned();
    let rows = attachments::Entity::find()
        .filter(attachments::Column::UploadedBy.eq(user_id))
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(attachments::Column::ParentKind.eq(ParentKind::Challenge.as_str()))
                        .add(attachments::Column::ParentId.in_subquery(own_challenges)),
                )
                .add(attachments::Column::IdeaId.in_subquery(own_ideas)),
        )
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// Of `ids`, those that have a row.
pub async fn existing(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, RepoError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = attachments::Entity::find()
            .filter(attachments::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|row| row.id));
    }
    Ok(found)
}

/// Forgets who uploaded the files `user_id` uploaded (an erasure's files kept on records
/// that are not theirs).
pub async fn forget_uploader(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), RepoError> {
    attachments::Entity::update_many()
        .col_expr(
            attachments::Column::UploadedBy,
            sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
        )
        .filter(attachments::Column::UploadedBy.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes the rows of `ids`.
pub async fn delete_all(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), RepoError> {
    for chunk in ids.chunks(500) {
        attachments::Entity::delete_many()
            .filter(attachments::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await?;
    }
    Ok(())
}
