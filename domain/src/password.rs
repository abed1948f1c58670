//! The password policy: 15..=128 characters and not among the most common passwords.
//!
//! The list is Django's `common-passwords.txt` (19,640 passwords compiled by Royce
//! Williams, BSD-3-Clause), bundled at build time; see `docs/adr/0003-password-policy.md`.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::error::{FieldError, FieldProblem};

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 15;
/// Most characters a password may have (bounds the hashing cost).
pub const MAX_CHARS: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// Number of passwords in the bundled list.
pub fn common_password_count() -> usize {
    COMMON.len()
}

/// Checks a new password against the policy.
pub fn check(field: &str, password: &str) -> Result<(), FieldError> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(FieldError::new(field, FieldProblem::TooShort { min: MIN_CHARS }));
    }
    if chars > MAX_CHARS {
        return Err(FieldError::new(field, FieldProblem::TooLong { max: MAX_CHARS }));
    }
    if COMMON.contains(password.to_lowercase().as_str()) {
        return Err(FieldError::new(field, FieldProblem::CommonPassword));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_list_holds_at_least_ten_thousand_passwords() {
        assert!(common_password_count() >= 10_000);
    }

    #[test]
    fn accepts_a_long_uncommon_passphrase() {
        assert!(check("password", "lock gates lift ideas slowly").is_ok());
    }

    #[test]
    fn refuses_fourteen_characters() {
        assert!(check("password", "abcdefghijklmn").is_err());
    }

    #[test]
    fn refuses_more_than_128_characters() {
        assert!(check("password", &"x".repeat(129)).is_err());
        assert!(check("password", &"xy".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_a_common_password_whatever_its_case() {
        let common = COMMON
            .iter()
            .find(|p| p.chars().count() >= MIN_CHARS && p.chars().any(|c| c.is_alphabetic()))
            .copied()
            .unwrap_or("1234567890123456");
        let shouted = common.to_uppercase();
        let error = check("password", &shouted).unwrap_err();
        assert_eq!(error.problem, FieldProblem::CommonPassword);
        assert_eq!(error.message(), "is too common; choose another");
    }
}
