//! The names people read for the values the API spells in snake_case: states, roles,
//! goals, kinds, categories. Each has a Fluent message `<group>-<value>`.

use sluss_domain::Role;
use sluss_domain::challenge::ChallengeState;
use sluss_domain::idea::IdeaState;

use crate::web::i18n::Tr;

/// The kinds of arena.
pub const ARENA_KINDS: [&str; 3] = ["physical", "digital", "hybrid"];
/// The arena states.
pub const ARENA_STATES: [&str; 3] = ["planned", "open", "closed"];
/// The obstacle categories.
pub const OBSTACLE_CATEGORIES: [&str; 8] = [
    "regulation",
    "procurement",
    "organisation",
    "culture",
    "competence",
    "financing",
    "data",
    "other",
];
/// The outcomes of a test.
pub const TEST_OUTCOMES: [&str; 4] = ["adopted", "scaled", "needs_further_development", "not_adopted"];
/// The decision outcomes.
pub const DECISION_OUTCOMES: [&str; 2] = ["qualified", "not_qualified"];
/// The name of `value` in `group` (e.g. `challenge-state`, `published`).
pub fn label(tr: &Tr, group: &str, value: &str) -> String {
    tr.try_t(&format!("{group}-{value}"))
        .unwrap_or_else(|| value.replace('_', " "))
}

/// The snake_case name of an API enum value (as the JSON API spells it).
pub fn name_of<T: poem_openapi::types::ToJSON>(value: &T) -> String {
    value
        .to_json()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A challenge state.
pub fn challenge_state(tr: &Tr, state: ChallengeState) -> String {
    label(tr, "challenge-state", state.as_str())
}

/// An idea state.
pub fn idea_state(tr: &Tr, state: IdeaState) -> String {
    label(tr, "idea-state", state.as_str())
}

/// A role.
pub fn role(tr: &Tr, role: Role) -> String {
    label(tr, "role", role.as_str())
}

/// A UN goal: its number and title.
pub fn sdg(tr: &Tr, goal: u8) -> String {
    format!("{goal}. {}", label(tr, "sdg", &goal.to_string()))
}

#[cfg(test)]
mod tests {
    use sluss_domain::event::EventKind;

    use super::*;
    use crate::web::i18n::Lang;

    #[test]
    fn every_value_has_a_name_in_both_languages() {
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(
            ChallengeState::ALL
                .iter()
                .map(|s| format!("challenge-state-{}", s.as_str())),
        );
        wanted.extend(IdeaState::ALL.iter().map(|s| format!("idea-state-{}", s.as_str())));
        wanted.extend(Role::ALL.iter().map(|r| format!("role-{}", r.as_str())));
        wanted.extend((1..=17).map(|g| format!("sdg-{g}")));
        wanted.extend(ARENA_KINDS.iter().map(|k| format!("arena-kind-{k}")));
        wanted.extend(ARENA_STATES.iter().map(|k| format!("arena-state-{k}")));
        wanted.extend(OBSTACLE_CATEGORIES.iter().map(|k| format!("obstacle-category-{k}")));
        wanted.extend(sluss_domain::obstacle::ObstacleState::ALL.iter().flat_map(|s| {
            [
                format!("obstacle-state-{}", s.as_str()),
                format!("reports-obstacles-state-{}", s.as_str()),
            ]
        }));
        wanted.extend(DECISION_OUTCOMES.iter().map(|k| format!("decision-{k}")));
        wanted.extend(TEST_OUTCOMES.iter().map(|k| format!("test-outcome-{k}")));
        // Every kind of event of a history the pages show, and every kind that tells.
        wanted.extend(
            EventKind::all()
                .filter(|kind| matches!(kind, EventKind::Challenge(_) | EventKind::Idea(_)))
                .map(|kind| format!("command-{}", kind.as_str())),
        );
        wanted.extend(
            EventKind::all()
                .filter(|kind| !sluss_domain::notify::parties(*kind).is_empty())
                .map(|kind| format!("notice-{}-{}", kind.subject(), kind.as_str())),
        );
        wanted.extend((1..=5).map(|s| format!("step-{s}")));
        let missing: Vec<String> = Lang::ALL
            .iter()
            .flat_map(|lang| {
                let tr = Tr::new(*lang);
                wanted
                    .iter()
                    .filter(move |key| tr.try_t(key).is_none())
                    .map(move |key| format!("{}: {key}", lang.code()))
            })
            .collect();
        assert!(missing.is_empty(), "no name for {missing:?}");
    }
}
