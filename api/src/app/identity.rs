//! Signing in through the city's OpenID Connect provider (SPEC §16, ADR 0036): the account
//! a checked ID token stands for — matched by the provider's `sub`, else linked by a
//! verified e-mail address, else created — its roles set from the role claim, and the same
//! session a password sign-in opens. The provider's sign-in counts as two factors done.

use chrono::Utc;
use sluss_domain::event::UserEventKind;
use sluss_domain::privacy::UNUSABLE_PASSWORD_HASH;
use sluss_domain::{Role, Roles, UserId};

use super::accounts::DEFAULT_LOCALE;
use super::journal::{self, Entry, Subject};
use crate::error::ApiError;
use crate::oidc::{Claims, RoleMap};
use crate::persistence::entities::users as rows;
use crate::persistence::users::{NewUser, UserChange};
use crate::persistence::{WriteTx, identities, sessions, users};
use crate::session::new_token;
use crate::state::AppState;
use crate::views::accounts::Session;
use crate::views::users::User;

/// Why a checked sign-in opens no session. Nothing was changed.
#[derive(Debug)]
pub enum Refused {
    /// The account is deactivated.
    Deactivated,
    /// An account has the e-mail address, and the provider does not say it verified it:
    /// it is never linked (the person is asked to contact the team).
    UnverifiedAddressTaken,
    /// No account has the `sub`, and the provider shares no e-mail address to make one.
    NoAddress,
    /// Anything else (the database).
    Failed(ApiError),
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Self {
        Refused::Failed(error)
    }
}

impl From<crate::persistence::RepoError> for Refused {
    fn from(error: crate::persistence::RepoError) -> Self {
        Refused::Failed(error.into())
    }
}

impl From<sea_orm::DbErr> for Refused {
    fn from(error: sea_orm::DbErr) -> Self {
        Refused::Failed(error.into())
    }
}

/// The roles of an account after a sign-in: the map's roles exactly as the claim grants
/// them, the others as they were.
pub fn roles_after(current: Roles, map: &RoleMap, values: &[String]) -> Roles {
    let mut roles: Vec<Role> = current.iter().filter(|role| !map.roles().contains(role)).collect();
    for role in map.roles() {
        if map.grants(role, values) {
            roles.push(role);
        }
    }
    roles.into_iter().collect()
}

/// The roles of a new account: innovator (unless the map decides it), and what the claim
/// grants.
fn new_roles(map: Option<&RoleMap>, values: &[String]) -> Roles {
    let base: Roles = [Role::Innovator].into_iter().collect();
    match map {
        Some(map) => roles_after(base, map, values),
        None => base,
    }
}

/// Opens a session for the account `claims` stand for, in one write transaction.
pub async fn sign_in(
    state: &AppState,
    claims: &Claims,
    map: Option<&RoleMap>,
    locale: &'static str,
) -> Result<Session, Refused> {
    let now = Utc::now();
    let tx = state.begin_write().await?;
    let row = match identities::find(&tx, &claims.issuer, &claims.subject).await? {
        Some(identity) => {
            identities::touch(&tx, identity.id, now).await?;
            users::find_for_update(&tx, identity.user_id)
                .await?
                .ok_or_else(|| Refused::Failed(ApiError::not_found()))?
        }
        None => link_or_create(&tx, claims, map, locale, now).await?,
    };
    if !row.active {
        return Err(Refused::Deactivated);
    }
    let row = match map {
        Some(map) => set_roles(state, &tx, row, map, &claims.role_values, now).await?,
        None => row,
    };
    let (token, token_hash) = new_token();
    let expires_at = now + state.auth.token_ttl;
    sessions::create(&tx, token_hash, row.id, now, expires_at).await?;
    super::activity::signed_in(&tx, row.id, now).await?;
    tx.commit().await?;
    Ok(Session {
        token,
        expires_at,
        user: User::from_row(row)?,
    })
}

async fn link_or_create(
    tx: &WriteTx,
    claims: &Claims,
    map: Option<&RoleMap>,
    locale: &'static str,
    now: chrono::DateTime<Utc>,
) -> Result<rows::Model, Refused> {
    let Some(email) = claims
        .email
        .clone()
        .filter(|e| sluss_domain::validate::is_plausible_email(e))
    else {
        return Err(Refused::NoAddress);
    };
    let row = match users::find_by_email(tx, &email).await? {
        Some(_) if !claims.email_verified => return Err(Refused::UnverifiedAddressTaken),
        Some(row) => users::find_for_update(tx, row.id)
            .await?
            .ok_or_else(|| Refused::Failed(ApiError::not_found()))?,
        None => {
            let display_name = claims
                .name
                .clone()
                .unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
            let display_name: String = display_name.chars().take(200).collect();
            let new_user = NewUser {
                email,
                display_name,
                organisation: None,
                organisation_id: None,
                roles: new_roles(map, &claims.role_values),
                password_hash: UNUSABLE_PASSWORD_HASH.to_owned(),
                locale: if locale == "en" { "en" } else { DEFAULT_LOCALE },
            };
            users::insert(tx, new_user, now).await?
        }
    };
    identities::link(tx, row.id, &claims.issuer, &claims.subject, now).await?;
    Ok(row)
}

async fn set_roles(
    state: &AppState,
    tx: &WriteTx,
    row: rows::Model,
    map: &RoleMap,
    values: &[String],
    now: chrono::DateTime<Utc>,
) -> Result<rows::Model, Refused> {
    let current = users::roles_of(&row)?;
    let roles = roles_after(current, map, values);
    if roles == current {
        return Ok(row);
    }
    let updated = users::update(tx, row.id, row.version, &UserChange::Roles(roles), now).await?;
    let entry = Entry::new(
        Subject::User(UserEventKind::SetRoles, row.id),
        (Some("active"), "active"),
        UserId(row.id),
        now,
        serde_json::json!({
            "roles": roles.iter().map(Role::as_str).collect::<Vec<_>>(),
            "via": "identity_provider",
        }),
    );
    journal::record(state, tx, entry).await?;
    Ok(updated)
}
