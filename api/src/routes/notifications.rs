//! The caller's inbox: what happened that concerns them (SPEC §11.2).

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use uuid::Uuid;

use super::{ApiResult, ApiTags};
use crate::app::inbox as app;
use crate::auth::Caller;
use crate::state::AppState;
use crate::views::notifications::{MarkedRead, Notification, NotificationPage};

/// The inbox.
pub struct NotificationsApi {
    /// Shared state.
    pub state: AppState,
}

#[OpenApi(tag = "ApiTags::Notifications")]
impl NotificationsApi {
    /// The caller's notifications, newest first.
    #[oai(path = "/notifications", method = "get", operation_id = "list_notifications")]
    async fn list_notifications(
        &self,
        caller: Caller,
        /// `true`: only those not yet read.
        unread: Query<Option<bool>>,
        /// Page size, 1..200 (default 50).
        limit: Query<Option<u32>>,
        /// The `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<NotificationPage>> {
        let unread_only = unread.0.unwrap_or(false);
        Ok(Json(
            app::list(&self.state, caller.actor(), unread_only, limit.0, cursor.0.as_deref()).await?,
        ))
    }

    /// Mark one of the caller's notifications read; marking it again keeps the first time.
    #[oai(
        path = "/notifications/:id/read",
        method = "post",
        operation_id = "read_notification"
    )]
    async fn read_notification(&self, caller: Caller, id: Path<Uuid>) -> ApiResult<Json<Notification>> {
        Ok(Json(app::mark_read(&self.state, caller.actor(), id.0).await?))
    }

    /// Mark every unread notification of the caller read.
    #[oai(
        path = "/notifications/read-all",
        method = "post",
        operation_id = "read_all_notifications"
    )]
    async fn read_all_notifications(&self, caller: Caller) -> ApiResult<Json<MarkedRead>> {
        Ok(Json(app::mark_all_read(&self.state, caller.actor()).await?))
    }
}
