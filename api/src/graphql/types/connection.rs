//! Relay cursor connections (`edges { cursor node }`, `nodes`, `pageInfo`,
//! `totalCount`). `totalCount` is counted only when a client asks for it.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::graphql::context::request;
use crate::ids::YearCursor;
use crate::store::pledges::{self, PledgeFilter};

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

/// A pledge with its cursor.
#[derive(SimpleObject, Debug, Clone)]
pub struct PledgeEdge {
    /// Opaque position of this item, for `after`.
    pub cursor: String,
    /// The pledge.
    pub node: Pledge,
}

/// One page of pledges.
#[derive(Debug)]
pub struct PledgeConnection {
    pub(crate) edges: Vec<PledgeEdge>,
    pub(crate) page_info: PageInfo,
    pub(crate) filter: PledgeFilter,
}

impl PledgeConnection {
    pub(crate) fn new(
        rows: Vec<crate::store::entities::pledge::Model>,
        has_next_page: bool,
        has_previous_page: bool,
        filter: PledgeFilter,
    ) -> Self {
        let edges: Vec<PledgeEdge> = rows
            .into_iter()
            .map(|row| PledgeEdge {
                cursor: YearCursor {
                    year: row.year,
                    id: row.id,
                }
                .encode(),
                node: Pledge(row),
            })
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
            filter,
        }
    }
}

/// One page of pledges.
#[Object]
impl PledgeConnection {
    /// The items of this page with their cursors.
    async fn edges(&self) -> &[PledgeEdge] {
        &self.edges
    }

    /// The items of this page.
    async fn nodes(&self) -> Vec<Pledge> {
        self.edges.iter().map(|e| e.node.clone()).collect()
    }

    /// Paging state.
    async fn page_info(&self) -> &PageInfo {
        &self.page_info
    }

    /// How many pledges match the filter for this caller, across all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<u64> {
        let rc = request(ctx)?;
        Ok(pledges::count(&rc.db, &rc.scope, &self.filter).await?)
    }
}
