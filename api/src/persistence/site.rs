//! The city's own site (SPEC §16, ADR 0033): its one row of settings, the versions of its
//! privacy notice and who accepted which.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use super::RepoError;
use super::entities::{
    privacy_consents as consents, privacy_notices as notices, site_logo as logo, site_settings as settings,
};

/// The id of the one row of `site_settings`.
const ROW: i32 = 1;

/// The settings; every value `None` when none was ever set.
pub async fn settings(db: &impl ConnectionTrait) -> Result<settings::Model, RepoError> {
    Ok(settings::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .unwrap_or(settings::Model {
            id: ROW,
            site_name: None,
            primary_colour: None,
            contact_email: None,
            accessibility_sv: None,
            accessibility_en: None,
            accessibility_updated_at: None,
            updated_at: None,
            logo_content_type: None,
            logo_sha256: None,
        }))
}

/// What a change of the settings sets: `None` leaves a value, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// The site's name.
    pub site_name: Option<Option<String>>,
    /// The primary colour, `#rrggbb`.
    pub primary_colour: Option<Option<String>>,
    /// The team's contact address.
    pub contact_email: Option<Option<String>>,
    /// The accessibility statement in Swedish and English.
    pub accessibility: Option<(String, String)>,
}

fn set<T: Into<sea_orm::Value>>(value: Option<T>) -> ActiveValue<T> {
    match value {
        Some(value) => Set(value),
        None => ActiveValue::NotSet,
    }
}

/// Changes the settings row (which also takes its lock until the transaction ends).
pub async fn update(
    db: &impl ConnectionTrait,
    change: SettingsChange,
    now: DateTime<Utc>,
) -> Result<settings::Model, RepoError> {
    let (accessibility_sv, accessibility_en, accessibility_updated_at) = match change.accessibility {
        Some((sv, en)) => (Set(Some(sv)), Set(Some(en)), Set(Some(now))),
        None => (ActiveValue::NotSet, ActiveValue::NotSet, ActiveValue::NotSet),
    };
    let active = settings::ActiveModel {
        id: ActiveValue::Unchanged(ROW),
        site_name: set(change.site_name),
        primary_colour: set(change.primary_colour),
        contact_email: set(change.contact_email),
        accessibility_sv,
        accessibility_en,
        accessibility_updated_at,
        updated_at: Set(Some(now)),
        logo_content_type: ActiveValue::NotSet,
        logo_sha256: ActiveValue::NotSet,
    };
    settings::Entity::update_many()
        .set(active)
        .filter(settings::Column::Id.eq(ROW))
        .exec(db)
        .await?;
    settings(db).await
}

/// Replaces the logo (`Some`: its type, hash and bytes) or removes it (`None`): the bytes
/// and the settings row that names them change in the caller's transaction.
pub async fn set_logo(
    db: &impl ConnectionTrait,
    new: Option<(&str, &str, Vec<u8>)>,
    now: DateTime<Utc>,
) -> Result<settings::Model, RepoError> {
    logo::Entity::delete_many().exec(db).await?;
    let (content_type, sha256) = match new {
        Some((content_type, sha256, bytes)) => {
            logo::Entity::insert(logo::ActiveModel {
                id: Set(ROW),
                bytes: Set(bytes),
                updated_at: Set(now),
            })
            .exec_without_returning(db)
            .await?;
            (Some(content_type.to_owned()), Some(sha256.to_owned()))
        }
        None => (None, None),
    };
    settings::Entity::update_many()
        .set(settings::ActiveModel {
            logo_content_type: Set(content_type),
            logo_sha256: Set(sha256),
            updated_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(settings::Column::Id.eq(ROW))
        .exec(db)
        .await?;
    settings(db).await
}

/// The logo's bytes, if there is one.
pub async fn logo_bytes(db: &impl ConnectionTrait) -> Result<Option<Vec<u8>>, RepoError> {
    Ok(logo::Entity::find_by_id(ROW).one(db).await?.map(|row| row.bytes))
}

/// Every version of the privacy notice `user_id` accepted, oldest first.
pub async fn consents_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<consents::Model>, RepoError> {
    Ok(consents::Entity::find()
        .filter(consents::Column::UserId.eq(user_id))
        .order_by_asc(consents::Column::Version)
        .all(db)
        .await?)
}

/// The privacy notice in force: the highest version.
pub async fn current_notice(db: &impl ConnectionTrait) -> Result<Option<notices::Model>, RepoError> {
    Ok(notices::Entity::find()
        .order_by_desc(notices::Column::Version)
        .limit(1)
        .one(db)
        .await?)
}

/// Publishes a new version of the privacy notice, one above the last. The settings row is
/// locked first, so that two publishers in one moment take turns.
pub async fn publish_notice(
    db: &impl ConnectionTrait,
    sv: String,
    en: String,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<notices::Model, RepoError> {
    update(db, SettingsChange::default(), now).await?;
    let version = current_notice(db).await?.map_or(1, |notice| notice.version + 1);
    let row = notices::Model {
        version,
        sv,
        en,
        published_at: now,
        published_by: Some(by),
    };
    let active = notices::ActiveModel {
        version: Set(row.version),
        sv: Set(row.sv.clone()),
        en: Set(row.en.clone()),
        published_at: Set(row.published_at),
        published_by: Set(row.published_by),
    };
    notices::Entity::insert(active).exec_without_returning(db).await?;
    Ok(row)
}

/// The latest version a person accepted, if any.
pub async fn consent_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<consents::Model>, RepoError> {
    Ok(consents::Entity::find()
        .filter(consents::Column::UserId.eq(user_id))
        .order_by_desc(consents::Column::Version)
        .limit(1)
        .one(db)
        .await?)
}

/// Records that a person accepted `version` at `now`; a version accepted before keeps the
/// time it was first accepted.
pub async fn record_consent(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    version: i64,
    now: DateTime<Utc>,
) -> Result<consents::Model, RepoError> {
    if let Some(existing) = consents::Entity::find_by_id((user_id, version)).one(db).await? {
        return Ok(existing);
    }
    let row = consents::Model {
        user_id,
        version,
        accepted_at: now,
    };
    let active = consents::ActiveModel {
        user_id: Set(user_id),
        version: Set(version),
        accepted_at: Set(now),
    };
    consents::Entity::insert(active).exec_without_returning(db).await?;
    Ok(row)
}

/// Removes every consent of a person (their erasure).
pub async fn delete_consents_for(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, RepoError> {
    Ok(consents::Entity::delete_many()
        .filter(consents::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}
