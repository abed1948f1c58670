//! The city's own site (SPEC §16): its settings, its privacy notice and a person's consent.

use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::persistence::entities::{privacy_consents, privacy_notices, site_settings};
use crate::views::users::User;

/// The site's settings, as anyone may read them.
#[derive(Debug, Clone, Object)]
pub struct Site {
    /// The name shown in every page's header and title; `null` for "sluss".
    pub site_name: Option<String>,
    /// The colour of the header and buttons, `#rrggbb`; `null` for the default.
    pub primary_colour: Option<String>,
    /// The innovation team's contact address, shown on `/contact`.
    pub contact_email: Option<String>,
    /// Where the city's logo is served (`GET /site/logo`, a PNG or WebP picture); the
    /// address changes with the picture. `null` while there is none.
    pub logo_url: Option<String>,
    /// The version of the privacy notice in force (`GET /site/privacy-notice`); `null`
    /// until one is published.
    pub privacy_notice_version: Option<i64>,
}

impl Site {
    /// The API form of the settings row.
    pub fn from_row(row: &site_settings::Model, privacy_notice_version: Option<i64>) -> Self {
        Self {
            site_name: row.site_name.clone(),
            primary_colour: row.primary_colour.clone(),
            contact_email: row.contact_email.clone(),
            logo_url: logo_path(row),
            privacy_notice_version,
        }
    }
}

/// The address of the logo, which names its hash so that a new logo is a new address
/// (and an old one may be kept in caches for long).
pub fn logo_path(row: &site_settings::Model) -> Option<String> {
    let sha256 = row.logo_sha256.as_deref()?;
    Some(format!("/api/v1/site/logo?v={}", &sha256[..sha256.len().min(16)]))
}

/// A version of the privacy notice just published.
#[derive(Debug, Clone, Object)]
pub struct PublishedNotice {
    /// Its version: 1, 2, 3…
    pub version: i64,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// The privacy notice in force.
#[derive(Debug, Clone, Object)]
pub struct PrivacyNotice {
    /// Its version: 1, 2, 3…
    pub version: i64,
    /// The text in Swedish.
    pub sv: String,
    /// The text in English.
    pub en: String,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

impl From<privacy_notices::Model> for PrivacyNotice {
    fn from(row: privacy_notices::Model) -> Self {
        Self {
            version: row.version,
            sv: row.sv,
            en: row.en,
            published_at: row.published_at,
        }
    }
}

/// The accessibility statement the team wrote.
#[derive(Debug, Clone, Object)]
pub struct AccessibilityStatement {
    /// The text in Swedish.
    pub sv: String,
    /// The text in English.
    pub en: String,
    /// When it was written.
    pub updated_at: DateTime<Utc>,
}

/// The version of the privacy notice a person accepted, and when.
#[derive(Debug, Clone, Object)]
pub struct Consent {
    /// The version accepted.
    pub version: i64,
    /// When it was accepted.
    pub accepted_at: DateTime<Utc>,
}

impl From<privacy_consents::Model> for Consent {
    fn from(row: privacy_consents::Model) -> Self {
        Self {
            version: row.version,
            accepted_at: row.accepted_at,
        }
    }
}

/// The caller's own account, with the privacy notice they last accepted.
#[derive(Debug, Clone, Object)]
pub struct Me {
    /// The account.
    #[oai(flatten)]
    pub user: User,
    /// The latest version of the privacy notice accepted; `null` when none was.
    pub privacy_notice: Option<Consent>,
}
