//! What the use cases answer with: the documented response types of the JSON API, which
//! the HTML face renders too. One file per area; each type converts from its stored row.

pub mod accounts;
pub mod api_tokens;
pub mod arenas;
pub mod assessment;
pub mod attachments;
pub mod challenges;
pub mod events;
pub mod ideas;
pub mod invitations;
pub mod notifications;
pub mod obstacles;
pub mod open_data;
pub mod organisations;
pub mod people;
pub mod privacy;
pub mod questions;
pub mod reports;
pub mod results;
pub mod site;
pub mod steps;
pub mod users;
pub mod webhooks;
pub mod workbook;

/// Declares the page type of a list: `items` and the opaque `next_cursor`.
macro_rules! list_page {
    ($name:ident, $item:ty) => {
        /// A page of a list.
        #[derive(Debug, poem_openapi::Object)]
        pub struct $name {
            /// The items of this page.
            pub items: Vec<$item>,
            /// Pass as `cursor` to get the next page; absent on the last page.
            pub next_cursor: Option<String>,
        }

        impl From<$crate::views::ListPage<$item>> for $name {
            fn from(page: $crate::views::ListPage<$item>) -> Self {
                Self {
                    items: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    };
}
pub(crate) use list_page;

/// The parts of a page, before they take their documented type.
#[derive(Debug)]
pub struct ListPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page.
    pub next_cursor: Option<String>,
}
