//! The rules of sluss, as pure functions.
//!
//! Nothing here performs I/O or reads a clock: the API layer reads what a rule needs
//! (the current state, the time, related records) and passes it in. Each state machine
//! exposes `decide` — (state, command, actor, facts) → events or a typed [`Refusal`] — and
//! `evolve`, which folds an event into a state.
//!
//! Refusals are checked in the order the API promises: visibility (404), permission (403),
//! values (422), then state and state-dependent guards (409).

pub mod arena;
pub mod assessment;
pub mod attachment;
pub mod challenge;
pub mod deadline;
pub mod error;
pub mod event;
pub mod figures;
pub mod history;
pub mod idea;
pub mod ids;
pub mod notify;
pub mod obstacle;
pub mod organisation;
pub mod password;
pub mod privacy;
pub mod report;
pub mod role;
pub mod site;
pub mod steps;
pub mod user;
pub mod validate;
pub mod webhook;

pub use error::{ConflictReason, FieldError, FieldProblem, ForbiddenReason, Refusal};
pub use ids::{ArenaId, ChallengeId, UserId};
pub use role::{Actor, Role, Roles};
