//! The organisation registry (SPEC §12).

use chrono::{DateTime, Utc};
use poem_openapi::{Enum, Object};
use sluss_domain::organisation::OrganisationKind;
use uuid::Uuid;

use crate::error::ApiError;
use crate::persistence::entities::organisations as rows;
use crate::persistence::stored;

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ApiOrganisationKind {
    /// A residents' association.
    ResidentsAssociation,
    /// A housing company.
    HousingCompany,
    /// A property owner.
    PropertyOwner,
    /// A builder.
    Builder,
    /// A business.
    Business,
    /// A start-up.
    Startup,
    /// A non-profit.
    NonProfit,
    /// A university or research institute.
    Research,
    /// An incubator.
    Incubator,
    /// A municipality.
    Municipality,
    /// Anything else.
    Other,
}

impl From<OrganisationKind> for ApiOrganisationKind {
    fn from(kind: OrganisationKind) -> Self {
        match kind {
            OrganisationKind::ResidentsAssociation => Self::ResidentsAssociation,
            OrganisationKind::HousingCompany => Self::HousingCompany,
            OrganisationKind::PropertyOwner => Self::PropertyOwner,
            OrganisationKind::Builder => Self::Builder,
            OrganisationKind::Business => Self::Business,
            OrganisationKind::Startup => Self::Startup,
            OrganisationKind::NonProfit => Self::NonProfit,
            OrganisationKind::Research => Self::Research,
            OrganisationKind::Incubator => Self::Incubator,
            OrganisationKind::Municipality => Self::Municipality,
            OrganisationKind::Other => Self::Other,
        }
    }
}

impl From<ApiOrganisationKind> for OrganisationKind {
    fn from(kind: ApiOrganisationKind) -> Self {
        match kind {
            ApiOrganisationKind::ResidentsAssociation => Self::ResidentsAssociation,
            ApiOrganisationKind::HousingCompany => Self::HousingCompany,
            ApiOrganisationKind::PropertyOwner => Self::PropertyOwner,
            ApiOrganisationKind::Builder => Self::Builder,
            ApiOrganisationKind::Business => Self::Business,
            ApiOrganisationKind::Startup => Self::Startup,
            ApiOrganisationKind::NonProfit => Self::NonProfit,
            ApiOrganisationKind::Research => Self::Research,
            ApiOrganisationKind::Incubator => Self::Incubator,
            ApiOrganisationKind::Municipality => Self::Municipality,
            ApiOrganisationKind::Other => Self::Other,
        }
    }
}

/// An organisation that takes part: a residents' association, a housing company, a
/// start-up…
#[derive(Debug, Clone, Object)]
pub struct Organisation {
    /// Identifier.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// What it is.
    pub kind: ApiOrganisationKind,
    /// Swedish organisationsnummer, `NNNNNN-NNNN`.
    pub org_number: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

super::list_page!(OrganisationPage, Organisation);

impl Organisation {
    /// The view of a stored organisation.
    pub fn from_row(row: rows::Model) -> Result<Self, ApiError> {
        let kind = stored(OrganisationKind::parse(&row.kind), "organisations.kind", &row.kind)?;
        Ok(Self {
            id: row.id,
            name: row.name,
            kind: kind.into(),
            org_number: row.org_number,
            website: row.website,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}
