//! The city's own site (SPEC §16, ADR 0033): facilitators set its name, colour and contact
//! address, publish versions of its privacy notice and write its accessibility statement;
//! people accept the privacy notice in force.

use chrono::Utc;
use sha2::{Digest, Sha256};
use sluss_domain::attachment::FileKind;
use sluss_domain::site::{self as rules, PAGE_TEXT_MAX, SITE_NAME_MAX};
use sluss_domain::validate::Checks;
use sluss_domain::{Actor, ConflictReason, Refusal};
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::site_settings;
use crate::persistence::site::{self as repo, SettingsChange};
use crate::state::AppState;
use crate::views::site::{AccessibilityStatement, Consent, PrivacyNotice, PublishedNotice, Site};

/// A change of the settings: `None` leaves a value, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SitePatch {
    /// The site's name.
    pub site_name: Option<Option<String>>,
    /// The primary colour.
    pub primary_colour: Option<Option<String>>,
    /// The team's contact address.
    pub contact_email: Option<Option<String>>,
}

/// The settings row as it is stored (for the pages).
pub async fn settings(state: &AppState) -> Result<site_settings::Model, ApiError> {
    Ok(repo::settings(&state.db).await?)
}

/// The settings, as anyone may read them.
pub async fn get(state: &AppState) -> Result<Site, ApiError> {
    let row = repo::settings(&state.db).await?;
    let version = repo::current_notice(&state.db).await?.map(|notice| notice.version);
    Ok(Site::from_row(&row, version))
}

/// Changes the name, colour or contact address (facilitators). A colour white text cannot
/// be read on (WCAG AA) answers 422 on `primary_colour`.
pub async fn update(state: &AppState, actor: &Actor, patch: SitePatch) -> Result<Site, ApiError> {
    rules::authorize(actor)?;
    let mut checks = Checks::new();
    let site_name = patch
        .site_name
        .map(|name| checks.optional_name("site_name", name.as_deref(), SITE_NAME_MAX));
    let primary_colour = patch.primary_colour.map(|colour| {
        colour.filter(|colour| !colour.trim().is_empty()).and_then(|colour| {
            match rules::check_primary_colour(&colour) {
                Ok(colour) => Some(colour),
                Err(problem) => {
                    checks.fail("primary_colour", problem);
                    None
                }
            }
        })
    });
    let contact_email = patch.contact_email.map(|email| {
        email
            .filter(|email| !email.trim().is_empty())
            .map(|email| checks.email("contact_email", &email))
    });
    checks.finish().map_err(Refusal::Invalid)?;
    let change = SettingsChange {
        site_name,
        primary_colour,
        contact_email,
        accessibility: None,
    };
    let tx = state.begin_write().await?;
    let row = repo::update(&tx, change, Utc::now()).await?;
    let version = repo::current_notice(&tx).await?.map(|notice| notice.version);
    tx.commit().await?;
    Ok(Site::from_row(&row, version))
}

/// Sets the city's logo (facilitators): a PNG or WebP picture of at most 512 KiB, told by
/// its bytes as §15's files are; anything else answers 422 on `file`.
pub async fn set_logo(state: &AppState, actor: &Actor, bytes: Vec<u8>) -> Result<Site, ApiError> {
    rules::authorize(actor)?;
    let kind = rules::check_logo(&bytes).map_err(|problem| Refusal::invalid("file", problem))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    change_logo(state, Some((kind.content_type(), &sha256, bytes))).await
}

/// Removes the city's logo (facilitators); the header shows the site's name alone.
pub async fn remove_logo(state: &AppState, actor: &Actor) -> Result<Site, ApiError> {
    rules::authorize(actor)?;
    change_logo(state, None).await
}

async fn change_logo(state: &AppState, new: Option<(&str, &str, Vec<u8>)>) -> Result<Site, ApiError> {
    let tx = state.begin_write().await?;
    let row = repo::set_logo(&tx, new, Utc::now()).await?;
    let version = repo::current_notice(&tx).await?.map(|notice| notice.version);
    tx.commit().await?;
    Ok(Site::from_row(&row, version))
}

/// The logo as it is served: its kind, its hash and its bytes (anyone), if there is one.
pub async fn logo(state: &AppState) -> Result<Option<(FileKind, String, Vec<u8>)>, ApiError> {
    let row = repo::settings(&state.db).await?;
    let (Some(content_type), Some(sha256)) = (row.logo_content_type, row.logo_sha256) else {
        return Ok(None);
    };
    let kind = FileKind::from_content_type(&content_type)
        .ok_or_else(|| ApiError::internal(&format!("site_settings.logo_content_type {content_type} is no kind")))?;
    Ok(repo::logo_bytes(&state.db).await?.map(|bytes| (kind, sha256, bytes)))
}

/// Both languages of a page's text, each required.
fn both_languages(sv: &str, en: &str) -> Result<(String, String), ApiError> {
    let mut checks = Checks::new();
    let sv = checks.required_text("sv", sv, PAGE_TEXT_MAX);
    let en = checks.required_text("en", en, PAGE_TEXT_MAX);
    checks.finish().map_err(Refusal::Invalid)?;
    Ok((sv, en))
}

/// Publishes a new version of the privacy notice (facilitators); the old ones are kept.
/// From now on registration asks for it, and everyone is asked once at their next sign-in.
pub async fn publish_privacy_notice(
    state: &AppState,
    actor: &Actor,
    sv: &str,
    en: &str,
) -> Result<PublishedNotice, ApiError> {
    rules::authorize(actor)?;
    let (sv, en) = both_languages(sv, en)?;
    let tx = state.begin_write().await?;
    let notice = repo::publish_notice(&tx, sv, en, actor.id.as_uuid(), Utc::now()).await?;
    tx.commit().await?;
    Ok(PublishedNotice {
        version: notice.version,
        published_at: notice.published_at,
    })
}

/// The privacy notice in force, if one is published.
pub async fn privacy_notice(state: &AppState) -> Result<Option<PrivacyNotice>, ApiError> {
    Ok(repo::current_notice(&state.db).await?.map(PrivacyNotice::from))
}

/// Writes the accessibility statement (facilitators), in place of the default one.
pub async fn set_accessibility_statement(
    state: &AppState,
    actor: &Actor,
    sv: &str,
    en: &str,
) -> Result<AccessibilityStatement, ApiError> {
    rules::authorize(actor)?;
    let (sv, en) = both_languages(sv, en)?;
    let now = Utc::now();
    let change = SettingsChange {
        accessibility: Some((sv.clone(), en.clone())),
        ..SettingsChange::default()
    };
    let tx = state.begin_write().await?;
    repo::update(&tx, change, now).await?;
    tx.commit().await?;
    Ok(AccessibilityStatement {
        sv,
        en,
        updated_at: now,
    })
}

/// The version of the privacy notice a registration must accept, if one is published.
pub async fn notice_to_accept(state: &AppState) -> Result<Option<i64>, ApiError> {
    Ok(repo::current_notice(&state.db).await?.map(|notice| notice.version))
}

/// The latest version a person accepted.
pub async fn consent_of(state: &AppState, user_id: Uuid) -> Result<Option<Consent>, ApiError> {
    Ok(repo::consent_of(&state.db, user_id).await?.map(Consent::from))
}

/// The version in force when the person has not accepted it yet: what the sign-in asks.
pub async fn pending_notice(state: &AppState, user_id: Uuid) -> Result<Option<i64>, ApiError> {
    let Some(current) = repo::current_notice(&state.db).await? else {
        return Ok(None);
    };
    let accepted = repo::consent_of(&state.db, user_id).await?;
    Ok(match accepted {
        Some(consent) if consent.version >= current.version => None,
        _ => Some(current.version),
    })
}

/// Accepts the privacy notice in force. Any other version (an older one, one not yet
/// published, or any when none is) answers 409 naming the version in force.
pub async fn accept(state: &AppState, actor: &Actor, version: i64) -> Result<Consent, ApiError> {
    let tx = state.begin_write().await?;
    let current = repo::current_notice(&tx).await?.map(|notice| notice.version);
    if current != Some(version) {
        return Err(ApiError::conflict(ConflictReason::NotTheCurrentPrivacyNotice {
            current,
        }));
    }
    let consent = repo::record_consent(&tx, actor.id.as_uuid(), version, Utc::now()).await?;
    tx.commit().await?;
    Ok(Consent::from(consent))
}
