//! The rows of one download, batch by batch: follow-ups from a database
//! cursor (`Reader::follow_up_export`), every other dataset page by page
//! from its GraphQL document (`open_data::rows`) executed as the caller.
//! Either way only a batch is in memory at a time.

use async_graphql::{Request, Variables};
use futures::StreamExt;

use super::super::{AppState, graphql_handler};
use crate::error::{ApiError, code};
use crate::graphql::context::RequestContext;
use crate::open_data::{Dataset, rows};
use crate::store::follow_ups::{ExportRow, ExportRows};
use crate::tabular::Cell;

/// Follow-up rows per batch.
const FOLLOW_UPS_PER_BATCH: usize = 64;

/// Where the next rows come from.
pub(super) enum Source {
    FollowUps(ExportRows),
    Pages(Box<Pages>),
}

/// A dataset read page by page through its GraphQL document.
pub(super) struct Pages {
    state: AppState,
    context: RequestContext,
    dataset: Dataset,
    variables: serde_json::Value,
    /// The cursor of the next page (`Some(None)`: the first); `None` once
    /// the last is read.
    next: Option<Option<String>>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::FollowUps(_) => f.write_str("Source::FollowUps"),
            Source::Pages(pages) => write!(f, "Source::Pages({:?})", pages.dataset),
        }
    }
}

impl Source {
    /// A source paging `dataset` with `variables` for `context`'s caller.
    pub(super) fn pages(
        state: AppState,
        context: RequestContext,
        dataset: Dataset,
        variables: serde_json::Value,
    ) -> Self {
        Source::Pages(Box::new(Pages {
            state,
            context,
            dataset,
            variables,
            next: Some(None),
        }))
    }

    /// The next batch of rows; `None` when there are no more.
    pub(super) async fn next_batch(&mut self) -> Option<Result<Vec<Vec<Cell>>, ApiError>> {
        match self {
            Source::FollowUps(stream) => {
                let mut batch = Vec::new();
                while batch.len() < FOLLOW_UPS_PER_BATCH {
                    match stream.next().await {
                        Some(Ok(row)) => batch.push(follow_up_cells(&row)),
                        Some(Err(err)) => return Some(Err(err)),
                        None => break,
                    }
                }
                (!batch.is_empty()).then_some(Ok(batch))
            }
            Source::Pages(pages) => {
                let after = pages.next.take()?;
                let mut variables = pages.variables.clone();
                if let (Some(cursor), Some(map)) = (after, variables.as_object_mut()) {
                    map.insert("after".to_owned(), serde_json::Value::String(cursor));
                }
                let page = run_page(&pages.state, &pages.context, pages.dataset, variables).await;
                Some(page.map(|page| {
                    pages.next = page.next.map(Some);
                    page.rows
                }))
            }
        }
    }
}

/// Runs one page of `dataset`'s document.
async fn run_page(
    state: &AppState,
    context: &RequestContext,
    dataset: Dataset,
    variables: serde_json::Value,
) -> Result<rows::Page, ApiError> {
    let document = rows::document(dataset)
        .ok_or_else(|| ApiError::internal(format!("{dataset:?} has no document")))?;
    let request = Request::new(document)
        .variables(Variables::from_json(variables))
        .data(context.clone());
    let response = graphql_handler::in_turn(state, &state.graphql.exports, request).await;
    if let Some(first) = response.errors.first() {
        return Err(error_of(first));
    }
    let data = response.data.into_json().map_err(ApiError::internal)?;
    rows::page(dataset, &data).map_err(ApiError::internal)
}

/// The `ApiError` a GraphQL error of an export stands for: the caller's
/// own mistakes (a filter naming an unknown code) keep their code and
/// message; anything else is internal.
fn error_of(error: &async_graphql::ServerError) -> ApiError {
    let extension = |name: &str| match error.extensions.as_ref()?.get(name)? {
        async_graphql::Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let (found, field) = (extension("code"), extension("field"));
    match found.as_deref() {
        Some(code::BAD_USER_INPUT) => ApiError::BadUserInput {
            field,
            message: error.message.clone(),
        },
        Some(code::SERVICE_UNAVAILABLE) => ApiError::ServiceUnavailable(error.message.clone()),
        Some(code::QUERY_TOO_COMPLEX) => ApiError::QueryTooComplex(error.message.clone()),
        Some(code::RATE_LIMITED) => ApiError::RateLimited(error.message.clone()),
        _ => ApiError::internal(format!("export query failed: {}", error.message)),
    }
}

/// A follow-up export row in the dictionary's column order.
fn follow_up_cells(row: &ExportRow) -> Vec<Cell> {
    vec![
        Cell::Text(row.report_id.to_string()),
        Cell::Text(row.pledge_id.to_string()),
        Cell::Text(row.municipality_code.clone()),
        Cell::Text(row.municipality_name.clone()),
        Cell::Integer(row.pledge_year.into()),
        Cell::Text(row.pledge_title.clone()),
        Cell::Text(row.period_kind.clone()),
        Cell::Date(row.period_start),
        Cell::Date(row.period_end),
        Cell::Text(row.report_status.clone()),
        Cell::Text(row.commitment_id.to_string()),
        Cell::Integer(row.commitment_position.into()),
        Cell::Text(row.commitment_text.clone()),
        Cell::Text(row.progress_status.clone()),
        Cell::integer(row.progress_percent.map(i64::from)),
        Cell::decimal(row.actual_quantity),
        Cell::decimal(row.target_quantity),
        Cell::text(row.target_unit.as_deref()),
        Cell::text(row.comment.as_deref()),
        Cell::Timestamp(row.updated_at),
    ]
}
