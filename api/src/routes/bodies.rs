//! Request and response bodies that more than one routes file uses.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};
use uuid::Uuid;

use super::text::Text;
use crate::app::accounts::{DEFAULT_LOCALE, Registration};
use crate::views::privacy::PersonalData;
use crate::views::users::{ApiRole, roles_from};

/// A new account: the body of `POST /auth/register` and `POST /users`.
#[derive(Debug, Object)]
pub struct NewAccount {
    /// E-mail address.
    pub email: Text,
    /// 15..128 characters, not a common password.
    #[oai(write_only)]
    pub password: Text,
    /// Name shown to others.
    pub display_name: Text,
    /// Organisation, if any (used for conflict-of-interest checks).
    pub organisation: Option<Text>,
    /// Roles asked for. At registration only `needs_owner` and `innovator`.
    pub roles: Vec<ApiRole>,
}

impl From<NewAccount> for Registration {
    fn from(account: NewAccount) -> Self {
        Self {
            email: account.email.into_inner(),
            password: account.password.into_inner(),
            display_name: account.display_name.into_inner(),
            organisation: account.organisation.map(Text::into_inner),
            roles: roles_from(&account.roles),
            locale: DEFAULT_LOCALE,
        }
    }
}

/// The answer of an export: a JSON file to keep.
#[derive(ApiResponse)]
pub enum Export {
    /// Everything stored about the person.
    #[oai(status = 200)]
    Ok(
        Json<PersonalData>,
        /// `attachment; filename="sluss-export-<id>.json"`.
        #[oai(header = "Content-Disposition")]
        String,
        /// `no-store`: personal data stays out of caches.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

impl Export {
    /// The export of `user_id`'s data, as a file download kept out of caches.
    pub fn file(user_id: Uuid, data: PersonalData) -> Self {
        let disposition = format!("attachment; filename=\"sluss-export-{user_id}.json\"");
        Self::Ok(Json(data), disposition, "no-store".to_owned())
    }
}
