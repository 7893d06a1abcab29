//! `GET /export/{dataset}.{csv,xlsx,ndjson}`: the open datasets
//! (`open_data::Dataset`) as files, for the caller the request's token
//! names, with the filters of the matching GraphQL field; and the
//! dictionary and catalogue that describe them (`publication`).
//!
//! CSV cells are spreadsheet-safe (`tabular`): text that would start a
//! formula is neutralised, numbers stay numbers; `?dialect=excel-sv` gives
//! the spelling Excel with Swedish settings opens. NDJSON keeps every text
//! exactly. XLSX is built whole (`tabular::xlsx`) and so has a row limit.
//!
//! CSV and NDJSON are streamed through a small bounded channel, batch by
//! batch (`source`): a slow client holds the reading back instead of the
//! server buffering the export, so memory stays flat however large it is.
//! Anonymous downloads carry `ETag` and `Last-Modified` from the data
//! version, so a harvester asking again gets a cheap 304.

mod publication;
mod source;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::observe::Summary;
use super::rate_limit::{self, ClientIp};
use super::{AppState, authenticate, responses, validators};
use crate::error::ApiError;
use crate::graphql::context::RequestContext;
use crate::open_data::{Dataset, Format};
use crate::request_id::RequestId;
use crate::scope::Scope;
use crate::store::data_version;
use crate::store::follow_ups::FollowUpFilter;
use crate::tabular::{self, Cell, Dialect, xlsx};
use source::Source;

/// The routes under `/export/`, merged into the main router.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/dictionary.json", get(publication::dictionary_json))
        .route("/export/dictionary", get(publication::dictionary_page))
        .route("/export/catalog.ttl", get(publication::catalog))
        .route("/export/{file}", get(download))
}

/// The query string: the filters of every dataset, checked against the
/// ones the requested dataset takes (`Params::check`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct Params {
    municipality: Option<String>,
    police_area: Option<String>,
    police_district: Option<String>,
    police_region: Option<String>,
    county: Option<String>,
    year: Option<i32>,
    status: Option<String>,
    focus_area: Option<String>,
    updated_since: Option<String>,
    /// CSV only: `rfc4180` (the default) or `excel-sv`.
    dialect: Option<String>,
}

impl Params {
    /// The parameters given, by their query-string names.
    fn given(&self) -> Vec<&'static str> {
        [
            ("municipality", self.municipality.is_some()),
            ("policeArea", self.police_area.is_some()),
            ("policeDistrict", self.police_district.is_some()),
            ("policeRegion", self.police_region.is_some()),
            ("county", self.county.is_some()),
            ("year", self.year.is_some()),
            ("status", self.status.is_some()),
            ("focusArea", self.focus_area.is_some()),
            ("updatedSince", self.updated_since.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }

    /// Refuses a filter `dataset` does not take, naming the ones it does:
    /// a filter silently ignored would export more than was asked for.
    fn check(&self, dataset: Dataset) -> Result<(), ApiError> {
        let takes = filters(dataset);
        if let Some(wrong) = self.given().into_iter().find(|p| !takes.contains(p)) {
            return Err(ApiError::bad_input(
                wrong,
                format!(
                    "{} does not take {wrong}; it takes {}",
                    dataset.slug(),
                    takes.join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// The GraphQL variables of `dataset`'s document.
    fn variables(&self, dataset: Dataset) -> Value {
        let mut set = Map::new();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                set.insert(name.to_owned(), value);
            }
        };
        put("municipality", self.municipality.clone().map(Value::from));
        put("policeArea", self.police_area.clone().map(Value::from));
        put(
            "policeDistrict",
            self.police_district.clone().map(Value::from),
        );
        put("policeRegion", self.police_region.clone().map(Value::from));
        put("county", self.county.clone().map(Value::from));
        put("year", self.year.map(Value::from));
        put("status", self.status.clone().map(Value::from));
        put("focusArea", self.focus_area.clone().map(Value::from));
        if dataset == Dataset::RegionalComparison {
            Value::Object(set)
        } else {
            json!({ "filter": set })
        }
    }
}

/// The query-string filters each dataset takes: its GraphQL field's.
fn filters(dataset: Dataset) -> &'static [&'static str] {
    match dataset {
        Dataset::Pledges | Dataset::Commitments | Dataset::Activities => {
            &["municipality", "policeArea", "year", "status", "focusArea"]
        }
        Dataset::FollowUps => &["municipality", "year", "updatedSince"],
        Dataset::RegionalComparison => &[
            "year",
            "policeArea",
            "policeDistrict",
            "policeRegion",
            "county",
        ],
    }
}

/// A client that reads nothing for this long loses its export (and what
/// it held goes back to the pool).
const STALLED_CLIENT: std::time::Duration = std::time::Duration::from_secs(30);

/// Why a download was not served: the status and the error.
struct Refused(StatusCode, ApiError);

impl From<ApiError> for Refused {
    fn from(err: ApiError) -> Self {
        let status = match &err {
            ApiError::BadUserInput { .. } | ApiError::QueryTooComplex(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::RateLimited(_) | ApiError::ServiceUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Refused(status, err)
    }
}

/// `GET /export/{file}`.
async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ip: Option<Extension<ClientIp>>,
    Extension(request_id): Extension<RequestId>,
    headers: HeaderMap,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
    uri: axum::http::Uri,
) -> Response {
    // A dataset's own IRI in the catalogue (`/export/pledges#dataset`)
    // leads to its description.
    if let Some(dataset) = Dataset::parse(&file) {
        let to = format!("/export/dictionary#{}", dataset.slug());
        return axum::response::Redirect::to(&to).into_response();
    }
    let Some((dataset, format)) = file
        .rsplit_once('.')
        .and_then(|(slug, ext)| Some((Dataset::parse(slug)?, Format::parse(ext)?)))
    else {
        return responses::coded_error(
            &headers,
            StatusCode::NOT_FOUND,
            &format!("no such export: {file}; see /export/dictionary for the datasets and formats"),
            crate::error::code::NOT_FOUND,
        );
    };
    let today = crate::calendar::today();
    let scope = match authenticate::scope_for(&state, &headers, today).await {
        Ok(scope) => scope,
        Err(err) => return authenticate::refused(&state, &headers, &err),
    };
    let ip = ip.and_then(|Extension(ClientIp(ip))| ip);
    if let Some(refused) = rate_limit::refusal_if_over(&state, &scope, ip, &headers) {
        return refused;
    }
    let request = Download {
        dataset,
        format,
        today,
        query: uri.query().unwrap_or("").to_owned(),
    };
    let summary = Summary::new(Arc::from(format!("/export/{file}")), "OK", &scope);
    match serve(&state, request, scope, request_id, &headers, params).await {
        Ok(response) => summary.on(response),
        Err(Refused(status, err)) => responses::error(&headers, status, &err),
    }
}

/// What was asked for.
#[derive(Debug)]
struct Download {
    dataset: Dataset,
    format: Format,
    today: chrono::NaiveDate,
    /// The raw query string, for the validator.
    query: String,
}

async fn serve(
    state: &AppState,
    download: Download,
    scope: Scope,
    request_id: RequestId,
    headers: &HeaderMap,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Refused> {
    let Download {
        dataset, format, ..
    } = download;
    let mut params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => {
            return Err(ApiError::BadUserInput {
                field: None,
                message: format!("bad query string: {}", rejection.body_text()),
            }
            .into());
        }
    };
    params.check(dataset)?;
    // The comparison is of a year; without one, of this year, so that the
    // plain URL a catalogue lists is a useful file.
    if dataset == Dataset::RegionalComparison && params.year.is_none() {
        params.year = Some(chrono::Datelike::year(&download.today));
    }
    let dialect = match format {
        Format::Csv => Dialect::parse(params.dialect.as_deref())?,
        _ if params.dialect.is_some() => {
            return Err(ApiError::bad_input("dialect", "a dialect applies to CSV only").into());
        }
        _ => Dialect::default(),
    };

    // The public's downloads can be revalidated: same data, same file.
    let validator = if scope.caller().is_none() {
        let versions = data_version::current(&state.services.db).await?;
        let validator = Validator::of(&download, versions);
        if validator.is_fresh(headers) {
            return Ok(validator.on(StatusCode::NOT_MODIFIED.into_response()));
        }
        Some(validator)
    } else {
        None
    };

    let Ok(permit) = state.services.exports.clone().try_acquire_owned() else {
        state.metrics.rejected("exports_busy");
        let err =
            ApiError::RateLimited("too many exports are running; try again shortly".to_owned());
        let mut response = responses::error(headers, StatusCode::SERVICE_UNAVAILABLE, &err);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return Ok(response);
    };
    let mut source = match dataset {
        Dataset::FollowUps => {
            let filter = follow_up_filter(state, &params)?;
            let reader = state.services.reader(Arc::new(scope.clone()));
            Source::FollowUps(reader.follow_up_export(&filter).await?)
        }
        _ => {
            let context = RequestContext::new(&state.services, scope, download.today, request_id);
            Source::pages(state.clone(), context, dataset, params.variables(dataset))
        }
    };

    // The first batch is read before anything is sent, so that a bad
    // filter or an outage is a clear error rather than a broken file.
    let first = source.next_batch().await.transpose()?;
    let body = match format {
        Format::Xlsx => {
            let bytes = workbook(state, dataset, first, &mut source).await?;
            drop(permit);
            Body::from(bytes)
        }
        Format::Csv | Format::Ndjson => {
            let mut head = Vec::new();
            if format == Format::Csv {
                head.extend_from_slice(dialect.preamble());
                head.extend(tabular::csv_header(&dataset.header(), dialect)?);
            }
            let encoding = Encoding {
                dataset,
                format,
                dialect,
            };
            let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
            let exported = state.services.exported_rows.clone();
            tokio::spawn(async move {
                // Held until the export ends, however it ends.
                let _permit = permit;
                stream(encoding, head, first, source, sender, exported).await;
            });
            Body::from_stream(futures::stream::unfold(
                receiver,
                |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
            ))
        }
    };
    let content_type = match format {
        Format::Csv => "text/csv; charset=utf-8; header=present",
        Format::Ndjson => "application/x-ndjson; charset=utf-8",
        Format::Xlsx => Format::Xlsx.media_type(),
    };
    let disposition = format!(
        "attachment; filename=\"{}.{}\"",
        dataset.slug(),
        format.extension()
    );
    let mut response = (
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
        .into_response();
    response = match validator {
        Some(validator) => validator.on(response),
        // A signed-in caller's download is theirs alone.
        None => {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            response
        }
    };
    Ok(response)
}

/// How rows become bytes.
#[derive(Debug, Clone, Copy)]
struct Encoding {
    dataset: Dataset,
    format: Format,
    dialect: Dialect,
}

impl Encoding {
    fn line(self, cells: &[Cell]) -> Result<Vec<u8>, ApiError> {
        match self.format {
            Format::Ndjson => {
                tabular::json_line(self.dataset.columns().iter().map(|c| c.name), cells)
            }
            _ => tabular::csv_line(cells, self.dialect),
        }
    }
}

/// Sends `head`, then every batch, to `sender`, a batch per chunk.
async fn stream(
    encoding: Encoding,
    head: Vec<u8>,
    first: Option<Vec<Vec<Cell>>>,
    mut source: Source,
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    exported: Arc<std::sync::atomic::AtomicU64>,
) {
    let mut chunk = head;
    let mut batch = first;
    loop {
        for row in batch.iter().flatten() {
            match encoding.line(row) {
                Ok(line) => chunk.extend_from_slice(&line),
                Err(_) => {
                    // The client sees a broken download, never half a
                    // file that looks complete.
                    let _ = sender
                        .send(Err(std::io::Error::other("export failed")))
                        .await;
                    return;
                }
            }
            exported.fetch_add(1, Ordering::Relaxed);
        }
        if !chunk.is_empty() {
            let sent = tokio::time::timeout(
                STALLED_CLIENT,
                sender.send(Ok(Bytes::from(std::mem::take(&mut chunk)))),
            )
            .await;
            if !matches!(sent, Ok(Ok(()))) {
                return; // the client went away or stopped reading
            }
        }
        batch = match source.next_batch().await {
            None => return,
            Some(Ok(rows)) => Some(rows),
            Some(Err(_)) => {
                let _ = sender
                    .send(Err(std::io::Error::other("export failed")))
                    .await;
                return;
            }
        };
    }
}

/// The whole workbook, refused past `APP_XLSX_MAX_ROWS` rows.
async fn workbook(
    state: &AppState,
    dataset: Dataset,
    first: Option<Vec<Vec<Cell>>>,
    source: &mut Source,
) -> Result<Vec<u8>, ApiError> {
    let limit = state.settings.xlsx_max_rows;
    let mut sheet = xlsx::Sheet::new(dataset.slug(), &dataset.header())?;
    let mut batch = first;
    while let Some(rows) = batch {
        for row in &rows {
            if sheet.rows() >= limit {
                return Err(ApiError::QueryTooComplex(format!(
                    "the export has more than {limit} rows, the most an XLSX download holds; \
                     narrow it (e.g. ?municipality= or ?year=) or download CSV or NDJSON, which have no limit"
                )));
            }
            sheet.push(row)?;
        }
        state
            .services
            .exported_rows
            .fetch_add(rows.len() as u64, Ordering::Relaxed);
        batch = source.next_batch().await.transpose()?;
    }
    // Compressing the archive is CPU work: off the request threads.
    tokio::task::spawn_blocking(move || sheet.finish())
        .await
        .map_err(ApiError::internal)?
}

fn follow_up_filter(state: &AppState, params: &Params) -> Result<FollowUpFilter, ApiError> {
    let municipality_id = match &params.municipality {
        None => None,
        Some(raw) => Some(state.services.directory.current().municipality_key(raw)?),
    };
    let updated_since = params
        .updated_since
        .as_deref()
        .map(|raw| {
            chrono::DateTime::parse_from_rfc3339(raw)
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

/// The validators of an anonymous download: an ETag of what decides its
/// bytes (the file asked for, the data and reference versions, the day)
/// and the time of the last write.
#[derive(Debug)]
struct Validator {
    etag: HeaderValue,
    last_modified: Option<chrono::DateTime<chrono::Utc>>,
}

impl Validator {
    fn of(download: &Download, versions: data_version::Versions) -> Self {
        let key = format!(
            "{}.{}?{}|{}|{}|{}",
            download.dataset.slug(),
            download.format.extension(),
            download.query,
            versions.data,
            versions.reference,
            download.today
        );
        Self {
            etag: validators::etag(validators::fnv1a(key.as_bytes())),
            last_modified: versions.changed_at,
        }
    }

    /// Whether the client's copy is current: `If-None-Match` when sent,
    /// else `If-Modified-Since` (RFC 9110 §13.2.2).
    fn is_fresh(&self, request: &HeaderMap) -> bool {
        if request.contains_key(header::IF_NONE_MATCH) {
            return validators::is_fresh(request, &self.etag);
        }
        self.last_modified
            .is_some_and(|changed| validators::is_unmodified_since(request, changed))
    }

    /// `response` with the validators, public but revalidated.
    fn on(&self, mut response: Response) -> Response {
        let headers = response.headers_mut();
        validators::mark_public(headers, self.etag.clone());
        if let Some(value) = self.last_modified.and_then(validators::http_date) {
            headers.insert(header::LAST_MODIFIED, value);
        }
        headers.insert(header::VARY, HeaderValue::from_static("authorization"));
        response
    }
}
