//! The organisation registry (SPEC §12), expanded beside the free text it replaces.
//!
//! Expand: the `organisations` table, and nullable `organisation_id` on users and
//! challenges and `host_organisation_id` on tests. Migrate: each distinct organisation a
//! user typed (trimmed, compared without case) becomes an organisation of kind `other`,
//! linked from its users and from the challenges they own; each test's free-text host is
//! linked the same way. The free-text columns stay, still shown, until every reader uses
//! the ids; a later migration contracts them (ADR 0017).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Statement, Value};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Kind,
    OrgNumber,
    Website,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    OrganisationId,
}

#[derive(DeriveIden)]
enum Challenges {
    Table,
    OrganisationId,
}

#[derive(DeriveIden)]
enum IdeaTests {
    Table,
    HostOrganisationId,
}

const BY_ORG_NUMBER: &str = "idx_organisations_org_number";
const USERS_BY_ORGANISATION: &str = "idx_users_organisation_id";
const CHALLENGES_BY_ORGANISATION: &str = "idx_challenges_organisation_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(uuid(Organisations::Id).primary_key())
                    .col(string_len(Organisations::Name, 200))
                    .col(string_len(Organisations::Kind, 30))
                    .col(string_len_null(Organisations::OrgNumber, 11))
                    .col(string_len_null(Organisations::Website, 300))
                    .col(big_integer(Organisations::Version).default(1))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .col(timestamp_with_time_zone(Organisations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // One organisation per organisationsnummer (NULLs do not collide).
        manager
            .create_index(
                Index::create()
                    .name(BY_ORG_NUMBER)
                    .table(Organisations::Table)
                    .col(Organisations::OrgNumber)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds one at a time. No foreign keys: SQLite
        // cannot add one to an existing table, and organisations are never deleted.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(uuid_null(Users::OrganisationId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .add_column(uuid_null(Challenges::OrganisationId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(IdeaTests::Table)
                    .add_column(uuid_null(IdeaTests::HostOrganisationId))
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (USERS_BY_ORGANISATION, "users", "organisation_id"),
            (CHALLENGES_BY_ORGANISATION, "challenges", "organisation_id"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new(table))
                        .col(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        link_free_text(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (USERS_BY_ORGANISATION, "users"),
            (CHALLENGES_BY_ORGANISATION, "challenges"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(IdeaTests::Table)
                    .drop_column(IdeaTests::HostOrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Challenges::Table)
                    .drop_column(Challenges::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Organisations::Table).to_owned())
            .await
    }
}

/// The migrate step: registers every distinct free-text organisation (of users and of
/// test hosts; trimmed, compared without case) and links the rows that named it. Rows are
/// updated per spelling, so the statements are as many as the distinct names.
async fn link_free_text(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let mut spellings: Vec<(&str, &str, &str, String)> = Vec::new();
    for (table, column, text) in [
        ("users", "organisation_id", "organisation"),
        ("idea_tests", "host_organisation_id", "host"),
    ] {
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT DISTINCT {text} AS name FROM {table} WHERE {text} IS NOT NULL"),
            ))
            .await?;
        for row in rows {
            spellings.push((table, column, text, row.try_get("", "name")?));
        }
    }
    let now = chrono::Utc::now();
    let mut registered: HashMap<String, uuid::Uuid> = HashMap::new();
    for (table, column, text, spelling) in spellings {
        let name = spelling.trim();
        if name.is_empty() {
            continue;
        }
        let key = name.to_lowercase();
        let id = match registered.get(&key) {
            Some(id) => *id,
            None => {
                let id = uuid::Uuid::now_v7();
                db.execute_raw(Statement::from_sql_and_values(
                    backend,
                    insert_sql(backend),
                    [
                        Value::from(id),
                        Value::from(name.chars().take(200).collect::<String>()),
                        Value::from(now),
                        Value::from(now),
                    ],
                ))
                .await?;
                registered.insert(key, id);
                id
            }
        };
        let sql = format!(
            "UPDATE {table} SET {column} = {} WHERE {text} = {}",
            p(backend, 1),
            p(backend, 2)
        );
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [Value::from(id), Value::from(spelling.clone())],
        ))
        .await?;
    }
    // A challenge is owned on behalf of its owner's organisation.
    db.execute_unprepared(
        "UPDATE challenges SET organisation_id = \
         (SELECT u.organisation_id FROM users u WHERE u.id = challenges.owner_id) \
         WHERE organisation_id IS NULL",
    )
    .await?;
    Ok(())
}

/// The `n`th placeholder of `backend`.
fn p(backend: sea_orm::DbBackend, n: usize) -> String {
    match backend {
        sea_orm::DbBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}

fn insert_sql(backend: sea_orm::DbBackend) -> String {
    format!(
        "INSERT INTO organisations (id, name, kind, version, created_at, updated_at) \
         VALUES ({}, {}, 'other', 1, {}, {})",
        p(backend, 1),
        p(backend, 2),
        p(backend, 3),
        p(backend, 4),
    )
}
