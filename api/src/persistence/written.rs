//! What a write changes, in the groups of tables the read cache tells apart (ADR 0013).

/// A set of table groups. A cached answer names the groups it was read from, and a write
/// the groups it changed; the answer is dropped only by a write to one of its groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tables(u32);

impl Tables {
    /// Nothing.
    pub const NONE: Self = Self(0);
    /// Updates or deletions of `users` or `sessions`: they can end a session or change what
    /// its user may do and see. (A new account or session changes no answer.)
    pub const ACCOUNTS: Self = Self(1);
    /// `challenges` and its search index.
    pub const CHALLENGES: Self = Self(1 << 1);
    /// `ideas`.
    pub const IDEAS: Self = Self(1 << 2);
    /// `assignments`: who may see an idea.
    pub const ASSIGNMENTS: Self = Self(1 << 3);
    /// Every other table, and any statement not understood.
    pub const OTHER: Self = Self(1 << 4);
    /// `arenas`: named by the public list of challenges, which is kept while people write.
    pub const ARENAS: Self = Self(1 << 5);
    /// `organisations`: the registry names the owners and innovators of challenges and ideas.
    pub const ORGANISATIONS: Self = Self(1 << 6);
    /// Every group.
    pub const ALL: Self = Self((1 << Self::GROUPS) - 1);
    /// How many groups there are.
    pub const GROUPS: usize = 7;

    /// The set as bits, one per group.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// The set of `bits`, as [`bits`](Self::bits) gives them.
    pub const fn from_bits(bits: u32) -> Self {
        Self(bits & Self::ALL.0)
    }

    /// Both sets.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether this set holds every group of `other`.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The positions (0..GROUPS) of the groups in the set.
    pub fn positions(self) -> impl Iterator<Item = usize> {
        (0..Self::GROUPS).filter(move |i| self.0 & (1 << i) != 0)
    }

    /// The groups that `sql`, one statement or several joined by `;`, writes to. Reads and
    /// transaction control write nothing; a statement of any other shape counts as
    /// writing everything.
    pub fn written_by(sql: &str) -> Self {
        sql.split(';')
            .filter(|statement| !statement.trim().is_empty())
            .fold(Self::NONE, |set, statement| set.with(Self::written_by_one(statement)))
    }

    fn written_by_one(statement: &str) -> Self {
        let head: String = statement
            .trim_start()
            .chars()
            .take(96)
            .filter(|c| !matches!(c, '"' | '`'))
            .collect::<String>()
            .to_ascii_lowercase();
        let mut words = head.split_whitespace();
        let Some(verb) = words.next() else {
            return Self::NONE;
        };
        match verb {
            "select" | "savepoint" | "release" | "rollback" | "begin" | "commit" | "end" | "pragma" => Self::NONE,
            "insert" => {
                // INSERT [OR …] INTO table
                let mut words = words.skip_while(|w| *w != "into");
                words.next();
                words.next().map_or(Self::ALL, |table| Self::group_of(table, false))
            }
            "update" => {
                let Some(table) =
                    words.find(|w| !matches!(*w, "or" | "rollback" | "abort" | "replace" | "fail" | "ignore"))
                else {
                    return Self::ALL;
                };
                // When an account was last used is in no answer: a sign-in that writes it
                // down leaves every kept answer in place (ADR 0038).
                let rest: Vec<&str> = words.collect();
                if table == "users"
                    && matches!(rest.as_slice(), ["set", "last_active_at", "=", value, "where", ..] if !value.ends_with(','))
                {
                    return Self::NONE;
                }
                Self::group_of(table, true)
            }
            "delete" => match (words.next(), words.next()) {
                (Some("from"), Some(table)) => Self::group_of(table, true),
                _ => Self::ALL,
            },
            _ => Self::ALL,
        }
    }

    /// The group of `table` (a word that may run on into `(` or `.`); `changes_rows` is
    /// false for an insertion.
    fn group_of(table: &str, changes_rows: bool) -> Self {
        let name = table
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        match name {
            "users" | "sessions" if changes_rows => Self::ACCOUNTS,
            // A revoked personal token must stop at once, as an ended session does; a new
            // one is a token no cached caller holds.
            "api_tokens" if changes_rows => Self::ACCOUNTS,
            "api_tokens" => Self::NONE,
            // Two-factor rows are read only when signing in, never through the cache.
            "totp_secrets" | "recovery_codes" | "pending_sign_ins" => Self::NONE,
            // Read by nothing kept: a new session is a token no cached caller holds; failed
            // logins and stored answers of retries are read only to refuse or replay. A
            // login (or a flood of failed ones) then leaves the kept reports in place.
            "sessions" | "auth_failures" | "idempotency_keys" => Self::NONE,
            // The e-mails to send and the reset tokens are read only by the mail worker and
            // by the reset itself.
            "mail_outbox" | "password_resets" => Self::NONE,
            // Webhooks, their outbox and its attempts are read by the webhook endpoints
            // and the worker, never through the cache: the worker's writes, one per
            // attempt, leave every kept answer in place.
            "webhooks" | "webhook_deliveries" | "webhook_attempts" => Self::NONE,
            "challenges" | "challenges_fts" => Self::CHALLENGES,
            "ideas" | "ideas_fts" => Self::IDEAS,
            "organisations" => Self::ORGANISATIONS,
            "assignments" => Self::ASSIGNMENTS,
            "arenas" => Self::ARENAS,
            _ => Self::OTHER,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tables;

    #[test]
    fn updates_and_deletes_of_users_and_sessions_change_accounts() {
        for sql in [
            r#"UPDATE "users" SET "active" = $1 WHERE "users"."id" = $2"#,
            r#"DELETE FROM "sessions" WHERE "sessions"."token_hash" = ?"#,
            "  delete from users where id = ?",
            "UPDATE `sessions` SET expires_at = ?",
        ] {
            assert_eq!(Tables::written_by(sql), Tables::ACCOUNTS, "{sql}");
        }
    }

    #[test]
    fn a_new_account_is_among_the_other_tables_and_changes_no_account() {
        let sql = r#"INSERT INTO "users" ("id") VALUES (?) RETURNING *"#;
        assert_eq!(Tables::written_by(sql), Tables::OTHER, "{sql}");
    }

    #[test]
    fn writing_down_when_an_account_was_used_changes_nothing_kept() {
        let noted = r#"UPDATE "users" SET "last_active_at" = $1 WHERE "users"."id" = $2"#;
        assert_eq!(Tables::written_by(noted), Tables::NONE);
        for more in [
            r#"UPDATE "users" SET "last_active_at" = $1, "active" = $2 WHERE "users"."id" = $3"#,
            r#"UPDATE "users" SET "active" = $1, "last_active_at" = $2 WHERE "users"."id" = $3"#,
            r#"UPDATE "users" SET "last_active_at" = $1"#,
        ] {
            assert_eq!(Tables::written_by(more), Tables::ACCOUNTS, "{more}");
        }
    }

    #[test]
    fn new_sessions_failed_logins_and_stored_answers_change_nothing_kept() {
        for sql in [
            r#"INSERT INTO "sessions" ("token_hash") VALUES (?)"#,
            r#"INSERT INTO "auth_failures" ("key", "at") VALUES (?, ?)"#,
            r#"DELETE FROM "auth_failures" WHERE "key" = ?"#,
            r#"INSERT INTO "idempotency_keys" ("id") VALUES (?)"#,
            r#"UPDATE "idempotency_keys" SET "status" = ? WHERE "id" = ?"#,
            r#"DELETE FROM "idempotency_keys" WHERE "created_at" < ?"#,
        ] {
            assert_eq!(Tables::written_by(sql), Tables::NONE, "{sql}");
        }
    }

    #[test]
    fn the_mail_outbox_and_reset_tokens_change_nothing_kept() {
        for sql in [
            r#"INSERT INTO "mail_outbox" ("id") VALUES (?)"#,
            r#"UPDATE "mail_outbox" SET "attempts" = "attempts" + ? WHERE "id" = ?"#,
            r#"INSERT INTO "password_resets" ("token_hash") VALUES (?)"#,
            r#"UPDATE "password_resets" SET "used_at" = ? WHERE "token_hash" = ?"#,
        ] {
            assert_eq!(Tables::written_by(sql), Tables::NONE, "{sql}");
        }
    }

    #[test]
    fn webhooks_their_deliveries_and_attempts_change_nothing_kept() {
        for sql in [
            r#"INSERT INTO "webhooks" ("id", "url") VALUES (?, ?)"#,
            r#"DELETE FROM "webhooks" WHERE "webhooks"."id" = $1"#,
            r#"INSERT INTO "webhook_deliveries" ("id", "body") VALUES (?, ?)"#,
            r#"UPDATE "webhook_deliveries" SET "state" = ?, "attempts" = ? WHERE "id" = ?"#,
            r#"DELETE FROM "webhook_deliveries" WHERE "webhook_id" = ?"#,
            r#"INSERT INTO "webhook_attempts" ("id", "delivery_id") VALUES (?, ?)"#,
            r#"DELETE FROM "webhook_attempts" WHERE "delivery_id" IN (SELECT "id" FROM "webhook_deliveries")"#,
        ] {
            assert_eq!(Tables::written_by(sql), Tables::NONE, "{sql}");
        }
    }

    #[test]
    fn each_table_falls_in_its_group() {
        for (sql, group) in [
            (r#"INSERT INTO "ideas" ("id", "title") VALUES (?, ?)"#, Tables::IDEAS),
            (r#"UPDATE "ideas" SET "title" = ? WHERE "id" = ?"#, Tables::IDEAS),
            (r#"UPDATE "challenges" SET "state" = ?"#, Tables::CHALLENGES),
            (
                "INSERT INTO challenges_fts(challenge_id) VALUES (?)",
                Tables::CHALLENGES,
            ),
            (r#"DELETE FROM "assignments" WHERE "id" = ?"#, Tables::ASSIGNMENTS),
            (r#"UPDATE "arenas" SET "name" = ? WHERE "id" = ?"#, Tables::ARENAS),
            (r#"INSERT INTO "events" ("id") VALUES (?)"#, Tables::OTHER),
            (r#"UPDATE "users_archive" SET "x" = ?"#, Tables::OTHER),
            (r#"DELETE FROM "sessions_old""#, Tables::OTHER),
            ("INSERT OR IGNORE INTO funnel_days (arena_id) VALUES (?)", Tables::OTHER),
            (
                "INSERT INTO ideas(id) VALUES (?) ON CONFLICT (id) DO UPDATE SET title = ?",
                Tables::IDEAS,
            ),
        ] {
            assert_eq!(Tables::written_by(sql), group, "{sql}");
        }
    }

    #[test]
    fn reads_and_transaction_control_write_nothing() {
        for sql in [
            r#"SELECT "users"."id" FROM "users""#,
            "SAVEPOINT writer",
            "RELEASE writer",
            "ROLLBACK TO writer; RELEASE writer",
            "",
        ] {
            assert_eq!(Tables::written_by(sql), Tables::NONE, "{sql}");
        }
    }

    #[test]
    fn statements_run_as_one_write_every_group_they_name() {
        let sql = r#"SAVEPOINT writer;
INSERT INTO "events" ("id") VALUES (?);
INSERT INTO "ideas" ("id") VALUES (?);
UPDATE "challenges" SET "version" = ?"#;
        assert_eq!(
            Tables::written_by(sql),
            Tables::OTHER.with(Tables::IDEAS).with(Tables::CHALLENGES)
        );
    }

    #[test]
    fn a_statement_of_another_shape_writes_everything() {
        for sql in [
            "WITH gone AS (SELECT 1) DELETE FROM ideas",
            "REPLACE INTO ideas (id) VALUES (?)",
            "VACUUM",
        ] {
            assert_eq!(Tables::written_by(sql), Tables::ALL, "{sql}");
        }
    }
}
