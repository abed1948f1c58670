//! The authorization matrix: every endpoint × every caller, in one table per resource.
//!
//! Each cell runs on a resource built fresh for it (a successful command changes state, so
//! cells never share one), with a valid body, so that only authorization decides the
//! answer. Every mismatch is collected and reported at once, which makes the table easy
//! to fix. Check order of the spec: 401 → 400 → 404 → 403 → 422 → 409.

use std::panic::{AssertUnwindSafe, catch_unwind};

use poem::http::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::attachments::{PDF, PNG, attach, send_file};
use crate::helpers::*;

/// The column does not apply: the endpoint names no challenge for an owner to own (or no
/// idea for an author to have written).
const __: u16 = 0;

/// `"METHOD /path"` (a `{placeholder}` names the resource built for the cell; a trailing
/// `about {placeholder}` names one the body refers to) and the
/// status expected per caller: anonymous, a needs-owner who does not own the resource,
/// innovator, assessor, facilitator, and the needs-owner who owns the challenge.
type Row = (&'static str, [u16; 6]);

/// A [`Row`] with a seventh caller, `author`: the innovator who wrote the idea the path
/// names (the innovator-owner of the idea). There the `innovator` column is another
/// innovator, `other` a needs-owner who does not own the idea's challenge, and `owner` the
/// needs-owner of the idea's challenge.
type IdeaRow = (&'static str, [u16; 7]);

/// An [`IdeaRow`] with an eighth caller, `panel`: an assessor assigned to the idea the path
/// names (for `{assignment}`, the assessor it assigns). There the `assessor` column is an
/// assessor assigned to nothing.
type PanelRow = (&'static str, [u16; 8]);

#[rustfmt::skip]
const AUTH: &[Row] = &[
    //                                               anon  other innov asses facil owner
    // With e-mail on, registration answers 202 and the address confirms it.
    ("POST /auth/register",                         [202,  202,  202,  202,  202,  __ ]),
    ("POST /auth/confirm-email",                    [200,  200,  200,  200,  200,  __ ]),
    ("POST /auth/login",                            [200,  200,  200,  200,  200,  __ ]),
    ("POST /auth/logout",                           [401,  204,  204,  204,  204,  __ ]),
    ("GET /me",                                     [401,  200,  200,  200,  200,  __ ]),
    ("GET /me/export",                              [401,  200,  200,  200,  200,  __ ]),
    ("PATCH /me",                                   [401,  200,  200,  200,  200,  __ ]),
    ("PUT /me/password",                            [401,  204,  204,  204,  204,  __ ]),
    ("POST /auth/password-reset",                   [202,  202,  202,  202,  202,  __ ]),
    ("POST /auth/password-reset/confirm",           [204,  204,  204,  204,  204,  __ ]),
];

#[rustfmt::skip]
const USERS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /users",                                  [401,  403,  403,  403,  200,  __ ]),
    ("POST /users",                                 [401,  403,  403,  403,  201,  __ ]),
    ("GET /users/{other}",                          [401,  404,  404,  404,  200,  __ ]),
    ("GET /users/{self}",                           [401,  200,  200,  200,  200,  __ ]),
    ("PUT /users/{other}/roles",                    [401,  404,  404,  404,  200,  __ ]),
    ("POST /users/{other}/deactivate",              [401,  404,  404,  404,  200,  __ ]),
    ("POST /users/{deactivated}/reactivate",        [401,  404,  404,  404,  200,  __ ]),
    ("POST /users/{other}/password-reset",          [401,  404,  404,  404,  202,  __ ]),
    ("POST /users/{self}/password-reset",           [401,  403,  403,  403,  202,  __ ]),
    ("POST /users/{deactivated}/password-reset",    [401,  404,  404,  404,  409,  __ ]),
    ("POST /users/{self}/reactivate",               [401,  403,  403,  403,  409,  __ ]),
    ("GET /users/{other}/export",                   [401,  404,  404,  404,  200,  __ ]),
    ("GET /users/{self}/export",                    [401,  200,  200,  200,  200,  __ ]),
    ("POST /users/{other}/erase",                   [401,  404,  404,  404,  200,  __ ]),
    ("POST /users/{self}/erase",                    [401,  403,  403,  403,  422,  __ ]),
];

#[rustfmt::skip]
const ARENAS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /arenas",                                 [200,  200,  200,  200,  200,  __ ]),
    ("POST /arenas",                                [401,  403,  403,  403,  201,  __ ]),
    ("GET /arenas/{planned}",                       [404,  404,  404,  404,  200,  __ ]),
    ("GET /arenas/{open}",                          [200,  200,  200,  200,  200,  __ ]),
    ("PATCH /arenas/{planned}",                     [401,  404,  404,  404,  200,  __ ]),
    ("PATCH /arenas/{open}",                        [401,  403,  403,  403,  200,  __ ]),
    ("POST /arenas/{planned}/open",                 [401,  404,  404,  404,  200,  __ ]),
    ("POST /arenas/{open}/close",                   [401,  403,  403,  403,  200,  __ ]),
];

#[rustfmt::skip]
const CHALLENGES: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /challenges",                             [200,  200,  200,  200,  200,  __ ]),
    ("POST /challenges",                            [401,  201,  403,  403,  201,  __ ]),
    ("GET /challenges/{draft}",                     [404,  404,  404,  404,  200,  200]),
    ("GET /challenges/{published}",                 [200,  200,  200,  200,  200,  200]),
    ("PATCH /challenges/{draft}",                   [401,  404,  404,  404,  200,  200]),
    ("PATCH /challenges/{published}",               [401,  403,  403,  403,  200,  409]),
    ("POST /challenges/{draft}/submit",             [401,  404,  404,  404,  403,  200]),
    ("POST /challenges/{submitted}/request-changes",[401,  404,  404,  404,  200,  403]),
    ("POST /challenges/{submitted}/publish",        [401,  404,  404,  404,  200,  403]),
    ("POST /challenges/{published}/close",          [401,  403,  403,  403,  200,  200]),
    ("POST /challenges/{closed}/archive",           [401,  403,  403,  403,  200,  403]),
    ("POST /challenges/{published}/withdraw",       [401,  403,  403,  403,  200,  200]),
    ("POST /challenges/{draft}/transfer",           [401,  404,  404,  404,  200,  403]),
    ("POST /challenges/{published}/transfer",       [401,  403,  403,  403,  200,  403]),
    ("GET /challenges/{published}/history",         [401,  200,  200,  200,  200,  200]),
    ("GET /challenges/{draft}/history",             [401,  404,  404,  404,  200,  200]),
];

/// `{draft_idea}` and `{submitted_idea}` are ideas of `author` on a published challenge of
/// `owner`. Assessors see no ideas: nothing is assigned to them yet.
#[rustfmt::skip]
const IDEAS: &[IdeaRow] = &[
    //                                               anon  other innov asses facil owner author
    ("POST /challenges/{published}/ideas",          [401,  403,  201,  403,  403,  403,  __ ]),
    ("GET /challenges/{published}/ideas",           [401,  200,  200,  200,  200,  200,  __ ]),
    ("GET /challenges/{draft}/ideas",               [401,  404,  404,  404,  200,  200,  __ ]),
    ("GET /ideas",                                  [401,  200,  200,  200,  200,  __,   __ ]),
    ("GET /ideas/{draft_idea}",                     [401,  404,  404,  404,  200,  404,  200]),
    ("GET /ideas/{submitted_idea}",                 [401,  404,  404,  404,  200,  200,  200]),
    ("PATCH /ideas/{draft_idea}",                   [401,  404,  404,  404,  403,  404,  200]),
    ("PATCH /ideas/{submitted_idea}",               [401,  404,  404,  404,  403,  403,  409]),
    ("POST /ideas/{draft_idea}/submit",             [401,  404,  404,  404,  403,  404,  200]),
    ("POST /ideas/{submitted_idea}/withdraw",       [401,  404,  404,  404,  403,  403,  200]),
    ("GET /ideas/{submitted_idea}/history",         [401,  404,  404,  404,  200,  200,  200]),
];

/// `{question}` is a question asked by an innovator on a published challenge of `owner`.
#[rustfmt::skip]
const QUESTIONS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /challenges/{published}/questions",       [200,  200,  200,  200,  200,  200]),
    ("GET /challenges/{draft}/questions",           [404,  404,  404,  404,  200,  200]),
    ("POST /challenges/{published}/questions",      [401,  201,  201,  201,  201,  201]),
    ("POST /questions/{question}/answer",           [401,  403,  403,  403,  200,  200]),
];

/// `{rubric}` is an unused rubric a facilitator made. `{assigned_idea}` is a submitted idea
/// of `author` on a published challenge of `owner` with `panel` assigned;
/// `{in_assessment_idea}` the same, in assessment with the default rubric; `{scored_idea}`
/// the same, with the scorecards of `panel` and of a second assessor in (enough to decide).
/// `{assignment}` is the assignment of `panel` on an idea in assessment.
#[rustfmt::skip]
const ASSESSMENT: &[PanelRow] = &[
    //                                                    anon  other innov asses facil owner author panel
    ("GET /rubrics",                                     [401,  200,  200,  200,  200,  __,   __,    200]),
    ("POST /rubrics",                                    [401,  403,  403,  403,  201,  __,   __,    403]),
    ("GET /rubrics/{rubric}",                            [401,  200,  200,  200,  200,  __,   __,    200]),
    ("PUT /rubrics/{rubric}",                            [401,  403,  403,  403,  200,  __,   __,    403]),
    ("POST /ideas/{assigned_idea}/start-assessment",     [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{assigned_idea}/assignments",          [401,  404,  404,  404,  201,  403,  403,   403]),
    ("GET /ideas/{in_assessment_idea}",                  [401,  404,  404,  404,  200,  200,  200,   200]),
    ("GET /ideas/{in_assessment_idea}/history",          [401,  404,  404,  404,  200,  200,  200,   200]),
    ("GET /assignments",                                 [401,  403,  403,  200,  200,  __,   __,    200]),
    ("POST /assignments/{assignment}/declare-conflict",  [401,  404,  404,  404,  403,  404,  404,   200]),
    ("DELETE /assignments/{assignment}",                 [401,  404,  404,  404,  204,  404,  404,   403]),
    ("PUT /ideas/{in_assessment_idea}/scorecard",        [401,  404,  404,  404,  403,  403,  403,   200]),
    ("GET /ideas/{in_assessment_idea}/scorecards",       [401,  404,  404,  404,  200,  403,  403,   200]),
    ("GET /ideas/{scored_idea}/scorecards",              [401,  404,  404,  404,  200,  403,  403,   200]),
    ("GET /ideas/{in_assessment_idea}/assessment",       [401,  404,  404,  404,  200,  403,  403,   403]),
    ("GET /ideas/{scored_idea}/assessment",              [401,  404,  404,  404,  200,  403,  403,   200]),
    ("POST /ideas/{scored_idea}/decide",                 [401,  404,  404,  404,  200,  403,  403,   403]),
    ("GET /challenges/{published}/ranking",              [401,  403,  403,  403,  200,  403,  __,    __ ]),
    ("GET /challenges/{draft}/ranking",                  [401,  404,  404,  404,  200,  403,  __,    __ ]),
];

/// `{qualified_idea}` is `{scored_idea}` decided qualified; `{in_incubation_idea}` the same,
/// in incubation with a support organisation; `{in_testing_idea}` the same, in testing
/// straight from qualified; `{on_hold_idea}` a `{qualified_idea}` put on hold. Each step is
/// the facilitators'; the others who see the idea (its needs-owner, its innovator, its
/// panel) are refused with 403. While on hold only resume, discontinue and the innovator's
/// withdraw run.
#[rustfmt::skip]
const STEP_COMMANDS: &[PanelRow] = &[
    //                                                    anon  other innov asses facil owner author panel
    ("POST /ideas/{qualified_idea}/start-incubation",    [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{qualified_idea}/start-testing",       [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_incubation_idea}/start-testing",   [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_testing_idea}/complete",           [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{qualified_idea}/discontinue",         [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_incubation_idea}/discontinue",     [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_testing_idea}/discontinue",        [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_assessment_idea}/put-on-hold",     [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{qualified_idea}/put-on-hold",         [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_incubation_idea}/put-on-hold",     [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{in_testing_idea}/put-on-hold",        [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{on_hold_idea}/resume",                [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{on_hold_idea}/discontinue",           [401,  404,  404,  404,  200,  403,  403,   403]),
    ("POST /ideas/{on_hold_idea}/withdraw",              [401,  404,  404,  404,  403,  403,  200,   403]),
    ("GET /ideas/{on_hold_idea}",                        [401,  404,  404,  404,  200,  200,  200,   200]),
    ("GET /ideas/{qualified_idea}",                      [401,  404,  404,  404,  200,  200,  200,   200]),
    ("GET /ideas/{in_testing_idea}/history",             [401,  404,  404,  404,  200,  200,  200,   200]),
];

/// Steps 4 and 5 on the ideas of [`STEP_COMMANDS`]; `{milestone}` is a milestone of an
/// idea in incubation. Milestones are kept by facilitators and the idea's innovator,
/// spread activities recorded by facilitators only. The idea's panel sees the idea, not
/// its incubation and test (which may name the innovator's organisation): 404.
#[rustfmt::skip]
const STEPS: &[PanelRow] = &[
    //                                                        anon  other innov asses facil owner author panel
    ("GET /support-organisations",                           [401,  200,  200,  200,  200,  __,   __,    __ ]),
    ("POST /support-organisations",                          [401,  403,  403,  403,  201,  __,   __,    __ ]),
    ("GET /ideas/{in_incubation_idea}/incubation",           [401,  404,  404,  404,  200,  200,  200,   404]),
    ("POST /ideas/{in_incubation_idea}/incubation/milestones",[401, 404,  404,  404,  201,  403,  201,   404]),
    ("POST /milestones/{milestone}/complete",                [401,  404,  404,  404,  200,  403,  200,   404]),
    ("GET /ideas/{in_testing_idea}/test",                    [401,  404,  404,  404,  200,  200,  200,   404]),
    ("POST /ideas/{in_testing_idea}/test/spread-activities", [401,  404,  404,  404,  201,  403,  403,   404]),
];

/// `POST /obstacles about {subject}` logs an obstacle on the challenge or idea `{subject}`
/// names (in the body): anyone who sees it may. Only facilitators read the diary.
#[rustfmt::skip]
const OBSTACLES: &[PanelRow] = &[
    //                                                    anon  other innov asses facil owner author panel
    ("POST /obstacles about {published}",                [401,  201,  201,  201,  201,  201,  __,    __ ]),
    ("POST /obstacles about {draft}",                    [401,  404,  404,  404,  201,  201,  __,    __ ]),
    ("POST /obstacles about {draft_idea}",               [401,  404,  404,  404,  201,  404,  201,   __ ]),
    ("POST /obstacles about {in_assessment_idea}",       [401,  404,  404,  404,  201,  201,  201,   201]),
    ("POST /obstacles about {in_testing_idea}",          [401,  404,  404,  404,  201,  201,  201,   201]),
    ("GET /obstacles",                                   [401,  403,  403,  403,  200,  __,   __,    __ ]),
    ("GET /obstacles/raised",                            [200,  200,  200,  200,  200,  __,   __,    __ ]),
    ("GET /obstacles/{obstacle}",                        [401,  403,  403,  403,  200,  403,  __,    __ ]),
    ("POST /obstacles/{obstacle}/raise",                 [401,  403,  403,  403,  200,  403,  __,    __ ]),
    ("POST /obstacles/{raised_obstacle}/answer",         [401,  403,  403,  403,  200,  403,  __,    __ ]),
    ("POST /obstacles/{obstacle}/close",                 [401,  403,  403,  403,  200,  403,  __,    __ ]),
    ("PUT /obstacles/{obstacle}/same-as",                [401,  403,  403,  403,  200,  403,  __,    __ ]),
];

/// Reports are the facilitators', as JSON, as CSV and as XLSX.
#[rustfmt::skip]
const REPORTS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /reports/funnel",                         [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/funnel?format=csv",              [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/funnel?format=xlsx",             [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/obstacles",                      [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/obstacles?format=csv",           [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/obstacles?format=xlsx",          [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/figures",                        [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/figures?format=csv",             [401,  403,  403,  403,  200,  __ ]),
    ("GET /reports/figures?format=xlsx",            [401,  403,  403,  403,  200,  __ ]),
];

/// The outcome in public is everyone's, signed in or not.
#[rustfmt::skip]
const RESULTS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /results",                                [200,  200,  200,  200,  200,  __ ]),
    ("GET /results?outcome=adopted&year=2026",      [200,  200,  200,  200,  200,  __ ]),
];

/// The inbox is each person's own; `{notice}` is the owner's, told of an idea submitted
/// to their challenge.
#[rustfmt::skip]
const NOTIFICATIONS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /notifications",                          [401,  200,  200,  200,  200,  200]),
    ("GET /notifications?unread=true",              [401,  200,  200,  200,  200,  200]),
    ("POST /notifications/read-all",                [401,  200,  200,  200,  200,  200]),
    ("POST /notifications/{notice}/read",           [401,  404,  404,  404,  404,  200]),
];

/// Team invitations are their addressee's: `{invitation}` is sent to the caller's own
/// address, `{others_invitation}` to someone else's.
#[rustfmt::skip]
const INVITATIONS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /invitations",                            [401,  200,  200,  200,  200,  __ ]),
    ("GET /invitations/{invitation}",               [401,  200,  200,  200,  200,  __ ]),
    ("POST /invitations/{invitation}/accept",       [401,  200,  200,  200,  200,  __ ]),
    ("POST /invitations/{invitation}/decline",      [401,  200,  200,  200,  200,  __ ]),
    ("GET /invitations/{others_invitation}",        [401,  403,  403,  403,  403,  __ ]),
    ("POST /invitations/{others_invitation}/accept",  [401,  403,  403,  403,  403,  __ ]),
    ("POST /invitations/{others_invitation}/decline", [401,  403,  403,  403,  403,  __ ]),
];

/// The registry: facilitators register and edit, anyone signed in reads.
#[rustfmt::skip]
const ORGANISATIONS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /organisations",                          [401,  200,  200,  200,  200,  __ ]),
    ("POST /organisations",                         [401,  403,  403,  403,  201,  __ ]),
    ("GET /organisations/{organisation}",           [401,  200,  200,  200,  200,  __ ]),
    ("PATCH /organisations/{organisation}",         [401,  403,  403,  403,  200,  __ ]),
];

/// Webhooks are the facilitators'; `{webhook}` is one a facilitator registered.
#[rustfmt::skip]
const WEBHOOKS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /webhooks",                               [401,  403,  403,  403,  200,  __ ]),
    ("POST /webhooks",                              [401,  403,  403,  403,  201,  __ ]),
    ("DELETE /webhooks/{webhook}",                  [401,  403,  403,  403,  204,  __ ]),
    ("GET /webhooks/{webhook}/deliveries",          [401,  403,  403,  403,  200,  __ ]),
];

/// Documents (SPEC §15). A POST sends a small PDF as multipart. `{challenge_file}` is a
/// file the team put on a published challenge of `owner`; `{idea_file}` one the author put
/// on their submitted idea; `{test}` the test of an idea in testing whose panel was
/// `panel`.
#[rustfmt::skip]
const DOCUMENTS: &[PanelRow] = &[
    //                                               anon  other innov asses facil owner author panel
    ("GET /challenges/{published}/attachments",     [200,  200,  200,  200,  200,  200,  __,   __ ]),
    ("GET /challenges/{draft}/attachments",         [404,  404,  404,  404,  200,  200,  __,   __ ]),
    ("POST /challenges/{draft}/attachments",        [401,  404,  404,  404,  201,  201,  __,   __ ]),
    ("POST /challenges/{published}/attachments",    [401,  403,  403,  403,  201,  409,  __,   __ ]),
    ("GET /ideas/{submitted_idea}/attachments",     [401,  404,  404,  404,  200,  200,  200,  __ ]),
    ("GET /ideas/{in_assessment_idea}/attachments", [401,  404,  404,  404,  200,  200,  200,  200]),
    ("POST /ideas/{submitted_idea}/attachments",    [401,  404,  404,  404,  201,  403,  201,  __ ]),
    ("POST /ideas/{qualified_idea}/attachments",    [401,  404,  404,  404,  201,  403,  409,  403]),
    ("GET /tests/{test}/attachments",               [401,  404,  404,  404,  200,  200,  200,  200]),
    ("POST /tests/{test}/attachments",              [401,  404,  404,  404,  201,  403,  201,  403]),
    ("GET /attachments/{challenge_file}",           [200,  200,  200,  200,  200,  200,  __,   __ ]),
    ("GET /attachments/{idea_file}",                [404,  404,  404,  404,  200,  200,  200,  __ ]),
    ("DELETE /attachments/{challenge_file}",        [401,  403,  403,  403,  204,  409,  __,   __ ]),
    ("DELETE /attachments/{idea_file}",             [401,  404,  404,  404,  204,  403,  204,  __ ]),
];

/// The city's own site (SPEC §16): anyone reads, facilitators write. The privacy notice is
/// read after a row has published one; accepting it names the version in force. The logo
/// is read after a row has set one (a small PNG, as multipart).
#[rustfmt::skip]
const SITE: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /site",                                   [200,  200,  200,  200,  200,  __ ]),
    ("PATCH /site",                                 [401,  403,  403,  403,  200,  __ ]),
    ("POST /site/privacy-notice",                   [401,  403,  403,  403,  201,  __ ]),
    ("GET /site/privacy-notice",                    [200,  200,  200,  200,  200,  __ ]),
    ("PUT /site/accessibility-statement",           [401,  403,  403,  403,  200,  __ ]),
    ("PUT /site/logo",                              [401,  403,  403,  403,  200,  __ ]),
    ("GET /site/logo",                              [200,  200,  200,  200,  200,  __ ]),
    ("DELETE /site/logo",                           [401,  403,  403,  403,  200,  __ ]),
    ("POST /me/privacy-notice/accept",              [401,  200,  200,  200,  200,  __ ]),
];

/// Personal API tokens (SPEC §16): anyone signed in keeps their own; `{own_token}` is one
/// of the caller's, `{others_token}` one of another person's.
#[rustfmt::skip]
const TOKENS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /me/tokens",                              [401,  200,  200,  200,  200,  __ ]),
    ("POST /me/tokens",                             [401,  201,  201,  201,  201,  __ ]),
    ("DELETE /me/tokens/{own_token}",               [401,  204,  204,  204,  204,  __ ]),
    ("DELETE /me/tokens/{others_token}",            [401,  404,  404,  404,  404,  __ ]),
];

#[rustfmt::skip]
const OPS: &[Row] = &[
    //                                               anon  other innov asses facil owner
    ("GET /healthz",                                [200,  200,  200,  200,  200,  __ ]),
    ("GET /readyz",                                 [200,  200,  200,  200,  200,  __ ]),
    ("GET /metrics",                                [200,  200,  200,  200,  200,  __ ]),
    ("GET /open-data.zip",                          [200,  200,  200,  200,  200,  __ ]),
];

/// The name of a column of the table.
fn caller_name(column: usize) -> &'static str {
    match CALLERS.get(column) {
        Some(name) => name,
        None => match column - CALLERS.len() {
            0 => "owner",
            1 => "author",
            _ => "panel",
        },
    }
}

/// A valid body for an endpoint, so that only authorization decides; `account` is the
/// e-mail of a real account (to log in with).
fn valid_body(endpoint: &str, account: &str) -> Option<Value> {
    let fresh_email = format!("{}@example.org", Uuid::now_v7().simple());
    let body = match endpoint {
        e if e.starts_with("GET ") || e.starts_with("DELETE ") || e == "POST /auth/logout" => return None,
        "POST /auth/register" => {
            json!({ "email": fresh_email, "password": PASSWORD, "display_name": "New Person", "roles": ["innovator"], "accept_privacy_notice": true })
        }
        "POST /users" => {
            json!({ "email": fresh_email, "password": PASSWORD, "display_name": "New Person", "roles": ["assessor"] })
        }
        "POST /auth/login" => json!({ "email": account, "password": PASSWORD }),
        "POST /auth/password-reset" => json!({ "email": account }),
        "POST /me/tokens" => json!({ "name": "Nightly export" }),
        "POST /organisations" => json!({ "name": "Sortera Smart AB", "kind": "startup" }),
        "PATCH /organisations/{organisation}" => json!({ "website": "https://sortera.example.se" }),
        "PUT /users/{other}/roles" => json!({ "roles": ["assessor"] }),
        "PATCH /me" => json!({ "display_name": "Renamed", "locale": "en", "email_notifications": false }),
        "PUT /me/password" => json!({ "current_password": PASSWORD, "new_password": "a new passphrase for the locks" }),
        "POST /arenas" => json!({ "name": "Open call: mobility", "kind": "physical" }),
        "POST /webhooks" => json!({ "url": "https://93.184.216.34/hooks", "events": ["submit"] }),
        "PATCH /site" => {
            json!({ "site_name": "Malmö stad", "primary_colour": "#1d70b8", "contact_email": "innovation@malmo.example" })
        }
        "POST /site/privacy-notice" | "PUT /site/accessibility-statement" => json!({ "sv": "Text.", "en": "Text." }),
        e if e.starts_with("PATCH /arenas/") => json!({ "name": "x" }),
        e if e.starts_with("PATCH /challenges/") => json!({ "title": "x" }),
        "POST /challenges" => json!({ "title": "Waste services for people without a car" }),
        "POST /challenges/{published}/ideas" => json!({ "title": "x" }),
        e if e.starts_with("PATCH /ideas/") => json!({ "title": "y" }),
        "POST /challenges/{published}/questions" => json!({ "text": "?" }),
        "POST /obstacles/{raised_obstacle}/answer" => json!({ "answer": "a" }),
        e if e.ends_with("/raise") => raise_body(),
        e if e.ends_with("/same-as") => json!({ "obstacle_id": null }),
        e if e.ends_with("/answer") => json!({ "text": "a" }),
        e if e.ends_with("/request-changes") => json!({ "feedback": "x" }),
        e if e.ends_with("/withdraw") => json!({ "reason": "x" }),
        "POST /rubrics" | "PUT /rubrics/{rubric}" => rubric_body(),
        e if e.ends_with("/scorecard") => scorecard_body(),
        e if e.ends_with("/declare-conflict") => json!({ "reason": "x" }),
        e if e.ends_with("/decide") => json!({ "outcome": "qualified", "feedback": "x" }),
        "POST /support-organisations" => support_organisation_body(),
        e if e.ends_with("/start-testing") => testing_body(),
        e if e.starts_with("POST /ideas/") && e.ends_with("/complete") => {
            json!({ "outcome": "adopted", "results": "x", "lessons_learned": "x" })
        }
        e if e.ends_with("/discontinue") => json!({ "reason": "x" }),
        e if e.ends_with("/put-on-hold") => json!({ "reason": "x" }),
        e if e.ends_with("/milestones") => json!({ "title": "x", "due_on": "2026-09-01" }),
        e if e.ends_with("/spread-activities") => {
            json!({ "kind": "learning_workshop", "title": "x", "held_on": "2026-06-15" })
        }
        _ => json!({}),
    };
    Some(body)
}

/// The version of the privacy notice in force, published by a facilitator when none is.
async fn privacy_notice_in_force(app: &TestApp) -> i64 {
    let current = app.get("/site/privacy-notice", None).await;
    if current.code() == 200 {
        return current.body["version"].as_i64().expect("a version");
    }
    let facilitator = app.facilitator().await;
    app.post(
        "/site/privacy-notice",
        Some(&facilitator.token),
        json!({ "sv": "Så behandlar vi dina personuppgifter.", "en": "How we handle your personal data." }),
    )
    .await
    .expect(201)
    .body["version"]
        .as_i64()
        .expect("a version")
}

/// A rubric with one criterion.
fn rubric_body() -> Value {
    json!({ "name": "Quick check", "min_scorecards": 1, "criteria": [{ "key": "need_fit", "name": "Need fit", "weight": 1.0 }] })
}

/// A complete scorecard for the default rubric.
fn scorecard_body() -> Value {
    let keys = [
        "need_fit",
        "social_impact",
        "environmental_impact",
        "economic_impact",
        "feasibility",
        "novelty",
        "scalability",
    ];
    let scores: serde_json::Map<String, Value> = keys.iter().map(|key| ((*key).to_owned(), json!(3))).collect();
    json!({ "scores": scores, "comment": "x" })
}

/// A support organisation.
fn support_organisation_body() -> Value {
    json!({ "name": "Minc", "kind": "incubator", "description": "Incubator in Malmö", "contact_email": "hello@minc.example.org" })
}

/// A test at a site.
fn testing_body() -> Value {
    json!({
        "site": "Sege Park recycling station",
        "host": "The housing company",
        "starts_on": "2026-05-01",
        "ends_on": "2026-06-30",
        "success_criteria": "No overflowing bin in eight weeks."
    })
}

/// A valid body of raising an obstacle.
fn raise_body() -> Value {
    json!({ "raised_to": "Boverket", "brief": "b" })
}

/// A valid obstacle about the challenge or idea `id`, which the placeholder `subject` names.
fn obstacle_body(subject: &str, id: &str) -> Value {
    let subject_type = if subject.ends_with("idea}") {
        "idea"
    } else {
        "challenge"
    };
    json!({ "subject_type": subject_type, "subject_id": id, "category": "regulation", "description": "x", "step": 4 })
}

/// The body of a cell: [`valid_body`], or for the commands that name another record, one
/// naming a record made for the cell (`subject`: the obstacle's challenge or idea).
async fn cell_body(app: &TestApp, endpoint: &str, owner: &TestUser, subject: Option<(&str, &str)>) -> Option<Value> {
    if let Some((placeholder, id)) = subject {
        return Some(obstacle_body(placeholder, id));
    }
    if endpoint.starts_with("POST /ideas/") && endpoint.ends_with("/assignments") {
        return Some(json!({ "assessor_id": app.assessor().await.id }));
    }
    if endpoint.ends_with("/transfer") {
        return Some(json!({ "owner_id": app.needs_owner().await.id }));
    }
    if endpoint == "POST /me/privacy-notice/accept" {
        return Some(json!({ "version": privacy_notice_in_force(app).await }));
    }
    if endpoint == "POST /auth/confirm-email" {
        return Some(json!({ "token": confirmation_token(app).await }));
    }
    if endpoint == "POST /auth/password-reset/confirm" {
        app.post("/auth/password-reset", None, json!({ "email": owner.email }))
            .await
            .expect(202);
        let token = app.reset_token_of(&owner.id).await;
        return Some(json!({ "token": token, "password": "a new passphrase for the locks" }));
    }
    if endpoint.ends_with("/start-incubation") {
        let organisation = support_organisation(app).await;
        return Some(json!({ "support_organisation_id": organisation, "plan": "x" }));
    }
    valid_body(endpoint, &owner.email)
}

/// The token of a new registration's confirmation link.
async fn confirmation_token(app: &TestApp) -> String {
    let email = format!("{}@example.org", Uuid::now_v7().simple());
    app.post(
        "/auth/register",
        None,
        json!({ "email": email, "password": PASSWORD, "display_name": "New Person", "roles": ["innovator"] }),
    )
    .await
    .expect(202);
    app.mail_to(&app.id_of_email(&email).await)
        .await
        .into_iter()
        .find_map(|row| row.reset_token)
        .unwrap()
}

/// A support organisation registered by a facilitator; its id.
async fn support_organisation(app: &TestApp) -> String {
    let facilitator = app.facilitator().await;
    app.post(
        "/support-organisations",
        Some(&facilitator.token),
        support_organisation_body(),
    )
    .await
    .expect(201)
    .id()
}

/// Runs an idea command as a fresh facilitator and expects 200.
async fn facilitate(app: &TestApp, idea: &str, command: &str, body: Value) {
    let facilitator = app.facilitator().await;
    app.post(&format!("/ideas/{idea}/{command}"), Some(&facilitator.token), body)
        .await
        .expect(200);
}

/// An idea in assessment with `panel` and a second assessor assigned, both scorecards in
/// (the default rubric asks for two): ready to be decided.
async fn scored_idea(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let (id, _) = assessed_idea(app, owner, author, panel, true).await;
    let second = app.assessor().await;
    assign(app, &id, &app.facilitator().await, &second).await;
    score(app, &id, panel).await;
    score(app, &id, &second).await;
    id
}

/// A [`scored_idea`] decided qualified.
async fn qualified_idea(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let id = scored_idea(app, owner, author, panel).await;
    facilitate(
        app,
        &id,
        "decide",
        json!({ "outcome": "qualified", "feedback": "Worth a test." }),
    )
    .await;
    id
}

/// A [`qualified_idea`] in incubation with a support organisation.
async fn in_incubation_idea(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let id = qualified_idea(app, owner, author, panel).await;
    let organisation = support_organisation(app).await;
    let body = json!({ "support_organisation_id": organisation, "plan": "Six months at the incubator." });
    facilitate(app, &id, "start-incubation", body).await;
    id
}

/// A [`qualified_idea`] in testing (straight from qualified: no incubation needed).
async fn in_testing_idea(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let id = qualified_idea(app, owner, author, panel).await;
    facilitate(app, &id, "start-testing", testing_body()).await;
    id
}

/// A [`qualified_idea`] put on hold.
async fn on_hold_idea(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let id = qualified_idea(app, owner, author, panel).await;
    facilitate(app, &id, "put-on-hold", json!({ "reason": "Waiting for the permit." })).await;
    id
}

/// A milestone of an [`in_incubation_idea`], added by its innovator; its id.
async fn milestone(app: &TestApp, owner: &TestUser, author: &TestUser, panel: &TestUser) -> String {
    let idea = in_incubation_idea(app, owner, author, panel).await;
    app.post(
        &format!("/ideas/{idea}/incubation/milestones"),
        Some(&author.token),
        json!({ "title": "A prototype in one bin room", "due_on": "2026-09-01" }),
    )
    .await
    .expect(201)
    .id()
}

/// A submitted idea of `author` on a challenge of `owner`.
async fn submitted_idea(app: &TestApp, owner: &TestUser, author: &TestUser) -> String {
    let id = draft_idea(app, owner, author).await;
    app.post(&format!("/ideas/{id}/submit"), Some(&author.token), json!({}))
        .await
        .expect(200);
    id
}

/// Assigns `assessor` to `idea`; the assignment's id.
async fn assign(app: &TestApp, idea: &str, facilitator: &TestUser, assessor: &TestUser) -> String {
    app.post(
        &format!("/ideas/{idea}/assignments"),
        Some(&facilitator.token),
        json!({ "assessor_id": assessor.id }),
    )
    .await
    .expect(201)
    .id()
}

/// A submitted idea of `author` on a challenge of `owner` with `panel` assigned and, when
/// `started`, its assessment started with the default rubric; the idea's and the
/// assignment's ids.
async fn assessed_idea(
    app: &TestApp,
    owner: &TestUser,
    author: &TestUser,
    panel: &TestUser,
    started: bool,
) -> (String, String) {
    let facilitator = app.facilitator().await;
    let idea = submitted_idea(app, owner, author).await;
    let assignment = assign(app, &idea, &facilitator, panel).await;
    if started {
        app.post(
            &format!("/ideas/{idea}/start-assessment"),
            Some(&facilitator.token),
            json!({}),
        )
        .await
        .expect(200);
    }
    (idea, assignment)
}

/// Sends a valid scorecard of `assessor`.
async fn score(app: &TestApp, idea: &str, assessor: &TestUser) {
    app.call(
        Method::PUT,
        &format!("/ideas/{idea}/scorecard"),
        Some(&assessor.token),
        Some(scorecard_body()),
    )
    .await
    .expect(200);
}

/// A draft idea of `author`, with all content filled in (so that it may be submitted), on
/// a challenge of `owner` published for the purpose.
async fn draft_idea(app: &TestApp, owner: &TestUser, author: &TestUser) -> String {
    let challenge = app.published_challenge(owner, &app.facilitator().await).await;
    app.post(
        &format!("/challenges/{challenge}/ideas"),
        Some(&author.token),
        json!({
            "title": "Bin sensors that call the truck",
            "summary": "A fill-level sensor in every bin.",
            "description": "Sensors report fill levels; the round is planned from them."
        }),
    )
    .await
    .expect(201)
    .id()
}

/// The token of the invitation `author` sends to `address` by naming it on a draft's team.
async fn invitation_to(app: &TestApp, owner: &TestUser, author: &TestUser, address: &str) -> String {
    let idea = draft_idea(app, owner, author).await;
    app.patch(
        &format!("/ideas/{idea}"),
        Some(&author.token),
        json!({ "team": [{ "name": "Tea Teammate", "email": address.to_uppercase() }] }),
    )
    .await
    .expect(200);
    app.token_of_invitation(&idea, address).await
}

/// Builds the resource a placeholder names and puts its id into the path.
async fn resolve(
    app: &TestApp,
    template: &str,
    owner: &TestUser,
    author: &TestUser,
    panel: &TestUser,
    caller: Option<&TestUser>,
) -> String {
    let Some((head, rest)) = template.split_once('{') else {
        return template.to_owned();
    };
    let (name, tail) = rest.split_once('}').expect("a placeholder ends with }");
    let id = match name {
        "self" => match caller {
            Some(caller) => caller.id.clone(),
            None => app.innovator().await.id,
        },
        "other" => app.innovator().await.id,
        "deactivated" => {
            let gone = app.innovator().await;
            let facilitator = app.facilitator().await;
            app.post(
                &format!("/users/{}/deactivate", gone.id),
                Some(&facilitator.token),
                json!({}),
            )
            .await
            .expect(200);
            gone.id
        }
        "planned" => app.planned_arena(&app.facilitator().await).await,
        "open" => app.open_arena(&app.facilitator().await).await,
        "draft" => app.draft_challenge(owner).await,
        "submitted" => app.submitted_challenge(owner).await,
        "published" | "closed" => {
            let facilitator = app.facilitator().await;
            let id = app.published_challenge(owner, &facilitator).await;
            if name == "closed" {
                app.challenge_command(&id, "close", &facilitator.token, json!({})).await;
            }
            id
        }
        "draft_idea" => draft_idea(app, owner, author).await,
        "submitted_idea" => submitted_idea(app, owner, author).await,
        "rubric" => app
            .post("/rubrics", Some(&app.facilitator().await.token), rubric_body())
            .await
            .expect(201)
            .id(),
        "assigned_idea" => assessed_idea(app, owner, author, panel, false).await.0,
        "in_assessment_idea" => assessed_idea(app, owner, author, panel, true).await.0,
        "assignment" => assessed_idea(app, owner, author, panel, true).await.1,
        "scored_idea" => scored_idea(app, owner, author, panel).await,
        "qualified_idea" => qualified_idea(app, owner, author, panel).await,
        "in_incubation_idea" => in_incubation_idea(app, owner, author, panel).await,
        "in_testing_idea" => in_testing_idea(app, owner, author, panel).await,
        "on_hold_idea" => on_hold_idea(app, owner, author, panel).await,
        "milestone" => milestone(app, owner, author, panel).await,
        "notice" => {
            submitted_idea(app, owner, author).await;
            let inbox = app.get("/notifications", Some(&owner.token)).await.expect(200);
            inbox.body["items"][0]["id"]
                .as_str()
                .expect("the owner is told")
                .to_owned()
        }
        "invitation" | "others_invitation" => {
            let addressee = match caller {
                Some(caller) if name == "invitation" => caller.email.clone(),
                _ => app.innovator().await.email,
            };
            invitation_to(app, owner, author, &addressee).await
        }
        "organisation" => {
            let facilitator = app.facilitator().await;
            app.post(
                "/organisations",
                Some(&facilitator.token),
                json!({ "name": "Brf Sege Park", "kind": "residents_association" }),
            )
            .await
            .expect(201)
            .id()
        }
        "webhook" => app
            .post(
                "/webhooks",
                Some(&app.facilitator().await.token),
                json!({ "url": "https://93.184.216.34/hooks" }),
            )
            .await
            .expect(201)
            .id(),
        "question" => {
            let challenge = app.published_challenge(owner, &app.facilitator().await).await;
            let asker = app.innovator().await;
            app.post(
                &format!("/challenges/{challenge}/questions"),
                Some(&asker.token),
                json!({ "text": "Which bins fill first?" }),
            )
            .await
            .expect(201)
            .id()
        }
        "test" => {
            let idea = in_testing_idea(app, owner, author, panel).await;
            let facilitator = app.facilitator().await;
            app.get(&format!("/ideas/{idea}/test"), Some(&facilitator.token))
                .await
                .expect(200)
                .id()
        }
        "challenge_file" => {
            let facilitator = app.facilitator().await;
            let challenge = app.published_challenge(owner, &facilitator).await;
            let path = format!("/challenges/{challenge}/attachments");
            attach(app, &path, Some(&facilitator.token), "map.pdf", PDF)
                .await
                .expect(201)
                .id()
        }
        "idea_file" => {
            let idea = submitted_idea(app, owner, author).await;
            let path = format!("/ideas/{idea}/attachments");
            attach(app, &path, Some(&author.token), "pitch.pdf", PDF)
                .await
                .expect(201)
                .id()
        }
        "own_token" | "others_token" => {
            let holder = match caller {
                Some(caller) if name == "own_token" => caller.clone(),
                _ => app.innovator().await,
            };
            app.post("/me/tokens", Some(&holder.token), json!({ "name": "script" }))
                .await
                .expect(201)
                .id()
        }
        "obstacle" | "raised_obstacle" => {
            let facilitator = app.facilitator().await;
            let challenge = app.published_challenge(owner, &facilitator).await;
            let id = crate::steps::log_obstacle(app, owner, "challenge", &challenge, "regulation", 2)
                .await
                .id();
            if name == "raised_obstacle" {
                app.post(
                    &format!("/obstacles/{id}/raise"),
                    Some(&facilitator.token),
                    raise_body(),
                )
                .await
                .expect(200);
            }
            id
        }
        unknown => panic!("no fixture for {{{unknown}}}"),
    };
    format!("{head}{id}{tail}")
}

/// One cell's request, built and ready to send (or to send again).
pub(crate) struct Cell {
    /// The method.
    pub method: Method,
    /// The path, its placeholders replaced by the ids of resources made for the cell.
    pub path: String,
    /// The caller's token; `None` for the anonymous caller.
    pub token: Option<String>,
    /// A valid body, if the endpoint takes one.
    pub body: Option<Value>,
}

/// Sends one cell's request: a fresh owner, author, panel assessor and resource, and the
/// caller of the column.
async fn run_cell(app: &TestApp, endpoint: &str, column: usize) -> Reply {
    let cell = prepare_cell(app, endpoint, caller_name(column)).await;
    if cell.method == Method::POST && cell.path.ends_with("/attachments") {
        return attach(app, &cell.path, cell.token.as_deref(), "plan.pdf", PDF).await;
    }
    if cell.method == Method::PUT && cell.path == "/site/logo" {
        return send_file(app, Method::PUT, &cell.path, cell.token.as_deref(), "logo.png", PNG).await;
    }
    app.call(cell.method, &cell.path, cell.token.as_deref(), cell.body)
        .await
}

/// Builds one cell's request for the caller named as a column of the tables (`anonymous`,
/// `needs_owner`, …, `owner`, `author`, `panel`): a fresh owner, author, panel assessor and
/// resource, and a valid body.
pub(crate) async fn prepare_cell(app: &TestApp, endpoint: &str, caller: &str) -> Cell {
    let owner = app.needs_owner().await;
    let author = app.innovator().await;
    let panel = app.assessor().await;
    let caller = match caller {
        "anonymous" => None,
        "needs_owner" => Some(app.needs_owner().await),
        "innovator" => Some(app.innovator().await),
        "assessor" => Some(app.assessor().await),
        "facilitator" => Some(app.facilitator().await),
        "owner" => Some(owner.clone()),
        "author" => Some(author.clone()),
        "panel" => Some(panel.clone()),
        unknown => panic!("no caller {unknown}"),
    };
    let (method, template) = endpoint.split_once(' ').expect("a row reads \"METHOD /path\"");
    let method = Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    let (template, subject) = match template.split_once(" about ") {
        Some((template, subject)) => (template, Some(subject)),
        None => (template, None),
    };
    let path = resolve(app, template, &owner, &author, &panel, caller.as_ref()).await;
    let subject_id = match subject {
        Some(subject) => Some(resolve(app, subject, &owner, &author, &panel, caller.as_ref()).await),
        None => None,
    };
    let subject = subject.zip(subject_id.as_deref());
    let body = cell_body(app, endpoint, &owner, subject).await;
    Cell {
        method,
        path,
        token: caller.map(|c| c.token),
        body,
    }
}

/// Why a reply does not match the expected status, if it does not; an error must also be
/// a problem document.
fn mismatch(reply: Reply, expected: u16) -> Option<String> {
    let text = reply.text.clone();
    if reply.code() != expected {
        return Some(format!("expected {expected}, got {}; body: {text}", reply.code()));
    }
    if expected < 400 {
        return None;
    }
    catch_unwind(AssertUnwindSafe(|| reply.expect_problem(expected)))
        .err()
        .map(|_| format!("{expected} as expected, but not a problem document: {text}"))
}

/// Walks a table on one app and fails once, listing every cell that differs.
async fn walk<const COLUMNS: usize>(table: &[(&'static str, [u16; COLUMNS])]) {
    // With e-mail on, so that a facilitator may send a reset link.
    let app = spawn_app_with_mail().await;
    let mut mismatches = Vec::new();
    for &(endpoint, expected) in table {
        for (column, &status) in expected.iter().enumerate() {
            if status == __ {
                continue;
            }
            let reply = run_cell(&app, endpoint, column).await;
            if let Some(why) = mismatch(reply, status) {
                mismatches.push(format!("{endpoint} as {}: {why}", caller_name(column)));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cell(s) differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_auth_endpoints() {
    walk(AUTH).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_user_endpoints() {
    walk(USERS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_arena_endpoints() {
    walk(ARENAS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_challenge_endpoints() {
    walk(CHALLENGES).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_idea_endpoints() {
    walk(IDEAS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_question_endpoints() {
    walk(QUESTIONS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_assessment_endpoints() {
    walk(ASSESSMENT).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_ops_endpoints() {
    walk(OPS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_idea_step_commands() {
    walk(STEP_COMMANDS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_incubation_and_test_endpoints() {
    walk(STEPS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_obstacle_endpoints() {
    walk(OBSTACLES).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_report_endpoints() {
    walk(REPORTS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_results_endpoints() {
    walk(RESULTS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_notification_endpoints() {
    walk(NOTIFICATIONS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_invitation_endpoints() {
    walk(INVITATIONS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_organisation_endpoints() {
    walk(ORGANISATIONS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_webhook_endpoints() {
    walk(WEBHOOKS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_document_endpoints() {
    walk(DOCUMENTS).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_site_endpoints() {
    walk(SITE).await;
}

#[tokio::test]
async fn every_caller_gets_the_tabled_status_from_the_api_token_endpoints() {
    walk(TOKENS).await;
}

/// Every row's endpoint, as `"METHOD /path"`; but [`OPS`], which lives outside the API base
/// and its spec.
fn tabled_endpoints() -> Vec<&'static str> {
    fn names<const COLUMNS: usize>(table: &[(&'static str, [u16; COLUMNS])]) -> Vec<&'static str> {
        table.iter().map(|(endpoint, _)| *endpoint).collect()
    }
    [
        names(AUTH),
        names(USERS),
        names(ARENAS),
        names(CHALLENGES),
        names(IDEAS),
        names(QUESTIONS),
        names(ASSESSMENT),
        names(STEP_COMMANDS),
        names(STEPS),
        names(OBSTACLES),
        names(REPORTS),
        names(RESULTS),
        names(NOTIFICATIONS),
        names(INVITATIONS),
        names(ORGANISATIONS),
        names(WEBHOOKS),
        names(DOCUMENTS),
        names(SITE),
        names(TOKENS),
    ]
    .concat()
}

/// A row's endpoint as the spec writes it: the body's subject and the query dropped, and
/// every `{placeholder}` read `{id}`.
pub(crate) fn spec_form(endpoint: &str) -> String {
    let endpoint = endpoint.split(" about ").next().unwrap_or(endpoint);
    let endpoint = endpoint.split('?').next().unwrap_or(endpoint);
    let mut normal = String::with_capacity(endpoint.len());
    let mut rest = endpoint;
    while let Some((head, tail)) = rest.split_once('{') {
        normal.push_str(head);
        normal.push_str("{id}");
        rest = tail.split_once('}').map_or("", |(_, after)| after);
    }
    normal.push_str(rest);
    normal
}

#[test]
fn a_row_rewritten_in_the_spec_form_names_its_operation() {
    assert_eq!(
        spec_form("POST /ideas/{qualified_idea}/start-incubation"),
        "POST /ideas/{id}/start-incubation"
    );
    assert_eq!(spec_form("POST /obstacles about {draft_idea}"), "POST /obstacles");
    assert_eq!(spec_form("GET /reports/funnel?format=csv"), "GET /reports/funnel");
    assert_eq!(spec_form("GET /me"), "GET /me");
}

#[test]
fn every_operation_of_the_committed_spec_has_a_row_and_every_row_an_operation() {
    let spec: Value = serde_json::from_str(include_str!("../openapi/openapi.json")).expect("committed spec is JSON");
    let mut operations = std::collections::BTreeSet::new();
    for (path, methods) in spec["paths"].as_object().expect("paths") {
        for method in methods.as_object().expect("operations").keys() {
            operations.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let tabled: std::collections::BTreeSet<String> = tabled_endpoints().into_iter().map(spec_form).collect();
    let missing: Vec<&String> = operations.difference(&tabled).collect();
    let unknown: Vec<&String> = tabled.difference(&operations).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "operations of the spec without a row in the matrix: {missing:#?}\nrows naming no operation of the spec: {unknown:#?}"
    );
}
