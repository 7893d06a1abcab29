//! Credentials -> `Scope`. No Authorization header is anonymous. A header
//! that is present but does not verify is an error, never anonymous: that
//! would hide a broken client or an attack behind an empty-looking answer.

use std::collections::BTreeSet;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDate;
use domain::Role;

use super::{AppState, responses};
use crate::auth::Claims;
use crate::error::{ApiError, ApiResult};
use crate::scope::Scope;
use crate::store::data_version;
use crate::store::directory::Reference;

/// The caller's scope from the request's Authorization header.
pub(crate) async fn scope_for(
    state: &AppState,
    headers: &HeaderMap,
    today: NaiveDate,
) -> ApiResult<Scope> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Scope::anonymous());
    };
    let token = value.to_str().ok().and_then(bearer_token).ok_or_else(|| {
        ApiError::Unauthenticated("expected \"Authorization: Bearer <token>\"".to_owned())
    })?;
    scope_for_token(state, token, today).await
}

/// The token of `Bearer <token>`; the scheme is case-insensitive
/// (RFC 7235 §2.1).
pub(crate) fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The scope of a bearer token.
pub(crate) async fn scope_for_token(
    state: &AppState,
    token: &str,
    today: NaiveDate,
) -> ApiResult<Scope> {
    Ok(scope_and_expiry(state, token, today).await?.0)
}

/// The scope of a bearer token and when the token expires (seconds since
/// the epoch); long-lived websocket connections end then.
pub(crate) async fn scope_and_expiry(
    state: &AppState,
    token: &str,
    today: NaiveDate,
) -> ApiResult<(Scope, u64)> {
    let claims = state.verifier.verify(token).await?;
    let expires = claims.exp;
    // A caller's reach follows the reference data (which municipalities a
    // police area covers, and when): resolve it against the newest
    // snapshot, whichever replica changed it, not the one this process
    // last heard of. One small statement, like the public cache's check.
    let db = &state.services.db;
    let versions = data_version::current(db).await?;
    let reference = state
        .services
        .directory
        .at_least(db, versions.reference)
        .await?;
    Ok((scope_from_claims(&reference, claims, today), expires))
}

/// The answer to a request whose caller could not be established: 401 for
/// bad credentials, 503 while the database is unreachable.
pub(super) fn refused(state: &AppState, headers: &HeaderMap, err: &ApiError) -> Response {
    let status = match err {
        ApiError::Unauthenticated(_) => {
            state.metrics.rejected("unauthenticated");
            StatusCode::UNAUTHORIZED
        }
        ApiError::ServiceUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    responses::error(headers, status, err)
}

/// Resolves the claims' codes to keys through the in-memory directory (no
/// SQL). Unknown roles and codes are skipped: they grant nothing.
pub(crate) fn scope_from_claims(directory: &Reference, claims: Claims, today: NaiveDate) -> Scope {
    let roles: BTreeSet<Role> = claims
        .roles
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect();
    let municipalities = directory.municipality_ids(&claims.municipalities);
    let police_areas = directory.police_area_ids(&claims.police_areas);
    let policed = directory.covered_by(&police_areas, today);
    Scope::for_caller(
        claims.sub,
        claims.name,
        roles,
        municipalities,
        police_areas,
        policed,
    )
}
