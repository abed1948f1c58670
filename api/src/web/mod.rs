//! The web interface (SPEC §10): server-rendered pages in Swedish and English over the
//! same application layer as the JSON API. Works without JavaScript; every form carries a
//! CSRF token and posts, then redirects.

pub mod assets;
pub mod chart;
pub mod context;
pub mod forms;
pub mod i18n;
pub mod layer;
pub mod layout;
pub mod pages;
pub mod refusals;
pub mod time;

use poem::middleware::CookieJarManager;
use poem::{Endpoint, EndpointExt, Route, get, post};

use self::layer::WebLayer;
use self::pages::{
    admin_arenas, admin_organisations, admin_rubrics, admin_support, admin_users, arenas, assessment, auth, challenges,
    confirm, files, home, idea_list, ideas, invitations, me, notifications, obstacles, panel, raised, reports, reset,
    results, settings, site, steps,
};
use self::pages::{api_tokens, two_factor};

/// Adds the pages to `routes`, each wrapped in the cookie jar and [`WebLayer`], and a
/// last route that answers any other path with the 404 page. `secure` marks cookies
/// `Secure` (when `--public-url` is https).
pub fn mount(routes: Route, secure: bool) -> Route {
    let page = |endpoint: poem::RouteMethod| endpoint.with(WebLayer { secure }).with(CookieJarManager::new());
    routes
        .at("/login", page(get(auth::login_page).post(auth::login)))
        .at(
            "/login/two-factor",
            page(get(two_factor::code_page).post(two_factor::code)),
        )
        .at(
            "/login/two-factor/set-up",
            page(get(two_factor::setup_on_sign_in_page).post(two_factor::setup_on_sign_in)),
        )
        .at(
            "/me/two-factor",
            page(get(two_factor::setup_page_signed_in).post(two_factor::setup_signed_in)),
        )
        .at("/me/tokens", page(post(api_tokens::create)))
        .at("/me/tokens/:id/revoke", page(post(api_tokens::revoke)))
        .at("/register", page(get(auth::register_page).post(auth::register)))
        .at("/logout", page(post(auth::logout)))
        .at("/auth/oidc/start", page(get(pages::oidc::start)))
        .at("/auth/oidc/callback", page(get(pages::oidc::callback)))
        .at("/forgot-password", page(get(reset::forgot_page).post(reset::forgot)))
        .at("/reset-password", page(get(reset::reset_page).post(reset::reset)))
        .at(
            "/confirm-email",
            page(get(confirm::confirm_page).post(confirm::confirm)),
        )
        .at("/me", page(get(me::me)))
        .at("/challenges", page(get(challenges::list)))
        .at(
            "/challenges/new",
            page(get(challenges::new_page).post(challenges::create)),
        )
        .at("/challenges/:id", page(get(challenges::show)))
        .at(
            "/challenges/:id/edit",
            page(get(challenges::edit_page).post(challenges::update)),
        )
        .at("/challenges/:id/questions", page(post(challenges::ask)))
        .at("/challenges/:id/files", page(post(files::attach_to_challenge)))
        .at("/challenges/:id/ranking", page(get(assessment::ranking)))
        .at(
            "/challenges/:id/ideas/new",
            page(get(ideas::new_page).post(ideas::create)),
        )
        .at("/challenges/:id/:command", page(post(challenges::run_command)))
        .at("/questions/:id/answer", page(post(challenges::answer_question)))
        .at("/ideas", page(get(idea_list::list)))
        .at("/ideas/:id", page(get(ideas::show)))
        .at("/ideas/:id/edit", page(get(ideas::edit_page).post(ideas::update)))
        .at(
            "/ideas/:id/scorecard",
            page(get(assessment::scorecard).post(assessment::save_scorecard)),
        )
        .at("/ideas/:id/assessment", page(get(assessment::summary)))
        .at("/ideas/:id/assign", page(post(panel::assign)))
        .at("/ideas/:id/incubation", page(get(steps::incubation_page)))
        .at("/ideas/:id/incubation/milestones", page(post(steps::add_milestone)))
        .at(
            "/ideas/:id/incubation/milestones/:milestone/complete",
            page(post(steps::complete_milestone)),
        )
        .at("/ideas/:id/incubation/:command", page(post(steps::incubation_command)))
        .at("/ideas/:id/test", page(get(steps::test_page)))
        .at("/ideas/:id/test/files", page(post(files::attach_to_test)))
        .at("/ideas/:id/files", page(post(files::attach_to_idea)))
        .at("/files/:id", page(get(files::download)))
        .at("/files/:id/inline", page(get(files::inline)))
        .at("/files/:id/remove", page(post(files::remove)))
        .at("/ideas/:id/test/:command", page(post(steps::test_command)))
        .at("/ideas/:id/:command", page(post(ideas::run_command)))
        .at("/assignments", page(get(assessment::queue)))
        .at(
            "/assignments/:id/declare-conflict",
            page(post(assessment::declare_conflict)),
        )
        .at("/obstacles", page(get(obstacles::diary_page).post(obstacles::log)))
        .at("/obstacles/raised", page(get(raised::list)))
        .at("/obstacles/:id", page(get(raised::detail)))
        .at("/obstacles/:id/raise", page(post(raised::post_raise)))
        .at("/obstacles/:id/answer", page(post(raised::post_answer)))
        .at("/obstacles/:id/close", page(post(raised::post_close)))
        .at("/obstacles/:id/same-as", page(post(raised::post_same_as)))
        .at("/me/settings", page(get(settings::page).post(settings::save)))
        .at("/me/password", page(post(settings::change_password)))
        .at("/invitations", page(get(invitations::list)))
        .at("/invitations/:token", page(get(invitations::show)))
        .at("/invitations/:token/:answer", page(post(invitations::answer)))
        .at("/notifications", page(get(notifications::inbox)))
        .at("/notifications/read-all", page(post(notifications::mark_all_read)))
        .at("/notifications/:id", page(get(notifications::open)))
        .at("/notifications/:id/read", page(post(notifications::mark_read)))
        .at("/reports", page(get(reports::reports)))
        .at("/reports/funnel.csv", page(get(reports::funnel_download)))
        .at("/reports/obstacles.csv", page(get(reports::obstacles_download)))
        .at("/reports/figures.csv", page(get(reports::figures_download)))
        .at("/reports/funnel.xlsx", page(get(reports::funnel_workbook)))
        .at("/reports/obstacles.xlsx", page(get(reports::obstacles_workbook)))
        .at("/reports/figures.xlsx", page(get(reports::figures_workbook)))
        .at(
            "/admin/arenas",
            page(get(admin_arenas::list).post(admin_arenas::create)),
        )
        .at("/admin/arenas/:id", page(get(admin_arenas::show_one)))
        .at("/admin/arenas/:id/:command", page(post(admin_arenas::run_command)))
        .at("/admin/users", page(get(admin_users::list).post(admin_users::create)))
        .at("/admin/users/:id", page(get(admin_users::show_one)))
        .at("/admin/users/:id/:command", page(post(admin_users::run_command)))
        .at(
            "/admin/rubrics",
            page(get(admin_rubrics::list).post(admin_rubrics::create)),
        )
        .at("/admin/rubrics/:id", page(get(admin_rubrics::show_one)))
        .at(
            "/admin/rubrics/:id/edit",
            page(get(admin_rubrics::edit_page).post(admin_rubrics::update)),
        )
        .at(
            "/admin/organisations",
            page(get(admin_organisations::list).post(admin_organisations::create)),
        )
        .at(
            "/admin/organisations/:id",
            page(get(admin_organisations::edit).post(admin_organisations::update)),
        )
        .at(
            "/admin/support-organisations",
            page(get(admin_support::list).post(admin_support::create)),
        )
        .at("/privacy", page(get(site::privacy)))
        .at("/privacy/accept", page(get(site::consent_page).post(site::accept)))
        .at("/accessibility", page(get(site::accessibility)))
        .at("/contact", page(get(site::contact)))
        .at("/admin/site", page(get(site::admin).post(site::save_look)))
        .at("/admin/site/logo", page(post(site::upload_logo)))
        .at("/admin/site/logo/remove", page(post(site::remove_logo)))
        .at("/admin/site/privacy-notice", page(post(site::publish_privacy)))
        .at(
            "/admin/site/accessibility-statement",
            page(post(site::save_accessibility)),
        )
        .at("/site.css", get(site::stylesheet))
        .at("/arenas", page(get(arenas::list)))
        .at("/arenas/:id", page(get(arenas::show)))
        .at("/results", page(get(results::list)))
        // poem's router gives "/" to a wildcard registered beside it, so the start page
        // is the wildcard's answer for "/" and the 404 page for any other path.
        .at("/*path", page(get(home::home_or_unknown).post(pages::errors::unknown)))
}

/// The assets route.
pub fn asset_routes() -> impl Endpoint {
    Route::new().at("/:file", get(assets::serve))
}
