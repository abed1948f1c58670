//! `/me`: one section per role held — my challenges with the latest feedback, my ideas
//! with decision and feedback, and the innovation team's work queues and what is late
//! (assignments overdue, tests past their end date).

use std::collections::HashMap;

use maud::{Markup, html};
use poem::web::Data;
use poem::{Response, handler};
use sluss_domain::Role;

use super::labels::{challenge_state, idea_state, label, name_of, role};
use super::{refused, signed_in};
use crate::app;
use crate::app::challenges::ChallengeQuery;
use crate::app::deadlines::{LateTest, Overdue};
use crate::app::ideas::IdeaQuery;
use crate::state::AppState;
use crate::views::assessment::RankingItem;
use crate::views::challenges::Challenge;
use crate::views::ideas::Idea;
use crate::web::context::Ctx;
use crate::web::layout::{ok, page, table_region, tag};

/// How many items each of the team's work queues shows, newest first: a page a person
/// works down, not an archive (the lists of `/challenges` and the API page further).
const QUEUE_LENGTH: u32 = 50;

/// How many of an assessor's assignments `/me` lists; `/assignments` has them all.
const ASSIGNMENTS_SHOWN: u32 = 10;

/// How many ideas an own challenge has in each state.
type IdeaCounts = HashMap<uuid::Uuid, Vec<(sluss_domain::idea::IdeaState, u64)>>;

/// `GET /me`.
#[handler]
pub async fn me(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let user = match app::accounts::me(&state, actor).await {
        Ok(user) => user,
        Err(error) => return refused(&ctx, &error),
    };
    let mine = ChallengeQuery {
        owner_id: Some(actor.id.as_uuid()),
        ..ChallengeQuery::default()
    };
    let my_challenges = if actor.has(Role::NeedsOwner) {
        app::challenges::list(&state, Some(actor), mine, Some(200), None)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let counts = if actor.has(Role::NeedsOwner) {
        app::ideas::counts_on_own_challenges(&state, actor)
            .await
            .unwrap_or_default()
    } else {
        HashMap::new()
    };
    let my_ideas = if actor.has(Role::Innovator) {
        let query = IdeaQuery {
            mine: true,
            ..IdeaQuery::default()
        };
        app::ideas::list(&state, actor, query, Some(200), None)
            .await
            .map(|p| p.items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // An assessor's newest assignments, as the other sections list their items.
    let assignments = if actor.has(Role::Assessor) {
        app::assessment::assignment_queue(&state, actor, ASSIGNMENTS_SHOWN, None)
            .await
            .map(|(items, _)| items)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let queues = if actor.is_facilitator() {
        match app::queues::team(&state, actor, QUEUE_LENGTH).await {
            Ok(queues) => Some(queues),
            Err(error) => return refused(&ctx, &error),
        }
    } else {
        None
    };
    let late = if actor.is_facilitator() {
        match app::deadlines::late(&state, actor, chrono::Utc::now()).await {
            Ok(late) => Some(late),
            Err(error) => return refused(&ctx, &error),
        }
    } else {
        None
    };
    let body = html! {
        p class="govuk-body" {
            (user.display_name) " · " (user.email)
            @if let Some(organisation) = &user.organisation { " · " (organisation) }
        }
        p class="govuk-body-s sluss-muted" {
            (tr.t("me-roles")) " "
            @for (i, r) in actor.roles.iter().enumerate() { @if i > 0 { ", " } (role(tr, r)) }
        }
        p class="govuk-body" { a class="govuk-link" href="/me/settings" { (tr.t("settings-link")) } }
        @if actor.has(Role::NeedsOwner) {
            h2 class="govuk-heading-m" { (tr.t("me-my-challenges")) }
            p class="govuk-body" { a class="govuk-button" href="/challenges/new" { (tr.t("new-challenge-title")) } }
            (challenge_table(&ctx, &tr.t("me-my-challenges"), &my_challenges, Some(&counts)))
        }
        @if actor.has(Role::Innovator) {
            h2 class="govuk-heading-m" { (tr.t("me-my-ideas")) }
            @if my_ideas.is_empty() {
                p class="govuk-body" { (tr.t("me-no-ideas")) " " a class="govuk-link" href="/challenges" { (tr.t("nav-challenges")) } }
            } @else { (idea_table(&ctx, &tr.t("me-my-ideas"), &my_ideas, true)) }
        }
        @if actor.has(Role::Assessor) {
            h2 class="govuk-heading-m" { (tr.t("me-my-assignments")) }
            (super::assessment::assignment_table(&ctx, actor, &assignments))
            p class="govuk-body" { a class="govuk-link" href="/assignments" { (tr.t("me-assignments-link")) } }
        }
        @if let Some(queues) = &queues {
            h2 class="govuk-heading-m" { (tr.t("me-registries")) }
            ul class="govuk-list" {
                li { a class="govuk-link" href="/reports" { (tr.t("reports-title")) } }
                li { a class="govuk-link" href="/obstacles" { (tr.t("obstacles-title")) } }
                li { a class="govuk-link" href="/admin/users" { (tr.t("admin-users-title")) } }
                li { a class="govuk-link" href="/admin/arenas" { (tr.t("admin-arenas-title")) } }
                li { a class="govuk-link" href="/admin/rubrics" { (tr.t("admin-rubrics-title")) } }
                li { a class="govuk-link" href="/admin/organisations" { (tr.t("admin-organisations-title")) } }
                li { a class="govuk-link" href="/admin/support-organisations" { (tr.t("admin-support-title")) } }
                li { a class="govuk-link" href="/admin/site" { (tr.t("admin-site-title")) } }
            }
            h2 class="govuk-heading-m" { (tr.t("me-queue-review")) }
            (challenge_table(&ctx, &tr.t("me-queue-review"), &queues.review, None))
            h2 class="govuk-heading-m" { (tr.t("me-queue-assessment")) }
            (idea_table(&ctx, &tr.t("me-queue-assessment"), &queues.waiting, false))
            h2 class="govuk-heading-m" { (tr.t("me-queue-scoring")) }
            (scoring_table(&ctx, &tr.t("me-queue-scoring"), &queues.scoring))
            h2 class="govuk-heading-m" { (tr.t("me-queue-decide")) }
            (decide_table(&ctx, &tr.t("me-queue-decide"), &queues.decidable))
            h2 class="govuk-heading-m" { (tr.t("me-queue-testing")) }
            (idea_table(&ctx, &tr.t("me-queue-testing"), &queues.testing, false))
        }
        @if let Some((overdue, tests)) = &late {
            h2 class="govuk-heading-m" { (tr.t("me-overdue-assignments")) }
            (overdue_table(&ctx, overdue))
            h2 class="govuk-heading-m" { (tr.t("me-tests-past-end")) }
            (late_test_table(&ctx, tests))
        }
    };
    ok(page(&ctx, &tr.t("me-title"), body))
}

/// Challenges with their state; with `own` (the owner's list), also the latest feedback
/// and how many ideas each has in each state.
fn challenge_table(ctx: &Ctx, caption: &str, challenges: &[Challenge], own: Option<&IdeaCounts>) -> Markup {
    let tr = &ctx.tr;
    let with_feedback = own.is_some();
    if challenges.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                        @if with_feedback { th scope="col" class="govuk-table__header" { (tr.t("field-feedback")) } }
                    }
                }
                tbody class="govuk-table__body" {
                    @for challenge in challenges {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" {
                                a class="govuk-link" href={ "/challenges/" (challenge.id) } { (challenge.title) }
                                @if let Some(states) = own.and_then(|counts| counts.get(&challenge.id)) {
                                    br;
                                    a class="govuk-link govuk-body-s" href={ "/challenges/" (challenge.id) "#ideas" } {
                                        @for (i, (idea_state_now, count)) in states.iter().enumerate() {
                                            @if i > 0 { ", " }
                                            (tr.t_with("me-ideas-in-state", &[("count", (*count).into()), ("state", idea_state(tr, *idea_state_now).into())]))
                                        }
                                    }
                                }
                            }
                            td class="govuk-table__cell" { (tag(&challenge_state(tr, challenge.state.into()))) }
                            @if with_feedback { td class="govuk-table__cell" { (challenge.feedback.as_deref().unwrap_or("–")) } }
                        }
                    }
                }
            }
        }))
    }
}

/// The ideas whose panel has scored them, with the weighted score and the scorecards in.
fn decide_table(ctx: &Ctx, caption: &str, ideas: &[RankingItem]) -> Markup {
    let tr = &ctx.tr;
    if ideas.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("weighted-score")) }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { (tr.t("scorecards-in")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for idea in ideas {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (idea.idea_id) } { (idea.title) } }
                            td class="govuk-table__cell govuk-table__cell--numeric" {
                                (idea.weighted_score.map_or_else(|| "–".to_owned(), |score| tr.number(score, 2)))
                            }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (idea.scorecards_submitted) }
                        }
                    }
                }
            }
        }))
    }
}

/// The ideas whose panel is still scoring them, with how many scorecards are in of those
/// required.
fn scoring_table(ctx: &Ctx, caption: &str, ideas: &[(RankingItem, u32)]) -> Markup {
    let tr = &ctx.tr;
    if ideas.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                        th scope="col" class="govuk-table__header" { (tr.t("scorecards-in")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for (idea, required) in ideas {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (idea.idea_id) } { (idea.title) } }
                            td class="govuk-table__cell" {
                                (tr.t_with("scorecards-of", &[("submitted", idea.scorecards_submitted.into()), ("required", (*required).into())]))
                            }
                        }
                    }
                }
            }
        }))
    }
}

fn idea_table(ctx: &Ctx, caption: &str, ideas: &[Idea], with_decision: bool) -> Markup {
    let tr = &ctx.tr;
    if ideas.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(caption, html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-title")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                        @if with_decision {
                            th scope="col" class="govuk-table__header" { (tr.t("decision-title")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-feedback")) }
                        }
                    }
                }
                tbody class="govuk-table__body" {
                    @for idea in ideas {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (idea.id) } { (idea.title) } }
                            td class="govuk-table__cell" { (tag(&idea_state(tr, idea.state.into()))) }
                            @if with_decision {
                                td class="govuk-table__cell" {
                                    (idea.decision.as_ref().map_or_else(|| "–".to_owned(), |d| label(tr, "decision", &name_of(&d.outcome))))
                                }
                                td class="govuk-table__cell" { (idea.decision.as_ref().map_or("–", |d| d.feedback.as_str())) }
                            }
                        }
                    }
                }
            }
        }))
    }
}

/// The assignments past their due date without a scorecard: idea, assessor, due date.
fn overdue_table(ctx: &Ctx, overdue: &[Overdue]) -> Markup {
    let tr = &ctx.tr;
    if overdue.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(&tr.t("me-overdue-assignments"), html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-idea")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-assessor")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-due-on")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for item in overdue {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (item.idea_id) "#panel" } { (item.title) } }
                            td class="govuk-table__cell" { (item.assessor) }
                            td class="govuk-table__cell" { (tr.date(item.due_on)) }
                        }
                    }
                }
            }
        }))
    }
}

/// The running tests past their end date: idea, site, end date.
fn late_test_table(ctx: &Ctx, tests: &[LateTest]) -> Markup {
    let tr = &ctx.tr;
    if tests.is_empty() {
        return html! { p class="govuk-body" { (tr.t("list-empty")) } };
    }
    html! {
        (table_region(&tr.t("me-tests-past-end"), html! {
            table class="govuk-table" {
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { (tr.t("field-idea")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-site")) }
                        th scope="col" class="govuk-table__header" { (tr.t("field-ends-on")) }
                    }
                }
                tbody class="govuk-table__body" {
                    @for test in tests {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { a class="govuk-link" href={ "/ideas/" (test.idea_id) "/test" } { (test.title) } }
                            td class="govuk-table__cell" { (test.site) }
                            td class="govuk-table__cell" { (tr.date(test.ends_on)) }
                        }
                    }
                }
            }
        }))
    }
}
