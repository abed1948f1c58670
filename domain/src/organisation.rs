//! The organisation registry (SPEC §12): who takes part, by kind, so that a city can count
//! the actors of its accelerator; Swedish organisation numbers checked by their Luhn digit.

use crate::Refusal;
use crate::error::{FieldProblem, ForbiddenReason};
use crate::role::Actor;
use crate::validate::{Checks, TITLE_MAX};

/// What an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum OrganisationKind {
    /// A residents' association (bostadsrättsförening, hyresgästförening…).
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
    /// A municipality or its administrations.
    Municipality,
    /// Anything else.
    Other,
}

impl OrganisationKind {
    /// Every kind, in the order the spec lists them.
    pub const ALL: [OrganisationKind; 11] = [
        Self::ResidentsAssociation,
        Self::HousingCompany,
        Self::PropertyOwner,
        Self::Builder,
        Self::Business,
        Self::Startup,
        Self::NonProfit,
        Self::Research,
        Self::Incubator,
        Self::Municipality,
        Self::Other,
    ];

    /// The kind's name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResidentsAssociation => "residents_association",
            Self::HousingCompany => "housing_company",
            Self::PropertyOwner => "property_owner",
            Self::Builder => "builder",
            Self::Business => "business",
            Self::Startup => "startup",
            Self::NonProfit => "non_profit",
            Self::Research => "research",
            Self::Incubator => "incubator",
            Self::Municipality => "municipality",
            Self::Other => "other",
        }
    }

    /// The kind named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Whether the kind owns or builds the places tests happen in: the funder's "property
    /// owners and builders" (SPEC §12).
    pub fn owns_or_builds(self) -> bool {
        matches!(self, Self::PropertyOwner | Self::Builder | Self::HousingCompany)
    }
}

/// Longest website address.
pub const WEBSITE_MAX: usize = 300;

/// A Swedish organisationsnummer written `NNNNNN-NNNN` (ten digits are accepted and written
/// so), checked with its Luhn digit; `None` when it is not one.
pub fn org_number(value: &str) -> Option<String> {
    let value = value.trim();
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    let shaped = match value.len() {
        10 => value.chars().all(|c| c.is_ascii_digit()),
        11 => value
            .chars()
            .enumerate()
            .all(|(i, c)| if i == 6 { c == '-' } else { c.is_ascii_digit() }),
        _ => false,
    };
    if !shaped || digits.len() != 10 || !luhn(&digits) {
        return None;
    }
    let text: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
    Some(format!("{}-{}", &text[..6], &text[6..]))
}

/// The Luhn check: doubling every second digit from the left of ten.
fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let doubled = d * 2;
                doubled / 10 + doubled % 10
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A website: `http://` or `https://` and a host.
pub fn website(value: &str) -> Option<String> {
    let value = value.trim();
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let plausible = !host.is_empty()
        && host.contains('.')
        && !value.chars().any(char::is_whitespace)
        && value.chars().count() <= WEBSITE_MAX;
    plausible.then(|| value.to_owned())
}

/// An organisation's values, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationValues {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrganisationKind,
    /// Its organisationsnummer, `NNNNNN-NNNN`.
    pub org_number: Option<String>,
    /// Its website.
    pub website: Option<String>,
}

/// Checks an organisation's values: a name, a known kind, a valid organisationsnummer and
/// website when given.
pub fn check_values(
    name: &str,
    kind: &str,
    org_number_text: Option<&str>,
    website_text: Option<&str>,
) -> Result<OrganisationValues, Refusal> {
    let mut checks = Checks::new();
    let name = checks.required_text("name", name, TITLE_MAX);
    let kind = OrganisationKind::parse(kind.trim());
    if kind.is_none() {
        checks.fail("kind", FieldProblem::NotAnOrganisationKind);
    }
    let org_number_value = match org_number_text.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let checked = org_number(text);
            if checked.is_none() {
                checks.fail("org_number", FieldProblem::NotAnOrganisationNumber);
            }
            checked
        }
    };
    let website_value = match website_text.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => {
            let checked = website(text);
            if checked.is_none() {
                checks.fail("website", FieldProblem::NotAWebsite);
            }
            checked
        }
    };
    checks.finish().map_err(Refusal::Invalid)?;
    Ok(OrganisationValues {
        name,
        kind: kind.unwrap_or(OrganisationKind::Other),
        org_number: org_number_value,
        website: website_value,
    })
}

/// Whether `actor` may register or change organisations: facilitators only.
pub fn authorize_manage(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::not_permitted(
            ForbiddenReason::OnlyFacilitatorsManageOrganisations,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Role, UserId};
    use uuid::Uuid;

    fn actor(role: Role) -> Actor {
        Actor {
            id: UserId(Uuid::now_v7()),
            roles: [role].into_iter().collect(),
        }
    }

    #[test]
    fn a_valid_organisation_number_is_accepted_and_written_with_its_hyphen() {
        // Malmö stad and two companies' published numbers.
        assert_eq!(org_number("212000-1124").as_deref(), Some("212000-1124"));
        assert_eq!(org_number("5560360793").as_deref(), Some("556036-0793"));
        assert_eq!(org_number(" 556016-0680 ").as_deref(), Some("556016-0680"));
    }

    #[test]
    fn a_wrong_check_digit_or_shape_is_refused() {
        for bad in [
            "212000-1125",
            "556036-0794",
            "556036-079",
            "5560360-793",
            "55603607930",
            "abcdef-ghij",
            "",
            "556036 0793",
        ] {
            assert_eq!(org_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn websites_are_http_addresses_with_a_host() {
        assert!(website("https://www.botildenborg.se").is_some());
        assert!(website("http://mkbfastighet.se/om-oss").is_some());
        for bad in [
            "www.example.se",
            "ftp://example.se",
            "https://",
            "https://localhost",
            "https://a b.se",
        ] {
            assert_eq!(website(bad), None, "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip_and_three_own_or_build() {
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OrganisationKind::parse("guild"), None);
        let owners: Vec<_> = OrganisationKind::ALL
            .into_iter()
            .filter(|k| k.owns_or_builds())
            .collect();
        assert_eq!(
            owners,
            vec![
                OrganisationKind::HousingCompany,
                OrganisationKind::PropertyOwner,
                OrganisationKind::Builder
            ]
        );
    }

    #[test]
    fn values_are_checked_together() {
        let ok = check_values(" MKB Fastighets AB ", "housing_company", Some("556068-7419"), Some("")).unwrap();
        assert_eq!(ok.name, "MKB Fastighets AB");
        assert_eq!(ok.kind, OrganisationKind::HousingCompany);
        assert_eq!(ok.website, None);
        let Err(Refusal::Invalid(errors)) = check_values("", "guild", Some("123"), Some("nope")) else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "kind", "org_number", "website"]);
    }

    #[test]
    fn only_facilitators_manage_the_registry() {
        assert_eq!(authorize_manage(&actor(Role::Facilitator)), Ok(()));
        for role in [Role::NeedsOwner, Role::Innovator, Role::Assessor] {
            assert!(matches!(authorize_manage(&actor(role)), Err(Refusal::NotPermitted(_))));
        }
    }
}
