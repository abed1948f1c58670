//! Webhooks (SPEC §11.3): the hooks facilitators register, and the delivery outbox. A
//! delivery row is written in the transaction of the event it carries, with the body it
//! sends (the resource at that moment), so none is lost and none is sent for a command that
//! rolled back; each attempt to send it is kept for the delivery log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Events,
    Secret,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    EventId,
    EventType,
    SubjectType,
    SubjectId,
    Body,
    State,
    Attempts,
    NextAttemptAt,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    AttemptedAt,
    StatusCode,
    Error,
}

const DUE: &str = "idx_webhook_deliveries_state_next";
const BY_SUBJECT: &str = "idx_webhook_deliveries_hook_subject";
const BY_HOOK: &str = "idx_webhook_deliveries_hook_id";
const BY_DELIVERY: &str = "idx_webhook_attempts_delivery";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(uuid(Webhooks::Id).primary_key())
                    .col(string_len(Webhooks::Url, 2000))
                    .col(text(Webhooks::Events))
                    .col(string_len(Webhooks::Secret, 100))
                    .col(uuid(Webhooks::CreatedBy))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Webhooks::Table, Webhooks::CreatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(uuid(WebhookDeliveries::Id).primary_key())
                    .col(uuid(WebhookDeliveries::WebhookId))
                    .col(uuid(WebhookDeliveries::EventId))
                    .col(string_len(WebhookDeliveries::EventType, 60))
                    .col(string_len(WebhookDeliveries::SubjectType, 20))
                    .col(uuid(WebhookDeliveries::SubjectId))
                    .col(text(WebhookDeliveries::Body))
                    .col(string_len(WebhookDeliveries::State, 20))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // The worker's question: the pending deliveries that are due.
        manager
            .create_index(
                Index::create()
                    .name(DUE)
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::State)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        // Order per subject: is an earlier delivery of the same hook and subject pending?
        manager
            .create_index(
                Index::create()
                    .name(BY_SUBJECT)
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::SubjectId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        // The delivery log of one hook, newest first (ids are time-ordered UUIDv7).
        manager
            .create_index(
                Index::create()
                    .name(BY_HOOK)
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(uuid(WebhookAttempts::Id).primary_key())
                    .col(uuid(WebhookAttempts::DeliveryId))
                    .col(timestamp_with_time_zone(WebhookAttempts::AttemptedAt))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(string_len_null(WebhookAttempts::Error, 300))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookAttempts::Table, WebhookAttempts::DeliveryId)
                            .to(WebhookDeliveries::Table, WebhookDeliveries::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_DELIVERY)
                    .table(WebhookAttempts::Table)
                    .col(WebhookAttempts::DeliveryId)
                    .col(WebhookAttempts::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookAttempts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await
    }
}
