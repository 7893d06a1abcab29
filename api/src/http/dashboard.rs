//! `GET /dashboard`: the public regional dashboard, a static page whose
//! script asks `POST /graphql` for `regionalComparison`, and its assets
//! (`/dashboard/*.js`, `.css`, `.svg`). Everything is compiled into the
//! binary, so the page works inside a municipal network with no access to
//! any CDN, and nothing here touches the database.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::validators;

/// One file of the dashboard, as served.
#[derive(Debug)]
struct Asset {
    body: &'static str,
    content_type: &'static str,
    /// A strong validator of `body`: the same bytes give the same tag on
    /// every instance of one build.
    etag: u64,
}

impl Asset {
    const fn new(body: &'static str, content_type: &'static str) -> Self {
        Self {
            body,
            content_type,
            etag: validators::fnv1a(body.as_bytes()),
        }
    }
}

static PAGE: Asset = Asset::new(
    include_str!("dashboard/index.html"),
    "text/html; charset=utf-8",
);
static SCRIPT: Asset = Asset::new(
    include_str!("dashboard/dashboard.js"),
    "text/javascript; charset=utf-8",
);
static ERROR_LOG: Asset = Asset::new(
    include_str!("dashboard/error-log.js"),
    "text/javascript; charset=utf-8",
);
static STYLESHEET: Asset = Asset::new(
    include_str!("dashboard/dashboard.css"),
    "text/css; charset=utf-8",
);
static ICON: Asset = Asset::new(include_str!("dashboard/icon.svg"), "image/svg+xml");

/// Only the API's own origin: scripts and styles from its files (no
/// inline code, so an injected string can never run), data from its
/// `/graphql`, and no framing by other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// The asset names are not versioned, so a browser must ask again before
/// reusing a copy: after a deploy the page and its script always match.
/// The ETag makes that question a small 304.
const CACHE_CONTROL: &str = "public, no-cache";

/// The dashboard's routes, merged into the main router.
pub(super) fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/dashboard", get(|h: HeaderMap| serve(&PAGE, h)))
        .route(
            "/dashboard/dashboard.js",
            get(|h: HeaderMap| serve(&SCRIPT, h)),
        )
        .route(
            "/dashboard/error-log.js",
            get(|h: HeaderMap| serve(&ERROR_LOG, h)),
        )
        .route(
            "/dashboard/dashboard.css",
            get(|h: HeaderMap| serve(&STYLESHEET, h)),
        )
        .route("/dashboard/icon.svg", get(|h: HeaderMap| serve(&ICON, h)))
}

async fn serve(asset: &'static Asset, request: HeaderMap) -> Response {
    let etag = validators::etag(asset.etag);
    let fresh = validators::is_fresh(&request, &etag);
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::ETAG, etag),
    ];
    if fresh {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else {
        (StatusCode::OK, headers, asset.body).into_response()
    }
}
