//! Who is behind what (SPEC §14.1): the people and organisations a view names, read for a
//! whole page at once.

use std::collections::HashMap;

use poem_openapi::Object;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::{organisations, users};

/// A registered organisation, by name.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct OrganisationRef {
    /// Identifier in the registry.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// A person as others see them: by display name only.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct PersonRef {
    /// Their account; absent where the person is hidden (blind assessment), and then
    /// `display_name` says who they are to the idea ("the innovator").
    pub id: Option<Uuid>,
    /// Display name.
    pub display_name: String,
}

/// The innovator behind an idea.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
pub struct Innovator {
    /// Their account.
    pub id: Uuid,
    /// Display name.
    pub display_name: String,
    /// The registered organisation of their account.
    pub organisation: Option<OrganisationRef>,
}

/// How a hidden history actor is named in the API (pages translate it).
pub const HIDDEN_INNOVATOR: &str = "the innovator";
/// How a hidden team member is named in the API (SPEC §19).
pub const HIDDEN_MEMBER: &str = "a team member";

/// One account as the views need it.
#[derive(Debug, Clone)]
struct Account {
    display_name: String,
    organisation_id: Option<Uuid>,
}

/// The names of the accounts and organisations of one answer, read in two queries.
#[derive(Debug, Clone, Default)]
pub struct Names {
    accounts: HashMap<Uuid, Account>,
    organisations: HashMap<Uuid, String>,
}

impl Names {
    /// Reads the accounts `user_ids`, and the organisations `organisation_ids` and those the
    /// accounts belong to. Ids that do not exist are simply not named.
    pub async fn read(
        db: &impl ConnectionTrait,
        user_ids: impl IntoIterator<Item = Uuid>,
        organisation_ids: impl IntoIterator<Item = Option<Uuid>>,
    ) -> Result<Self, ApiError> {
        let mut user_ids: Vec<Uuid> = user_ids.into_iter().collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let accounts: HashMap<Uuid, Account> = users::find_many(db, &user_ids)
            .await?
            .into_iter()
            .map(|row| {
                let account = Account {
                    display_name: row.display_name,
                    organisation_id: row.organisation_id,
                };
                (row.id, account)
            })
            .collect();
        let mut organisation_ids: Vec<Uuid> = organisation_ids
            .into_iter()
            .flatten()
            .chain(accounts.values().filter_map(|account| account.organisation_id))
            .collect();
        organisation_ids.sort_unstable();
        organisation_ids.dedup();
        let organisations = organisations::names(db, &organisation_ids).await?;
        Ok(Self {
            accounts,
            organisations,
        })
    }

    /// The organisation `id`, if it is registered.
    pub fn organisation(&self, id: Option<Uuid>) -> Option<OrganisationRef> {
        let id = id?;
        let name = self.organisations.get(&id)?;
        Some(OrganisationRef { id, name: name.clone() })
    }

    /// The person `id` by display name (an account that is gone has none).
    pub fn person(&self, id: Uuid) -> PersonRef {
        PersonRef {
            id: Some(id),
            display_name: self
                .accounts
                .get(&id)
                .map(|account| account.display_name.clone())
                .unwrap_or_default(),
        }
    }

    /// The innovator `id` with the organisation of their account.
    pub fn innovator(&self, id: Uuid) -> Innovator {
        let account = self.accounts.get(&id);
        Innovator {
            id,
            display_name: account.map(|a| a.display_name.clone()).unwrap_or_default(),
            organisation: self.organisation(account.and_then(|a| a.organisation_id)),
        }
    }
}
