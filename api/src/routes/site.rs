//! The city's own site (SPEC §16, ADR 0033): its name, colour and contact address, its
//! privacy notice and accessibility statement. Anyone reads; facilitators write.

use poem::Body;
use poem_openapi::payload::{Binary, Json};
use poem_openapi::types::MaybeUndefined;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, Object, OpenApi, ResponseContent};

use super::params::IdempotencyKey;
use super::text::Text;
use super::{ApiResult, ApiTags, maybe};
use crate::app::site::{self as app, SitePatch};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::idempotency::idempotent;
use crate::state::AppState;
use crate::views::site::{AccessibilityStatement, PrivacyNotice, PublishedNotice, Site};
use sluss_domain::attachment::FileKind;

/// The body of `PATCH /site`: only the fields given change; `null` (or an empty text)
/// clears one back to its default.
#[derive(Debug, Object)]
pub struct SiteBody {
    /// The name shown in every page's header and title (at most 100 characters).
    pub site_name: MaybeUndefined<Text>,
    /// The colour of the header and buttons, `#rrggbb`: white text on it must keep WCAG
    /// AA contrast (4.5:1), else 422.
    pub primary_colour: MaybeUndefined<Text>,
    /// The innovation team's contact address, shown on `/contact` and where e-mail is not
    /// set up.
    pub contact_email: MaybeUndefined<Text>,
}

/// A text in both languages: the body of `POST /site/privacy-notice` and `PUT
/// /site/accessibility-statement`.
#[derive(Debug, Object)]
pub struct BothLanguages {
    /// The text in Swedish (at most 50 000 characters; a blank line starts a paragraph).
    pub sv: Text,
    /// The text in English.
    pub en: Text,
}

/// The answer to publishing a privacy notice.
#[derive(ApiResponse)]
pub enum NoticePublished {
    /// The new version.
    #[oai(status = 201)]
    Created(Json<PublishedNotice>),
}

/// The body of `PUT /site/logo`.
#[derive(Debug, Multipart)]
#[oai(deny_unknown_fields)]
pub struct LogoUpload {
    /// The logo: a PNG or WebP picture of at most 512 KiB, told by its content.
    pub file: Upload,
}

/// The logo's bytes, with the type their content showed.
#[derive(ResponseContent)]
pub enum LogoContent {
    /// PNG.
    #[oai(content_type = "image/png")]
    Png(Binary<Body>),
    /// WebP.
    #[oai(content_type = "image/webp")]
    Webp(Binary<Body>),
}

/// The city's logo, as a picture.
#[derive(ApiResponse)]
pub enum LogoPicture {
    /// The picture, with the type its content showed.
    #[oai(status = 200)]
    Ok(
        LogoContent,
        /// The SHA-256 of the bytes, quoted.
        #[oai(header = "ETag")]
        String,
        /// Caches may keep it for five minutes; `logo_url` changes with the picture.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// The site's settings.
pub struct SiteApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Site")]
impl SiteApi {
    /// The site's name, colour and contact address (anyone).
    #[oai(path = "/site", method = "get", operation_id = "get_site")]
    async fn get_site(&self) -> ApiResult<Json<Site>> {
        Ok(Json(app::get(&self.state).await?))
    }

    /// Change the site's name, colour or contact address (facilitators).
    ///
    /// A colour without WCAG AA contrast (4.5:1) with white text answers 422 on
    /// `primary_colour`, with the ratio it has.
    #[oai(path = "/site", method = "patch", operation_id = "update_site")]
    async fn update_site(&self, caller: Caller, body: Json<SiteBody>) -> ApiResult<Json<Site>> {
        let body = body.0;
        let patch = SitePatch {
            site_name: maybe(body.site_name),
            primary_colour: maybe(body.primary_colour),
            contact_email: maybe(body.contact_email),
        };
        Ok(Json(app::update(&self.state, caller.actor(), patch).await?))
    }

    /// The city's logo (anyone); 404 while there is none. `GET /site` gives its address.
    #[oai(path = "/site/logo", method = "get", operation_id = "get_site_logo")]
    async fn get_logo(&self) -> ApiResult<LogoPicture> {
        let (kind, sha256, bytes) = app::logo(&self.state).await?.ok_or_else(ApiError::not_found)?;
        let bytes = Binary(Body::from_vec(bytes));
        let content = match kind {
            FileKind::Png => LogoContent::Png(bytes),
            FileKind::Webp => LogoContent::Webp(bytes),
            other => return Err(ApiError::internal(&format!("a logo stored as {other:?}"))),
        };
        Ok(LogoPicture::Ok(
            content,
            format!("\"{sha256}\""),
            "public, max-age=300".to_owned(),
        ))
    }

    /// Set the city's logo (facilitators), shown in every page's header beside the site's
    /// name: a PNG or WebP picture of at most 512 KiB (multipart part `file`), told by its
    /// content; anything else answers 422 on `file`.
    #[oai(path = "/site/logo", method = "put", operation_id = "set_site_logo")]
    async fn set_logo(&self, caller: Caller, body: LogoUpload) -> ApiResult<Json<Site>> {
        let bytes = body
            .file
            .into_vec()
            .await
            .map_err(|e| ApiError::internal(&format!("reading the logo: {e}")))?;
        Ok(Json(app::set_logo(&self.state, caller.actor(), bytes).await?))
    }

    /// Remove the city's logo (facilitators).
    #[oai(path = "/site/logo", method = "delete", operation_id = "remove_site_logo")]
    async fn remove_logo(&self, caller: Caller) -> ApiResult<Json<Site>> {
        Ok(Json(app::remove_logo(&self.state, caller.actor()).await?))
    }

    /// The privacy notice in force (anyone); 404 until one is published.
    #[oai(path = "/site/privacy-notice", method = "get", operation_id = "get_privacy_notice")]
    async fn get_privacy_notice(&self) -> ApiResult<Json<PrivacyNotice>> {
        app::privacy_notice(&self.state)
            .await?
            .map(Json)
            .ok_or_else(ApiError::not_found)
    }

    /// Publish a new version of the privacy notice (facilitators).
    ///
    /// Earlier versions are kept. From now on registration needs `accept_privacy_notice:
    /// true`, and each person is asked to accept it at their next sign-in on the web (`POST
    /// /me/privacy-notice/accept` in the API).
    #[oai(
        path = "/site/privacy-notice",
        method = "post",
        operation_id = "publish_privacy_notice",
        transform = "idempotent"
    )]
    async fn publish_privacy_notice(
        &self,
        caller: Caller,
        _idempotency_key: IdempotencyKey,
        body: Json<BothLanguages>,
    ) -> ApiResult<NoticePublished> {
        let body = body.0;
        let published = app::publish_privacy_notice(&self.state, caller.actor(), &body.sv, &body.en).await?;
        Ok(NoticePublished::Created(Json(published)))
    }

    /// Write the accessibility statement (facilitators), shown at `/accessibility` in
    /// place of the default one.
    #[oai(
        path = "/site/accessibility-statement",
        method = "put",
        operation_id = "set_accessibility_statement"
    )]
    async fn set_accessibility_statement(
        &self,
        caller: Caller,
        body: Json<BothLanguages>,
    ) -> ApiResult<Json<AccessibilityStatement>> {
        let body = body.0;
        Ok(Json(
            app::set_accessibility_statement(&self.state, caller.actor(), &body.sv, &body.en).await?,
        ))
    }
}
