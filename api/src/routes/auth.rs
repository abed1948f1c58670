//! Registration, login, logout and the caller's own account.

use poem::Request;
use poem_openapi::payload::Json;
use poem_openapi::types::MaybeUndefined;
use poem_openapi::{ApiResponse, Object, OpenApi};
use uuid::Uuid;

use super::bodies::{Export, NewAccount};
use super::params::{IdempotencyKey, IfMatch};
use super::text::Text;
use super::{Accepted, ApiResult, ApiTags, NoContent, Versioned, etag};
use crate::app::accounts::{self, Registered, Registration, SecondFactor, SignIn};
use crate::app::{privacy, resets, site};
use crate::auth::{Caller, client_address};
use crate::idempotency::idempotent_public;
use crate::state::AppState;
use crate::views::accounts::Session;
use crate::views::site::{Consent, Me};
use crate::views::users::User;

/// The body of `POST /auth/login`.
#[derive(Debug, Object)]
pub struct Credentials {
    /// E-mail address.
    pub email: Text,
    /// Password.
    #[oai(write_only)]
    pub password: Text,
    /// The code of the account's TOTP app (or one of its recovery codes), for an account
    /// that signs in with two-factor (SPEC §16); without it, or wrong, the answer is 401.
    #[oai(write_only)]
    pub totp_code: Option<Text>,
}

/// The body of `PATCH /me`: what is given changes, what is left out stays.
#[derive(Debug, Object)]
pub struct SettingsPatch {
    /// Name shown to others.
    pub display_name: Option<Text>,
    /// `sv` or `en`: the language sluss writes to the person in.
    pub locale: Option<Text>,
    /// Whether the person wants notifications by e-mail.
    pub email_notifications: Option<bool>,
    /// The registered organisation the person belongs to (`GET /organisations`); `null`
    /// leaves every organisation.
    pub organisation_id: MaybeUndefined<Uuid>,
    /// The version read; stale answers 409.
    pub expected_version: Option<i64>,
}

/// The body of `PUT /me/password`.
#[derive(Debug, Object)]
pub struct PasswordChange {
    /// The password now.
    #[oai(write_only)]
    pub current_password: Text,
    /// The new one: 15 to 128 characters, not a common password.
    #[oai(write_only)]
    pub new_password: Text,
}

/// The body of `POST /auth/password-reset`.
#[derive(Debug, Object)]
pub struct ResetRequest {
    /// The e-mail address of the account.
    pub email: Text,
}

/// The body of `POST /auth/password-reset/confirm`.
#[derive(Debug, Object)]
pub struct ResetConfirmation {
    /// The token of the link that was e-mailed.
    #[oai(write_only)]
    pub token: Text,
    /// The new password: 15 to 128 characters, not a common password.
    #[oai(write_only)]
    pub password: Text,
}

/// The body of `POST /auth/confirm-email`.
#[derive(Debug, Object)]
pub struct EmailConfirmation {
    /// The token of the link that was e-mailed at registration.
    #[oai(write_only)]
    pub token: Text,
}

/// The body of `POST /auth/register`.
#[derive(Debug, Object)]
pub struct Registering {
    /// The account.
    #[oai(flatten)]
    pub account: NewAccount,
    /// Once the team has published a privacy notice (`GET /site/privacy-notice`), it must
    /// be `true`: the person has read it (422 otherwise). Its version is stored with the
    /// time.
    pub accept_privacy_notice: Option<bool>,
}

/// The body of `POST /me/privacy-notice/accept`.
#[derive(Debug, Object)]
pub struct NoticeAcceptance {
    /// The version read: the one in force (`GET /site/privacy-notice`), else 409.
    pub version: i64,
}

/// The answer to a registration.
#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// Without a mail server: the new account, which can log in at once.
    #[oai(status = 201)]
    Created(Json<User>, #[oai(header = "ETag")] String),
    /// With a mail server: an e-mail is on its way to the address, a link that confirms
    /// this registration (valid 24 hours) or, when the address already has an account, a
    /// note to its owner. The answer is the same either way.
    #[oai(status = 202)]
    Accepted,
}

/// Authentication.
pub struct AuthApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Auth")]
impl AuthApi {
    /// Register as a needs-owner and/or innovator.
    ///
    /// Without a mail server the account is created (201) and an e-mail already registered
    /// answers 409. With one (`--smtp-url`), every registration answers 202 and the address
    /// gets an e-mail: a link to confirm the new account (`POST /auth/confirm-email`; until
    /// then it cannot log in), or a note to the owner of the existing account. From the 20th
    /// registration within 15 minutes from one address the answer is 429.
    #[oai(
        path = "/auth/register",
        method = "post",
        operation_id = "register",
        transform = "idempotent_public"
    )]
    async fn register(
        &self,
        req: &Request,
        _idempotency_key: IdempotencyKey,
        body: Json<Registering>,
    ) -> ApiResult<RegisterResponse> {
        let body = body.0;
        let accepted = body.accept_privacy_notice.unwrap_or(false);
        let registration = Registration::from(body.account);
        let registered = accounts::register(&self.state, &client_address(req), registration, None, accepted).await?;
        Ok(match registered {
            Registered::Account(user) => {
                let version = user.version;
                RegisterResponse::Created(Json(user), etag(version))
            }
            Registered::Confirming => RegisterResponse::Accepted,
        })
    }

    /// Confirm a registration's e-mail address with the token of its e-mailed link.
    ///
    /// The account takes the values that registration was made with and can log in. An
    /// unknown, used or expired token (links are valid 24 hours) answers 422 on `token`.
    #[oai(path = "/auth/confirm-email", method = "post", operation_id = "confirm_email")]
    async fn confirm_email(&self, req: &Request, body: Json<EmailConfirmation>) -> ApiResult<Json<User>> {
        let (user, _next) = accounts::confirm_email(&self.state, &client_address(req), &body.0.token).await?;
        Ok(Json(user))
    }

    /// Log in with e-mail and password; returns a bearer token.
    ///
    /// From the 10th failure within 15 minutes for one e-mail (or 100 from one address)
    /// the answer is 429 with `Retry-After`. An account with a TOTP app also sends
    /// `totp_code` (401 without it or wrong; a code works once; wrong codes are throttled
    /// like failed logins). With `--require-staff-2fa`, a facilitator who has not set up a
    /// TOTP app is answered 403: they set it up on the web first.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(&self, req: &Request, body: Json<Credentials>) -> ApiResult<Json<Session>> {
        let credentials = body.0;
        let signed_in = accounts::login_with(
            &self.state,
            &client_address(req),
            &credentials.email,
            &credentials.password,
            SecondFactor::Code(credentials.totp_code.as_deref()),
        )
        .await?;
        match signed_in {
            SignIn::Session(session) => Ok(Json(session)),
            SignIn::Held { .. } => Err(crate::error::ApiError::internal(&"an API sign-in was held")),
        }
    }

    /// Ask for a link to choose a new password, e-mailed to the account's address.
    ///
    /// Always 202 for an address, whether an account has it or not, and at the same cost
    /// (an empty one answers 422); the link is valid one hour and once. From the 5th
    /// request within 15 minutes for one e-mail (or 100 from one address) the answer is 429
    /// with `Retry-After`. Without a configured mail server nothing is sent.
    #[oai(
        path = "/auth/password-reset",
        method = "post",
        operation_id = "request_password_reset"
    )]
    async fn request_password_reset(&self, req: &Request, body: Json<ResetRequest>) -> ApiResult<Accepted> {
        resets::request(&self.state, &client_address(req), &body.0.email).await?;
        Ok(Accepted::Accepted)
    }

    /// Choose a new password with the token of a reset link; every session ends.
    ///
    /// An unknown, used or expired token answers 422 on `token`; a weak password answers
    /// 422 on `password` and leaves the token usable.
    #[oai(
        path = "/auth/password-reset/confirm",
        method = "post",
        operation_id = "confirm_password_reset"
    )]
    async fn confirm_password_reset(&self, req: &Request, body: Json<ResetConfirmation>) -> ApiResult<NoContent> {
        let confirmation = body.0;
        resets::confirm(
            &self.state,
            &client_address(req),
            &confirmation.token,
            confirmation.password.into_inner(),
        )
        .await?;
        Ok(NoContent::NoContent)
    }

    /// End the session of the token used.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, caller: Caller) -> ApiResult<NoContent> {
        accounts::logout(&self.state, &caller.0.token_hash).await?;
        Ok(NoContent::NoContent)
    }

    /// The caller's own account, with the version of the privacy notice they last
    /// accepted (`privacy_notice`, `null` when none).
    #[oai(path = "/me", method = "get", operation_id = "get_me")]
    async fn me(&self, caller: Caller) -> ApiResult<Versioned<Me>> {
        let user = accounts::me(&self.state, caller.actor()).await?;
        let privacy_notice = site::consent_of(&self.state, user.id).await?;
        let version = user.version;
        Ok(Versioned::Ok(Json(Me { user, privacy_notice }), etag(version)))
    }

    /// Accept the privacy notice in force.
    ///
    /// Any other version — an older one, one not published, or any while none is — answers
    /// 409 naming the version in force. Accepting a version again keeps the first time.
    #[oai(
        path = "/me/privacy-notice/accept",
        method = "post",
        operation_id = "accept_privacy_notice"
    )]
    async fn accept_privacy_notice(&self, caller: Caller, body: Json<NoticeAcceptance>) -> ApiResult<Json<Consent>> {
        Ok(Json(site::accept(&self.state, caller.actor(), body.0.version).await?))
    }

    /// Change the caller's own name, language or e-mail setting.
    #[oai(path = "/me", method = "patch", operation_id = "update_me")]
    async fn update_me(
        &self,
        caller: Caller,
        if_match: IfMatch,
        body: Json<SettingsPatch>,
    ) -> ApiResult<Versioned<User>> {
        let patch = body.0;
        let expected = if_match.expected(patch.expected_version)?;
        let settings = accounts::Settings {
            display_name: patch.display_name.map(Text::into_inner),
            locale: patch.locale.map(Text::into_inner),
            email_notifications: patch.email_notifications,
            organisation_id: match patch.organisation_id {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(id) => Some(Some(id)),
            },
        };
        let user = accounts::update_settings(&self.state, caller.actor(), settings, expected).await?;
        let version = user.version;
        Ok(Versioned::Ok(Json(user), etag(version)))
    }

    /// Change the caller's password; every other session of theirs ends, this one stays.
    ///
    /// A wrong current password answers 422 on `current_password`.
    #[oai(path = "/me/password", method = "put", operation_id = "change_password")]
    async fn change_password(&self, caller: Caller, body: Json<PasswordChange>) -> ApiResult<NoContent> {
        let change = body.0;
        accounts::change_password(
            &self.state,
            caller.actor(),
            &caller.0.token_hash,
            change.current_password.into_inner(),
            change.new_password.into_inner(),
        )
        .await?;
        Ok(NoContent::NoContent)
    }

    /// Everything stored about the caller, as a JSON file to keep: the account (never a
    /// password hash or token), sessions by time, challenges, ideas with their teams,
    /// listings on others' teams, questions and answers, assignments, conflicts of
    /// interest, scorecards, obstacles and the events the caller acted in.
    #[oai(path = "/me/export", method = "get", operation_id = "export_me")]
    async fn export_me(&self, caller: Caller) -> ApiResult<Export> {
        let actor = caller.actor();
        let data = privacy::export(&self.state, actor, actor.id.as_uuid()).await?;
        Ok(Export::file(actor.id.as_uuid(), data))
    }
}
