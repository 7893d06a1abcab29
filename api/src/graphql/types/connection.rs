//! Relay cursor connections (`edges { cursor node }`, `nodes`, `pageInfo`,
//! `totalCount`), one generic shape for every list. `totalCount` is counted
//! only when a client asks for it, with the same filter and scope as the
//! page.

use async_graphql::{Context, Object, SimpleObject};

use crate::error::ApiResult;
use crate::graphql::context::request;
use crate::store::audit::AuditFilter;
use crate::store::follow_ups::FollowUpFilter;
use crate::store::pledges::PledgeFilter;

use super::audit_entry::AuditEntry;
use super::follow_up::FollowUpReport;
use super::pledge::Pledge;

/// Default and largest page size of list fields.
pub const DEFAULT_PAGE: u64 = 20;
pub const MAX_PAGE: u64 = 100;

/// Where a page stands in the whole list.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// Whether more items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page (true when `after` was given).
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// What `totalCount` counts: the list's filter, under the caller's scope.
#[derive(Debug, Clone)]
pub enum Total {
    Pledges(PledgeFilter),
    Audit(AuditFilter),
    FollowUps(FollowUpFilter),
}

impl Total {
    async fn count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        let rc = request(ctx)?;
        Ok(match self {
            Total::Pledges(filter) => rc.reader.pledge_count(filter).await?,
            Total::Audit(filter) => rc.reader.audit_count(filter).await?,
            Total::FollowUps(filter) => rc.reader.follow_up_count(filter).await?,
        })
    }
}

/// Defines `$conn` (a page) and `$edge` (an item with its cursor) for
/// items of type `$node`. A macro rather than generics: async-graphql
/// needs a concrete type per GraphQL name.
macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("One ", $what, " with its cursor.")]
        #[derive(SimpleObject, Debug, Clone)]
        pub struct $edge {
            /// Opaque position of this item, for `after`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = concat!("One page of ", $what, " entries.")]
        #[derive(Debug)]
        pub struct $conn {
            edges: Vec<$edge>,
            page_info: PageInfo,
            total: Total,
        }

        impl $conn {
            /// A page of `items` (cursor, item).
            pub fn new(
                items: Vec<(String, $node)>,
                has_next_page: bool,
                has_previous_page: bool,
                total: Total,
            ) -> Self {
                let edges: Vec<$edge> = items
                    .into_iter()
                    .map(|(cursor, node)| $edge { cursor, node })
                    .collect();
                let page_info = PageInfo {
                    has_next_page,
                    has_previous_page,
                    start_cursor: edges.first().map(|e| e.cursor.clone()),
                    end_cursor: edges.last().map(|e| e.cursor.clone()),
                };
                Self {
                    edges,
                    page_info,
                    total,
                }
            }
        }

        #[doc = concat!("One page of ", $what, " entries.")]
        #[Object]
        impl $conn {
            /// The items of this page with their cursors.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The items of this page.
            async fn nodes(&self) -> Vec<$node> {
                self.edges.iter().map(|e| e.node.clone()).collect()
            }

            /// Paging state.
            async fn page_info(&self) -> &PageInfo {
                &self.page_info
            }

            /// How many items match the filter for this caller, across all pages.
            async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
                self.total.count(ctx).await
            }
        }
    };
}

connection!(PledgeConnection, PledgeEdge, Pledge, "pledge");
connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntry,
    "audit entry"
);
connection!(
    FollowUpConnection,
    FollowUpEdge,
    FollowUpReport,
    "follow-up report"
);
