//! What describes the downloads: `/export/dictionary.json` and the page
//! `/export/dictionary` (every column of every dataset, and the licence),
//! and `/export/catalog.ttl` (the DCAT-AP-SE catalogue harvesters read).
//! Nothing here reads the database: all of it follows from the program
//! and the `APP_OPEN_DATA_*` settings.

use std::fmt::Write as _;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::super::{AppState, responses, validators};
use crate::error::ApiError;
use crate::open_data::{Dataset, Format, catalog, dictionary};

/// Same bytes, same tag: these change only with a deploy or a setting.
fn cacheable(request: &HeaderMap, content_type: &'static str, body: String) -> Response {
    let etag = validators::etag(validators::fnv1a(body.as_bytes()));
    let mut response = if validators::is_fresh(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body,
        )
            .into_response()
    };
    validators::mark_public(response.headers_mut(), etag);
    response
}

/// `GET /export/dictionary.json`.
pub(super) async fn dictionary_json(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let dictionary = dictionary::json(&state.settings.publication);
    match serde_json::to_string_pretty(&dictionary) {
        Ok(body) => cacheable(&headers, "application/json", body),
        Err(err) => responses::error(
            &headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &ApiError::internal(err),
        ),
    }
}

/// `GET /export/dictionary`: the same as a page people read.
pub(super) async fn dictionary_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = cacheable(
        &headers,
        "text/html; charset=utf-8",
        page(&state.settings.publication),
    );
    // No script, no styles from elsewhere: the page is text and links.
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    );
    response
}

/// `GET /export/catalog.ttl`.
pub(super) async fn catalog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(base) = base_url(&state, &headers) else {
        let err = ApiError::BadUserInput {
            field: None,
            message:
                "the catalogue needs the server's address: send a Host header or set APP_PUBLIC_URL"
                    .to_owned(),
        };
        return responses::error(&headers, StatusCode::BAD_REQUEST, &err);
    };
    match catalog::turtle(&state.settings.publication, &base) {
        Ok(body) => cacheable(&headers, "text/turtle; charset=utf-8", body),
        Err(err) => responses::error(&headers, StatusCode::INTERNAL_SERVER_ERROR, &err),
    }
}

/// `APP_PUBLIC_URL`, else `http://` and the request's `Host` when it is a
/// plain host name or address (it goes into IRIs).
fn base_url(state: &AppState, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = &state.settings.publication.public_url {
        return Some(url.trim_end_matches('/').to_owned());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    plain.then(|| format!("http://{host}"))
}

/// Text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The dictionary page, in Swedish with the English beside it.
fn page(publication: &crate::open_data::Publication) -> String {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Datakatalog – medborgarlöften</title>\n\
         <style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.4}\
         table{border-collapse:collapse;width:100%;margin-bottom:2rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
         th{background:#f2f2f2}code{font-size:.95em}.en{color:#555}</style>\n</head>\n<body>\n\
         <h1>Datakatalog – medborgarlöften <span class=\"en\">(data dictionary)</span></h1>\n",
    );
    let license = escape(&publication.license);
    let _ = write!(
        html,
        "<p>Licens / licence: <a href=\"{license}\">{}</a>. \
         Utgivare / publisher: {}. \
         Maskinläsbart / machine-readable: <a href=\"/export/dictionary.json\">dictionary.json</a>, \
         <a href=\"/export/catalog.ttl\">catalog.ttl</a> (DCAT-AP-SE).</p>\n\
         <p>Listor skrivs i CSV och XLSX med <code>{}</code> mellan värdena, i NDJSON som JSON-listor. \
         CSV med <code>?dialect=excel-sv</code> öppnas rätt i Excel med svenska inställningar. \
         <span class=\"en\">Lists are joined by <code>{}</code> in CSV and XLSX and are JSON arrays in NDJSON; \
         add <code>?dialect=excel-sv</code> to a CSV link for Excel with Swedish settings.</span></p>\n",
        escape(publication.license_name()),
        escape(&publication.publisher_name),
        escape(dictionary::LIST_SEPARATOR),
        escape(dictionary::LIST_SEPARATOR),
    );
    for dataset in Dataset::ALL {
        let (title_sv, title_en) = dataset.title();
        let (description_sv, description_en) = dataset.description();
        let _ = write!(
            html,
            "<h2 id=\"{slug}\">{} <span class=\"en\">({})</span></h2>\n<p>{}<br><span class=\"en\">{}</span></p>\n<p>",
            escape(title_sv),
            escape(title_en),
            escape(description_sv),
            escape(description_en),
            slug = dataset.slug(),
        );
        for (i, format) in Format::ALL.into_iter().enumerate() {
            let file = format!("{}.{}", dataset.slug(), format.extension());
            let _ = write!(
                html,
                "{}<a href=\"/export/{file}\">{file}</a>",
                if i > 0 { " · " } else { "" }
            );
        }
        html.push_str("</p>\n<table>\n<tr><th>Kolumn</th><th>Typ</th><th>Betydelse</th><th class=\"en\">Meaning</th><th>Värden / values</th></tr>\n");
        for column in dataset.columns() {
            let values = column.values.values();
            let values = if values.is_empty() {
                column.values.reference().map(escape).unwrap_or_default()
            } else {
                values
                    .iter()
                    .map(|v| format!("<code>{v}</code>"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let kind = serde_json::to_value(column.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                html,
                "<tr><td><code>{}</code></td><td>{kind}</td><td>{}</td><td class=\"en\">{}</td><td>{values}</td></tr>",
                column.name,
                escape(column.sv),
                escape(column.en),
            );
        }
        html.push_str("</table>\n");
    }
    html.push_str("<p><a href=\"/dashboard\">Regional jämförelse / regional dashboard</a></p>\n</body>\n</html>\n");
    html
}
