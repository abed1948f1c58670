//! Who an act names, as stored, and who that is now (ADR 0018, ADR 0024).
//!
//! An act names accounts, organisations and addresses; which actor each of them is depends
//! on the registry and the accounts as they are when the figures are counted (an account
//! that joins an organisation, an organisation registered under a name typed before). So
//! an act is kept as its [`Participant`]s, which do not change once the act is recorded,
//! and each is resolved to an [`ActorKey`] against the [`Directory`] of the moment. The
//! figures read from the event log and the figures read from their read model resolve the
//! same participants the same way.

use std::collections::HashMap;

use uuid::Uuid;

use super::{ActorKey, Involvement, Party, Registry, name_key};

/// A team member as a team names them: a registered organisation, if any, and the key of
/// their address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TeamMember {
    /// The organisation named, if any.
    pub organisation_id: Option<Uuid>,
    /// The key of the member's address ([`Directory::add_account`] keys accounts the same
    /// way); `None` when the address is empty.
    pub address: Option<String>,
}

impl TeamMember {
    /// The member as a participant; `None` when they name nothing at all.
    pub fn participant(&self) -> Option<Participant> {
        (self.organisation_id.is_some() || self.address.is_some()).then(|| Participant::TeamMember(self.clone()))
    }
}

/// One act the figures count, with what it names as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    /// A challenge submitted: owned on behalf of its organisation, else by its owner.
    Owned {
        /// The organisation the challenge is owned on behalf of.
        organisation_id: Option<Uuid>,
        /// The owner's account.
        owner: Uuid,
    },
    /// An idea submitted by its innovator, with its team.
    Submitted {
        /// The innovator's account.
        innovator: Uuid,
        /// The team, fixed once the idea is submitted.
        team: Vec<TeamMember>,
    },
    /// A scorecard submitted or revised.
    Assessed {
        /// The assessor's account.
        assessor: Uuid,
    },
    /// An incubation started, with its support organisation (`None` when it has none).
    Supported {
        /// The support organisation.
        support_organisation_id: Option<Uuid>,
    },
    /// A test started: an innovation tested, at its host.
    TestingStarted {
        /// The idea tested.
        idea: Uuid,
        /// The registered organisation hosting it, if named.
        host_organisation_id: Option<Uuid>,
        /// The host as typed.
        host: Option<String>,
    },
}

impl Act {
    /// Who the act names, each with how they took part; what names nobody is left out.
    pub fn participants(&self) -> Vec<(Participant, Involvement)> {
        match self {
            Act::Owned { organisation_id, owner } => {
                let owner = match organisation_id {
                    Some(organisation_id) => Participant::Owner {
                        organisation_id: *organisation_id,
                        account: *owner,
                    },
                    None => Participant::Account(*owner),
                };
                vec![(owner, Involvement::Owned)]
            }
            Act::Submitted { innovator, team } => {
                let mut named = vec![(Participant::Account(*innovator), Involvement::Submitted)];
                named.extend(
                    team.iter()
                        .filter_map(TeamMember::participant)
                        .map(|member| (member, Involvement::Team)),
                );
                named
            }
            Act::Assessed { assessor } => vec![(Participant::Account(*assessor), Involvement::Assessed)],
            Act::Supported {
                support_organisation_id,
            } => support_organisation_id
                .map(|id| (Participant::Support(id), Involvement::Supported))
                .into_iter()
                .collect(),
            Act::TestingStarted {
                host_organisation_id,
                host,
                ..
            } => {
                if host_organisation_id.is_none() && host.as_deref().and_then(name_key).is_none() {
                    return Vec::new();
                }
                vec![(
                    Participant::Host {
                        organisation_id: *host_organisation_id,
                        name: host.clone(),
                    },
                    Involvement::Hosted,
                )]
            }
        }
    }

    /// The idea this act tested, if it started a test.
    pub fn tested(&self) -> Option<Uuid> {
        match self {
            Act::TestingStarted { idea, .. } => Some(*idea),
            Act::Owned { .. } | Act::Submitted { .. } | Act::Assessed { .. } | Act::Supported { .. } => None,
        }
    }
}

/// Who an act names, as stored. Nothing in it changes once the act is recorded; which
/// actor it is, is decided when the figures are counted ([`Participant::actor`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Participant {
    /// An account: its organisation, or the person.
    Account(Uuid),
    /// A challenge's owner acting on behalf of an organisation: that organisation when it
    /// is registered, else the owner's account.
    Owner {
        /// The organisation named.
        organisation_id: Uuid,
        /// The owner's account.
        account: Uuid,
    },
    /// A team member: the organisation they name when registered, else whoever the
    /// account with their address is, else the person.
    TeamMember(TeamMember),
    /// A support organisation: the registered organisation of its name, else itself.
    Support(Uuid),
    /// A test's host: its registered organisation, else the registered organisation its
    /// free text names, else an unregistered organisation of that name.
    Host {
        /// The registered organisation named.
        organisation_id: Option<Uuid>,
        /// The host as typed.
        name: Option<String>,
    },
}

impl Participant {
    /// The actor this participant is, against the registry and accounts of `directory`;
    /// `None` when it names nobody (a support organisation no longer stored, a host
    /// named by nothing).
    pub fn actor(&self, directory: &Directory) -> Option<ActorKey> {
        let registry = &directory.registry;
        match self {
            Participant::Account(id) => Some(directory.account(*id)),
            Participant::Owner {
                organisation_id,
                account,
            } => Some(match registry.kind(*organisation_id) {
                Some(_) => ActorKey::Organisation(*organisation_id),
                None => directory.account(*account),
            }),
            Participant::TeamMember(member) => {
                let member = Party {
                    organisation_id: member.organisation_id,
                    organisation: None,
                    email: member.address.clone(),
                };
                registry.team_member(&member, &directory.by_address)
            }
            Participant::Support(id) => directory.support.get(id).map(|name| registry.support(*id, name)),
            Participant::Host { organisation_id, name } => registry.actor(&Party {
                organisation_id: *organisation_id,
                organisation: name.clone(),
                email: None,
            }),
        }
    }
}

/// Everyone an act may name, as stored now: the organisation registry, the accounts and
/// the support organisations.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// The organisation registry.
    pub registry: Registry,
    accounts: HashMap<Uuid, Party>,
    /// The accounts by the key of their address.
    by_address: HashMap<String, Party>,
    support: HashMap<Uuid, String>,
}

impl Directory {
    /// A directory of `registry`, with no account or support organisation yet.
    pub fn new(registry: Registry) -> Self {
        Self {
            registry,
            ..Self::default()
        }
    }

    /// Adds an account: its id, the key of its address (the key a [`TeamMember`] holds for
    /// the same address), and the account as a party.
    pub fn add_account(&mut self, id: Uuid, address: Option<String>, party: Party) {
        if let Some(address) = address {
            self.by_address.insert(address, party.clone());
        }
        self.accounts.insert(id, party);
    }

    /// Adds a support organisation by id and name.
    pub fn add_support_organisation(&mut self, id: Uuid, name: String) {
        self.support.insert(id, name);
    }

    /// Who the account `id` is: its organisation or the person; an account no longer
    /// stored (or naming nothing) is still one person, by its id.
    fn account(&self, id: Uuid) -> ActorKey {
        self.accounts
            .get(&id)
            .and_then(|party| self.registry.actor(party))
            .unwrap_or_else(|| ActorKey::Person(id.to_string()))
    }
}

/// An address as the figures compare addresses: trimmed and lower-cased; `None` when
/// empty. A [`TeamMember`]'s key, and an account's, is made from this.
pub fn normalised_address(address: &str) -> Option<String> {
    name_key(address)
}
