//! `/notifications`: what happened that concerns the signed-in person, newest first, each
//! leading to its challenge or idea, with "Mark as read" for one or all.

use maud::html;
use poem::web::{Data, Path};
use poem::{Response, handler};
use uuid::Uuid;

use super::labels::label;
use super::{redirect, refused, signed_in};
use crate::app;
use crate::state::AppState;
use crate::views::notifications::Notification;
use crate::views::obstacles::SubjectType;
use crate::web::context::Ctx;
use crate::web::layout::{csrf_field, next_page, ok, page, percent, secondary_button, table_region, tag};

/// The page a notification leads to: where the person acts on it.
fn href_of(notification: &Notification) -> String {
    page_of(subject_name(notification), &notification.kind, notification.subject_id)
}

/// The link of a notification in the inbox: it marks the notification read on the way.
fn open_link(notification: &Notification) -> String {
    format!("/notifications/{}", notification.id)
}

/// The page where a person acts on a `kind` notification about `subject` `id`: the
/// scorecard for an assignment, the assessment when the panel is complete, the incubation
/// or the test; else the challenge's or idea's own page. E-mails link to it too.
pub fn page_of(subject: &str, kind: &str, id: Uuid) -> String {
    match (subject, kind) {
        ("idea", crate::app::invitations::INVITE) => "/invitations".to_owned(),
        ("idea", "assign" | crate::app::deadlines::ASSIGNMENT_DUE) => format!("/ideas/{id}/scorecard"),
        ("idea", "score") => format!("/ideas/{id}/assessment"),
        ("idea", "start_incubation" | "add_milestone" | "complete_milestone") => format!("/ideas/{id}/incubation"),
        ("idea", "start_testing" | "complete") => format!("/ideas/{id}/test"),
        ("idea", _) => format!("/ideas/{id}"),
        _ => format!("/challenges/{id}"),
    }
}

fn subject_name(notification: &Notification) -> &'static str {
    match notification.subject_type {
        SubjectType::Challenge => "challenge",
        SubjectType::Idea => "idea",
    }
}

/// `GET /notifications?cursor=`.
#[handler]
pub async fn inbox(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let tr = &ctx.tr;
    let cursor = ctx.query("cursor");
    let unread_only = ctx.query("unread").as_deref() == Some("true");
    let page_of = match app::inbox::list(&state, actor, unread_only, Some(50), cursor.as_deref()).await {
        Ok(page_of) => page_of,
        Err(error) => return refused(&ctx, &error),
    };
    let body = html! {
        p class="govuk-body" {
            @if unread_only {
                a class="govuk-link" href="/notifications" { (tr.t("notifications-show-all")) }
            } @else {
                a class="govuk-link" href="/notifications?unread=true" { (tr.t("notifications-show-unread")) }
            }
        }
        @if page_of.items.is_empty() {
            p class="govuk-body" { @if unread_only { (tr.t("notifications-none-unread")) } @else { (tr.t("notifications-none")) } }
        } @else {
            @if ctx.unread > 0 {
                form method="post" action="/notifications/read-all" {
                    (csrf_field(&ctx))
                    (secondary_button(&tr.t("button-read-all")))
                }
            }
            (table_region(&tr.t("notifications-caption"), html! {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { (tr.t("notifications-caption")) }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { (tr.t("history-when")) }
                            th scope="col" class="govuk-table__header" { (tr.t("notifications-what")) }
                            th scope="col" class="govuk-table__header" { (tr.t("field-state")) }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for notification in &page_of.items {
                            @let what = label(tr, "notice", &format!("{}-{}", subject_name(notification), notification.kind));
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (tr.datetime(notification.created_at)) }
                                td class="govuk-table__cell" {
                                    (what) ": "
                                    a class="govuk-link" href=(open_link(notification)) { (notification.title) }
                                }
                                td class="govuk-table__cell" {
                                    @if notification.read_at.is_some() {
                                        strong class="govuk-tag govuk-tag--grey" { (tr.t("notification-read")) }
                                    } @else {
                                        (tag(&tr.t("notification-unread")))
                                        form method="post" action={ "/notifications/" (notification.id) "/read" } class="govuk-!-margin-top-2 govuk-!-margin-bottom-0" {
                                            (csrf_field(&ctx))
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0"
                                                aria-label={ (tr.t("button-mark-read")) ": " (notification.title) } { (tr.t("button-mark-read")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }))
        }
        @if let Some(next) = &page_of.next_cursor {
            @let unread = if unread_only { "unread=true&" } else { "" };
            (next_page(tr, &format!("/notifications?{unread}cursor={}", percent(next))))
        }
    };
    ok(page(&ctx, &tr.t("notifications-title"), body))
}

/// `GET /notifications/{id}`: opening a notification marks it read and goes on to the page
/// where the person acts on it (SPEC §14.5).
#[handler]
pub async fn open(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::inbox::mark_read(&state, actor, id).await {
        Ok(notification) => redirect(&href_of(&notification)),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /notifications/{id}/read`.
#[handler]
pub async fn mark_read(ctx: Ctx, state: Data<&AppState>, Path(id): Path<Uuid>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::inbox::mark_read(&state, actor, id).await {
        Ok(_) => redirect("/notifications"),
        Err(error) => refused(&ctx, &error),
    }
}

/// `POST /notifications/read-all`.
#[handler]
pub async fn mark_all_read(ctx: Ctx, state: Data<&AppState>) -> Response {
    let actor = match signed_in(&ctx) {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    match app::inbox::mark_all_read(&state, actor).await {
        Ok(_) => redirect("/notifications"),
        Err(error) => refused(&ctx, &error),
    }
}
