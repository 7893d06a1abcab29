//! What browsers are told: which other origins' pages may read the API's
//! answers (CORS, from `APP_CORS_ORIGINS`), and the safe defaults every
//! response carries unless its handler set its own (the dashboard sets a
//! stricter Content-Security-Policy for its page).

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::CorsOrigins;

/// The headers a page elsewhere may send and read: credentials are a
/// bearer token in `authorization`, never a cookie.
fn cors(origins: &CorsOrigins) -> CorsLayer {
    let allow = match origins {
        CorsOrigins::Any => AllowOrigin::any(),
        CorsOrigins::List(list) => AllowOrigin::list(
            // Each was checked to be an ASCII origin when read.
            list.iter().filter_map(|o| HeaderValue::from_str(o).ok()),
        ),
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            HeaderName::from_static("x-request-id"),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Wraps `router` in CORS and the default headers.
pub(super) fn protect(router: Router, origins: &CorsOrigins) -> Router {
    let defaults = [
        // Answers are what their content-type says, never sniffed.
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // No page of this API belongs in another site's frame.
        (header::X_FRAME_OPTIONS, "DENY"),
        // A link out of the dashboard tells nobody where it came from.
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    let mut router = router;
    for (name, value) in defaults {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ));
    }
    // Outside the defaults: a preflight is answered before any handler.
    router.layer(cors(origins))
}
