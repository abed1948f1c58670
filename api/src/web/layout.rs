//! The page shell (skip link, header with navigation and language switch, main, footer)
//! and the form parts every page uses, in govuk-frontend's markup.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use poem::Response;
use poem::http::StatusCode;
use poem::web::Html;

use super::assets;
use super::context::{CSRF_FIELD, Ctx};
use super::forms::FormErrors;
use super::i18n::{Lang, Tr};
use super::pages::labels::sdg;

/// A whole page: `<title>` and `<h1>` share `title`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    page_with(ctx, title, None, body)
}

/// A whole page whose `<title>` says an error is on it (a refused form).
pub fn page_with(ctx: &Ctx, title: &str, errors: Option<&FormErrors>, body: Markup) -> Markup {
    let tr = &ctx.tr;
    let service = ctx.site_name();
    let full_title = match errors {
        Some(errors) if !errors.is_empty() => format!("{}: {title} – {service}", tr.t("error-title-prefix")),
        _ => format!("{title} – {service}"),
    };
    let other = ctx.lang().other();
    html! {
        (DOCTYPE)
        html lang=(ctx.lang().code()) class="govuk-template govuk-template--rebranded" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                link rel="stylesheet" href=(assets::url("govuk-frontend.css"));
                link rel="stylesheet" href=(assets::url("sluss.css"));
                // The city's colour, from a stylesheet of this site: the policy admits no
                // inline style.
                @if let Some(colour) = &ctx.site.colour {
                    link rel="stylesheet" href=(site_stylesheet_url(colour));
                }
            }
            body class="govuk-template__body" {
                a href="#main" class="govuk-skip-link" { (tr.t("skip-to-content")) }
                header class="govuk-header sluss-header" {
                    div class="govuk-header__container govuk-width-container" {
                        a href="/" class="sluss-header__name" {
                            // The name beside it says what the picture would.
                            @if let Some(logo) = &ctx.site.logo {
                                img class="sluss-header__logo" src=(logo) alt="";
                            }
                            (service)
                        }
                        span class="sluss-header__tagline" { (tr.t("service-tagline")) }
                        nav aria-label=(tr.t("nav-label")) {
                            ul class="sluss-nav" {
                                li { a href="/challenges" { (tr.t("nav-challenges")) } }
                                li { a href="/arenas" { (tr.t("nav-arenas")) } }
                                @if ctx.actor().is_some_and(sluss_domain::Actor::is_facilitator) {
                                    li { a href="/ideas" { (tr.t("nav-ideas")) } }
                                }
                                @if ctx.auth.is_some() {
                                    li { a href="/me" { (tr.t("nav-me")) } }
                                    li {
                                        a href="/notifications" {
                                            @if ctx.unread > 0 {
                                                (tr.t_with("nav-notifications-unread", &[("count", ctx.unread.into())]))
                                            } @else {
                                                (tr.t("nav-notifications"))
                                            }
                                        }
                                    }
                                    li { a href="/obstacles" { (tr.t("nav-obstacles")) } }
                                    li {
                                        form method="post" action="/logout" {
                                            (csrf_field(ctx))
                                            button type="submit" class="sluss-link-button" { (tr.t("button-log-out")) }
                                        }
                                    }
                                } @else {
                                    li { a href=(login_href(&ctx.here)) { (tr.t("button-log-in")) } }
                                    li { a href="/register" { (tr.t("button-register")) } }
                                }
                                li {
                                    a href=(lang_href(&ctx.here, other)) lang=(other.code()) hreflang=(other.code()) {
                                        (tr.t("switch-language"))
                                    }
                                }
                            }
                        }
                    }
                }
                div class="govuk-width-container" {
                    main class="govuk-main-wrapper" id="main" {
                        @if let Some(errors) = errors { (error_summary(ctx, errors)) }
                        (what_happens_next(ctx))
                        h1 class="govuk-heading-l" { (title) }
                        (body)
                    }
                }
                footer class="govuk-footer" {
                    div class="govuk-width-container" {
                        div class="govuk-footer__meta" {
                            div class="govuk-footer__meta-item govuk-footer__meta-item--grow" {
                                p class="govuk-body-s" { (tr.t("footer-about")) }
                                ul class="govuk-footer__inline-list" {
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/results" { (tr.t("footer-results")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/obstacles/raised" { (tr.t("footer-obstacles-raised")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/open-data.zip" { (tr.t("footer-open-data")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/docs" { (tr.t("footer-api-docs")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/privacy" { (tr.t("footer-privacy")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/accessibility" { (tr.t("footer-accessibility")) }
                                    }
                                    li class="govuk-footer__inline-list-item" {
                                        a class="govuk-footer__link" href="/contact" { (tr.t("footer-contact")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The address of the stylesheet that gives the header and buttons the city's colour
/// (`#rrggbb`): the colour is in the address, so a new colour is a new stylesheet.
pub fn site_stylesheet_url(colour: &str) -> String {
    format!("/site.css?colour={}", colour.trim_start_matches('#'))
}

/// The page answered with a status.
pub fn respond(status: StatusCode, markup: Markup) -> Response {
    let mut response = poem::IntoResponse::into_response(Html(markup.into_string()));
    response.set_status(status);
    response
}

/// The page answered 200.
pub fn ok(markup: Markup) -> Response {
    respond(StatusCode::OK, markup)
}

/// The link to the login page that comes back to `here`.
pub fn login_href(here: &str) -> String {
    let path = here.split_once('?').map_or(here, |(path, _)| path);
    // From the home page (in any language) a person goes on to their own pages.
    if path == "/" || path.starts_with("/login") || path.starts_with("/register") {
        "/login".to_owned()
    } else {
        format!("/login?next={}", percent(here))
    }
}

/// `path_and_query` as a link that stays on this site: leading slashes and backslashes
/// become one `/`, so a request for `//host/x` never links to `host`.
pub fn same_site(path_and_query: &str) -> String {
    format!("/{}", path_and_query.trim_start_matches(['/', '\\']))
}

/// `here` with `lang=` set to `lang`.
pub fn lang_href(here: &str, lang: Lang) -> String {
    let here = same_site(here);
    let (path, query) = here.split_once('?').unwrap_or((&here, ""));
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    pairs.retain(|(k, _)| k != "lang");
    pairs.push(("lang".to_owned(), lang.code().to_owned()));
    format!("{path}?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// Percent-encodes a value for a query string.
pub fn percent(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf); }
}

/// The error summary at the top of a refused form: `role="alert"`, each entry a link to
/// its field.
pub fn error_summary(ctx: &Ctx, errors: &FormErrors) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        div class="govuk-error-summary" data-module="govuk-error-summary" {
            div role="alert" {
                h2 class="govuk-error-summary__title" { (ctx.tr.t("error-summary-title")) }
                div class="govuk-error-summary__body" {
                    @if let Some(general) = &errors.general {
                        p class="govuk-body" { (general) }
                    }
                    @if let Some(reload) = &errors.reload {
                        p class="govuk-body" { a class="govuk-link" href=(reload) { (ctx.tr.t("error-stale-reload")) } }
                    }
                    ul class="govuk-list govuk-error-summary__list" {
                        @for (field, message) in &errors.fields {
                            li { a href={ "#" (field_id(field)) } { (errors.summary_entry(&ctx.tr, field, message)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The id of a field's input.
pub fn field_id(name: &str) -> String {
    format!("f-{}", name.replace(['.', '[', ']'], "-"))
}

/// A labelled choice of one of `choices` (value, text), kept as the form sent it; with
/// `blank`, an empty first option that says to choose (otherwise the first is preselected).
pub fn choice_select(
    ctx: &Ctx,
    name: &str,
    label: &str,
    choices: &[(String, String)],
    blank: Option<&str>,
    errors: &FormErrors,
) -> Markup {
    let error = errors.message_for(name);
    let chosen = ctx.field(name);
    let id = field_id(name);
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label govuk-label--s" for=(id) { (label) }
            @if let Some(message) = error { p class="govuk-error-message" id={ (id) "-error" } { (message) } }
            select class="govuk-select" id=(id) name=(name) aria-describedby=[error.map(|_| format!("{id}-error"))] {
                @if let Some(blank) = blank { option value="" { (blank) } }
                @for (value, text) in choices {
                    option value=(value) selected[chosen == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// A labelled single-line input. `kind` is the input type (`text`, `email`, `password`).
pub struct Input<'a> {
    /// The field name as posted (and as the API names it).
    pub name: &'a str,
    /// The visible label.
    pub label: String,
    /// The current value.
    pub value: &'a str,
    /// `text`, `email`, `password`, `date`, `datetime-local`.
    pub kind: &'a str,
    /// An `autocomplete` token.
    pub autocomplete: Option<&'a str>,
    /// A hint under the label.
    pub hint: Option<String>,
    /// Whether it must be filled in.
    pub required: bool,
}

impl<'a> Input<'a> {
    /// A text input.
    pub fn text(name: &'a str, label: String, value: &'a str) -> Self {
        Self {
            name,
            label,
            value,
            kind: "text",
            autocomplete: None,
            hint: None,
            required: false,
        }
    }

    /// Of another input type.
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    /// With an `autocomplete` token.
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = Some(token);
        self
    }

    /// With a hint.
    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Marked required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The form group, with its error message tied to the input.
    pub fn render(&self, errors: &FormErrors) -> Markup {
        let id = field_id(self.name);
        let error = errors.message_for(self.name);
        let described = described_by(&id, self.hint.is_some(), error.is_some());
        html! {
            div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
                label class="govuk-label" for=(id) { (self.label) }
                @if let Some(hint) = &self.hint { div class="govuk-hint" id={ (id) "-hint" } { (hint) } }
                @if let Some(error) = error { (error_message(&id, error)) }
                input class={ "govuk-input" @if error.is_some() { " govuk-input--error" } }
                    id=(id) name=(self.name) type=(self.kind) value=(self.value)
                    autocomplete=[self.autocomplete] aria-describedby=[described]
                    required[self.required] spellcheck=[(self.kind == "email").then_some("false")];
            }
        }
    }
}

/// A labelled text area.
pub fn textarea(name: &str, label: &str, value: &str, hint: Option<&str>, errors: &FormErrors) -> Markup {
    let id = field_id(name);
    let error = errors.message_for(name);
    let described = described_by(&id, hint.is_some(), error.is_some());
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            label class="govuk-label" for=(id) { (label) }
            @if let Some(hint) = hint { div class="govuk-hint" id={ (id) "-hint" } { (hint) } }
            @if let Some(error) = error { (error_message(&id, error)) }
            textarea class={ "govuk-textarea" @if error.is_some() { " govuk-textarea--error" } }
                id=(id) name=(name) rows="5" aria-describedby=[described] { (value) }
        }
    }
}

fn error_message(id: &str, message: &str) -> Markup {
    html! {
        p class="govuk-error-message" id={ (id) "-error" } {
            span class="govuk-visually-hidden" { "! " }
            (message)
        }
    }
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The UN goals as a group of checkboxes named `sdgs`, each labelled by number and title.
pub fn sdg_checkboxes(tr: &Tr, selected: &[i64], hint: Option<&str>, errors: &FormErrors) -> Markup {
    let error = errors.message_for("sdgs");
    let described = described_by("f-sdgs", hint.is_some(), error.is_some());
    html! {
        div class={ "govuk-form-group" @if error.is_some() { " govuk-form-group--error" } } {
            fieldset class="govuk-fieldset" aria-describedby=[described] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (tr.t("field-sdgs")) }
                @if let Some(hint) = hint { div class="govuk-hint" id="f-sdgs-hint" { (hint) } }
                @if let Some(message) = error { (error_message("f-sdgs", message)) }
                div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" id="f-sdgs" {
                    @for goal in 1..=17u8 {
                        div class="govuk-checkboxes__item" {
                            input class="govuk-checkboxes__input" id={ "f-sdgs-" (goal) } name="sdgs" type="checkbox"
                                value=(goal) checked[selected.contains(&i64::from(goal))];
                            label class="govuk-label govuk-checkboxes__label" for={ "f-sdgs-" (goal) } { (sdg(tr, goal)) }
                        }
                    }
                }
            }
        }
    }
}

/// A submit button.
pub fn button(label: &str) -> Markup {
    html! { button type="submit" class="govuk-button" data-module="govuk-button" { (label) } }
}

/// A secondary submit button.
pub fn secondary_button(label: &str) -> Markup {
    html! { button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { (label) } }
}

/// The link to the next page of a list, at `href`.
pub fn next_page(tr: &Tr, href: &str) -> Markup {
    html! {
        nav class="govuk-pagination" aria-label=(tr.t("pagination-label")) {
            div class="govuk-pagination__next" {
                a class="govuk-link govuk-pagination__link" href=(href) rel="next" {
                    span class="govuk-pagination__link-title" { (tr.t("next-page")) }
                }
            }
        }
    }
}

/// A table in a region of its own that scrolls sideways when the table is wider than the
/// screen, so that the page never does (SPEC §10.6, 320 px). The region is focusable, so
/// that a keyboard can scroll it, and named by `label`, so that it is announced as the table.
pub fn table_region(label: &str, table: Markup) -> Markup {
    html! { div class="sluss-table-region" role="region" tabindex="0" aria-label=(label) { (table) } }
}

/// A registry's compact list, named by the `<h2>` `heading`: one item per entry, each its
/// name (a link to its own page) and a line of key facts. It reflows at any width.
pub fn registry_list(heading: &str, items: Markup) -> Markup {
    html! {
        h2 class="govuk-heading-m" { (heading) }
        ul class="sluss-registry" { (items) }
    }
}

/// One entry of a [`registry_list`]: `name`, linked to `href` when it has a page, its tags
/// beside it and `facts` below (empty ones left out), wrapping to a line each on a phone.
pub fn registry_item(name: &str, href: Option<&str>, tags: Markup, facts: &[Markup]) -> Markup {
    html! {
        li class="sluss-registry__item" {
            p class="govuk-body govuk-!-margin-bottom-1" {
                @if let Some(href) = href {
                    a class="govuk-link govuk-!-font-weight-bold" href=(href) { (name) }
                } @else {
                    span class="govuk-!-font-weight-bold" { (name) }
                }
                " " (tags)
            }
            @if facts.iter().any(|fact| !fact.0.is_empty()) {
                ul class="govuk-body-s sluss-registry__facts" {
                    @for fact in facts.iter().filter(|fact| !fact.0.is_empty()) { li { (fact) } }
                }
            }
        }
    }
}

/// A list's filters other than its search, folded away under "More filters" so that the
/// list starts on a phone's first screen; open, and saying how many, when `chosen` of them
/// are in use.
pub fn more_filters(tr: &Tr, chosen: usize, filters: Markup) -> Markup {
    html! {
        details class="govuk-details govuk-!-margin-bottom-4" open[chosen > 0] {
            summary class="govuk-details__summary" {
                span class="govuk-details__summary-text" {
                    @if chosen > 0 {
                        (tr.t_with("filters-more-chosen", &[("count", chosen.into())]))
                    } @else {
                        (tr.t("filters-more"))
                    }
                }
            }
            div class="govuk-details__text" { (filters) }
        }
    }
}

/// A state shown as a tag.
pub fn tag(text: &str) -> Markup {
    html! { strong class="govuk-tag" { (text) } }
}

/// Text written by a person, shown as written, with its line breaks.
pub fn prose(text: &str) -> Markup {
    html! {
        @for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
            p class="govuk-body" {
                @for (i, line) in paragraph.lines().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}

/// A notice at the top of a page (after a successful form).
pub fn notice(text: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="status" {
            div class="govuk-notification-banner__content" {
                p class="govuk-notification-banner__heading" { (text) }
            }
        }
    }
}

/// What a form just did and what happens next (SPEC §14.5), after the redirect of a
/// submit: `?done=` names one of these, and anything else shows nothing.
pub const DONE: [&str; 5] = [
    "challenge-submitted",
    "idea-submitted",
    "scorecard-saved",
    "question-asked",
    "challenge-transferred",
];

/// The banner of `?done=`: what was done, then what happens next in a sentence or two.
fn what_happens_next(ctx: &Ctx) -> Markup {
    let Some(done) = ctx
        .query("done")
        .and_then(|done| DONE.into_iter().find(|known| *known == done))
    else {
        return html! {};
    };
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="status" id="what-happens-next" {
            div class="govuk-notification-banner__content" {
                p class="govuk-notification-banner__heading" { (ctx.tr.t(&format!("done-{done}-title"))) }
                p class="govuk-body" { (ctx.tr.t(&format!("done-{done}"))) }
            }
        }
    }
}

/// Raw markup that is known to be safe (an SVG drawn by this server).
pub fn trusted(markup: String) -> Markup {
    PreEscaped(markup)
}
