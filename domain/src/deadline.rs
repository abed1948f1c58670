//! Deadlines that act (SPEC §17, ADR 0040): when an assignment is due and when its
//! assessor is reminded, and when an arena opens or closes by itself. Days are the city's
//! (Stockholm's); the caller says which day it is.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::arena::{ArenaCommand, ArenaState};
use crate::assessment::AssignmentState;
use crate::error::{FieldProblem, Refusal};

/// How many days before its due date an assessor is reminded.
pub const DAYS_BEFORE: i64 = 2;

/// Checks a new assignment's due date: none, or today or later.
pub fn check_due_on(due_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), Refusal> {
    match due_on {
        Some(day) if day < today => Err(Refusal::invalid("due_on", FieldProblem::BeforeToday)),
        _ => Ok(()),
    }
}

/// A reminder of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The scorecard is due within two days.
    Due,
    /// The due date has passed.
    Overdue,
}

/// Whether an assignment in `state`, due `due_on`, is overdue on `today`: still waiting for
/// its scorecard after its due date.
pub fn is_overdue(state: AssignmentState, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    state == AssignmentState::Assigned && due_on.is_some_and(|day| day < today)
}

/// The reminder an assignment is owed on `today`, if any: from two days before its due date
/// until that date the "due" one, from the day after the "overdue" one; each once (`sent`
/// says which went out), and none once the scorecard is in or a conflict was declared. An
/// assignment first seen after its due date gets only the overdue one.
pub fn reminder(
    state: AssignmentState,
    due_on: Option<NaiveDate>,
    today: NaiveDate,
    (due_sent, overdue_sent): (bool, bool),
) -> Option<Reminder> {
    let due_on = due_on?;
    if state != AssignmentState::Assigned {
        return None;
    }
    if today > due_on {
        (!overdue_sent).then_some(Reminder::Overdue)
    } else if today >= due_on - Duration::days(DAYS_BEFORE) {
        (!due_sent).then_some(Reminder::Due)
    } else {
        None
    }
}

/// What an arena in `state` with this period does by itself at `now`: open once its start
/// has passed, close once its end has. A planned arena whose end has passed too opens now
/// and closes at the next look.
pub fn arena_command(
    state: ArenaState,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<ArenaCommand> {
    match state {
        ArenaState::Planned if starts_at.is_some_and(|at| at <= now) => Some(ArenaCommand::Open),
        ArenaState::Open if ends_at.is_some_and(|at| at <= now) => Some(ArenaCommand::Close),
        ArenaState::Planned | ArenaState::Open | ArenaState::Closed => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap()
    }

    #[test]
    fn a_due_date_from_today_on_is_allowed() {
        assert_eq!(check_due_on(None, day(10)), Ok(()));
        assert_eq!(check_due_on(Some(day(10)), day(10)), Ok(()));
        assert_eq!(check_due_on(Some(day(11)), day(10)), Ok(()));
    }

    #[test]
    fn a_due_date_before_today_is_refused() {
        assert_eq!(
            check_due_on(Some(day(9)), day(10)),
            Err(Refusal::invalid("due_on", FieldProblem::BeforeToday))
        );
    }

    #[test]
    fn the_due_reminder_comes_two_days_before_and_once() {
        let a = AssignmentState::Assigned;
        assert_eq!(reminder(a, Some(day(10)), day(7), (false, false)), None);
        assert_eq!(reminder(a, Some(day(10)), day(8), (false, false)), Some(Reminder::Due));
        assert_eq!(reminder(a, Some(day(10)), day(10), (false, false)), Some(Reminder::Due));
        assert_eq!(reminder(a, Some(day(10)), day(8), (true, false)), None);
    }

    #[test]
    fn the_overdue_reminder_comes_the_day_after_and_once() {
        let a = AssignmentState::Assigned;
        assert_eq!(
            reminder(a, Some(day(10)), day(11), (true, false)),
            Some(Reminder::Overdue)
        );
        assert_eq!(
            reminder(a, Some(day(10)), day(12), (false, false)),
            Some(Reminder::Overdue)
        );
        assert_eq!(reminder(a, Some(day(10)), day(11), (true, true)), None);
    }

    #[test]
    fn no_reminder_without_a_due_date_or_once_scored_or_conflicted() {
        assert_eq!(reminder(AssignmentState::Assigned, None, day(11), (false, false)), None);
        for state in [AssignmentState::Submitted, AssignmentState::ConflictDeclared] {
            assert_eq!(reminder(state, Some(day(10)), day(9), (false, false)), None);
            assert_eq!(reminder(state, Some(day(10)), day(11), (false, false)), None);
        }
    }

    #[test]
    fn overdue_is_waiting_after_the_due_date() {
        assert!(!is_overdue(AssignmentState::Assigned, Some(day(10)), day(10)));
        assert!(is_overdue(AssignmentState::Assigned, Some(day(10)), day(11)));
        assert!(!is_overdue(AssignmentState::Submitted, Some(day(10)), day(11)));
        assert!(!is_overdue(AssignmentState::Assigned, None, day(11)));
    }

    #[test]
    fn arenas_open_and_close_at_their_times() {
        let start = DateTime::parse_from_rfc3339("2027-03-10T09:00:00Z").unwrap().to_utc();
        let end = start + Duration::hours(8);
        let before = start - Duration::seconds(1);
        assert_eq!(arena_command(ArenaState::Planned, Some(start), Some(end), before), None);
        assert_eq!(
            arena_command(ArenaState::Planned, Some(start), Some(end), start),
            Some(ArenaCommand::Open)
        );
        assert_eq!(arena_command(ArenaState::Open, Some(start), Some(end), start), None);
        assert_eq!(
            arena_command(ArenaState::Open, Some(start), Some(end), end),
            Some(ArenaCommand::Close)
        );
        assert_eq!(arena_command(ArenaState::Closed, Some(start), Some(end), end), None);
        assert_eq!(arena_command(ArenaState::Planned, None, None, end), None);
        assert_eq!(arena_command(ArenaState::Open, Some(start), None, end), None);
    }
}
