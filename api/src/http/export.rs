//! `GET /export/follow-ups.csv` and `/export/follow-ups.ndjson`: one line
//! per commitment progress entry the caller may see, with the same filters
//! as `followUps` (`municipality`, `year`, `updatedSince`).
//!
//! CSV cells are spreadsheet-safe (`tabular`): text that would start a
//! formula is neutralised, numbers stay numbers; `?dialect=excel-sv` gives
//! the spelling Excel with Swedish settings opens. NDJSON keeps every text
//! exactly.
//!
//! Rows are streamed from the database (`Reader::follow_up_export`)
//! through a small bounded channel: a slow client holds the database
//! cursor back instead of the server buffering the export, so memory stays
//! flat however large it is.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::rate_limit::{self, ClientIp};
use super::{AppState, authenticate, responses};
use crate::error::ApiError;
use crate::store::follow_ups::{ExportRow, FollowUpFilter};
use crate::tabular::{self, Cell, Dialect};

/// Query-string filters, as `FollowUpFilter` spells them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct ExportParams {
    municipality: Option<String>,
    year: Option<i32>,
    updated_since: Option<String>,
    /// CSV only: `rfc4180` (the default) or `excel-sv`.
    dialect: Option<String>,
}

/// The columns, in order (documented in the README).
const COLUMNS: [&str; 20] = [
    "report_id",
    "pledge_id",
    "municipality_code",
    "municipality_name",
    "pledge_year",
    "pledge_title",
    "period_kind",
    "period_start",
    "period_end",
    "report_status",
    "commitment_id",
    "commitment_position",
    "commitment_text",
    "progress_status",
    "progress_percent",
    "actual_quantity",
    "target_quantity",
    "target_unit",
    "comment",
    "updated_at",
];

/// A client that reads nothing for this long loses its export (and its
/// database connection goes back to the pool).
const STALLED_CLIENT: std::time::Duration = std::time::Duration::from_secs(30);

/// Rows per chunk sent to the client.
const ROWS_PER_CHUNK: usize = 64;

#[derive(Debug, Clone, Copy)]
enum Format {
    Csv(Dialect),
    Ndjson,
}

pub(super) async fn csv(
    state: State<AppState>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let ip = ip.and_then(|Extension(ClientIp(ip))| ip);
    export(state, ip, headers, params, Format::Csv(Dialect::default())).await
}

pub(super) async fn ndjson(
    state: State<AppState>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let ip = ip.and_then(|Extension(ClientIp(ip))| ip);
    export(state, ip, headers, params, Format::Ndjson).await
}

async fn filter_from(state: &AppState, params: ExportParams) -> Result<FollowUpFilter, ApiError> {
    let municipality_id = match params.municipality {
        None => None,
        Some(raw) => Some(state.services.directory.current().municipality_key(&raw)?),
    };
    let updated_since = params
        .updated_since
        .map(|raw| {
            chrono::DateTime::parse_from_rfc3339(&raw)
                .map(|t| t.with_timezone(&chrono::Utc))
                .map_err(|_| ApiError::bad_input("updatedSince", "expected an RFC 3339 timestamp"))
        })
        .transpose()?;
    Ok(FollowUpFilter {
        municipality_id,
        year: params
            .year
            .map(domain::Year::parse)
            .transpose()?
            .map(|y| y.get()),
        updated_since,
        ..FollowUpFilter::default()
    })
}

fn csv_cells(row: &ExportRow) -> Vec<Cell> {
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

fn encode(format: Format, row: &ExportRow) -> Result<Vec<u8>, ApiError> {
    match format {
        Format::Csv(dialect) => tabular::csv_line(&csv_cells(row), dialect),
        Format::Ndjson => {
            let mut line = serde_json::to_vec(row).map_err(ApiError::internal)?;
            line.push(b'\n');
            Ok(line)
        }
    }
}

async fn export(
    State(state): State<AppState>,
    ip: Option<std::net::IpAddr>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, axum::extract::rejection::QueryRejection>,
    format: Format,
) -> Response {
    let today = crate::calendar::today();
    let scope = match authenticate::scope_for(&state, &headers, today).await {
        Ok(scope) => scope,
        Err(err) => return authenticate::refused(&state, &headers, &err),
    };
    if let Some(refused) = rate_limit::refusal_if_over(&state, &scope, ip, &headers) {
        return refused;
    }
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            let err = ApiError::BadUserInput {
                field: None,
                message: format!("bad query string: {}", rejection.body_text()),
            };
            return responses::error(&headers, StatusCode::BAD_REQUEST, &err);
        }
    };
    let format = match (format, params.dialect.as_deref()) {
        (Format::Csv(_), raw) => match Dialect::parse(raw) {
            Ok(dialect) => Format::Csv(dialect),
            Err(err) => return responses::error(&headers, StatusCode::BAD_REQUEST, &err),
        },
        (Format::Ndjson, Some(_)) => {
            let err = ApiError::bad_input("dialect", "a dialect applies to CSV only");
            return responses::error(&headers, StatusCode::BAD_REQUEST, &err);
        }
        (Format::Ndjson, None) => Format::Ndjson,
    };
    let filter = match filter_from(&state, params).await {
        Ok(filter) => filter,
        Err(err) => return responses::error(&headers, StatusCode::BAD_REQUEST, &err),
    };

    let Ok(permit) = state.services.exports.clone().try_acquire_owned() else {
        let err =
            ApiError::RateLimited("too many exports are running; try again shortly".to_owned());
        state.metrics.rejected("exports_busy");
        let mut response = responses::error(&headers, StatusCode::SERVICE_UNAVAILABLE, &err);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return response;
    };
    let reader = state.services.reader(Arc::new(scope));
    let exported = state.services.exported_rows.clone();
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        // Held until the export ends, however it ends.
        let _permit = permit;
        if let Format::Csv(dialect) = format {
            let Ok(header) = tabular::csv_header(&COLUMNS, dialect) else {
                return;
            };
            let head = [dialect.preamble(), &header].concat();
            if sender.send(Ok(Bytes::from(head))).await.is_err() {
                return;
            }
        }
        let mut rows = match reader.follow_up_export(&filter).await {
            Ok(rows) => rows,
            Err(_) => {
                let _ = sender
                    .send(Err(std::io::Error::other("export failed")))
                    .await;
                return;
            }
        };
        let mut chunk = Vec::new();
        let mut in_chunk = 0;
        while let Some(next) = rows.next().await {
            let line = next.and_then(|row| encode(format, &row));
            match line {
                Ok(line) => chunk.extend_from_slice(&line),
                Err(_) => {
                    // The client sees a broken download, never half a file
                    // that looks complete.
                    let _ = sender
                        .send(Err(std::io::Error::other("export failed")))
                        .await;
                    return;
                }
            }
            exported.fetch_add(1, Ordering::Relaxed);
            in_chunk += 1;
            if in_chunk == ROWS_PER_CHUNK {
                in_chunk = 0;
                let sent = tokio::time::timeout(
                    STALLED_CLIENT,
                    sender.send(Ok(Bytes::from(std::mem::take(&mut chunk)))),
                )
                .await;
                if !matches!(sent, Ok(Ok(()))) {
                    return; // the client went away or stopped reading
                }
            }
        }
        if !chunk.is_empty() {
            let _ = sender.send(Ok(Bytes::from(chunk))).await;
        }
    });

    let body = Body::from_stream(futures::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ));
    let (content_type, extension) = match format {
        Format::Csv(_) => ("text/csv; charset=utf-8; header=present", "csv"),
        Format::Ndjson => ("application/x-ndjson; charset=utf-8", "ndjson"),
    };
    let disposition = format!("attachment; filename=\"follow-ups.{extension}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}
