//! Raw SQL that runs on both engines. The hand-written queries use `?` placeholders, which
//! SQLite reads as they are and PostgreSQL wants numbered.

use sea_orm::{DbBackend, Statement, Value};

/// `sql` with its `?` placeholders numbered for PostgreSQL.
pub fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                if c == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(c);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgresql_only() {
        let values = vec![Value::from(1i64), Value::from(2i64)];
        let pg = statement(DbBackend::Postgres, "a = ? AND b = ?", values.clone());
        assert_eq!(pg.sql, "a = $1 AND b = $2");
        let lite = statement(DbBackend::Sqlite, "a = ? AND b = ?", values);
        assert_eq!(lite.sql, "a = ? AND b = ?");
    }
}
