//! Credentials -> `Scope`. No Authorization header is anonymous. A header
//! that is present but does not verify is an error, never anonymous: that
//! would hide a broken client or an attack behind an empty-looking answer.

use std::collections::BTreeSet;

use axum::http::{HeaderMap, header};
use chrono::NaiveDate;
use domain::Role;
use sea_orm::DatabaseConnection;

use super::AppState;
use crate::auth::Claims;
use crate::error::{ApiError, ApiResult};
use crate::scope::Scope;
use crate::store::reference;

/// The caller's scope from the request's Authorization header.
pub(crate) async fn scope_for(
    state: &AppState,
    headers: &HeaderMap,
    today: NaiveDate,
) -> ApiResult<Scope> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Scope::anonymous());
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::Unauthenticated("expected \"Authorization: Bearer <token>\"".to_owned())
        })?;
    scope_for_token(state, token, today).await
}

/// The scope of a bearer token (also used for websocket connections).
pub(crate) async fn scope_for_token(
    state: &AppState,
    token: &str,
    today: NaiveDate,
) -> ApiResult<Scope> {
    let claims = state.verifier.verify(token).await?;
    scope_from_claims(&state.db, claims, today).await
}

/// Resolves the claims' codes to keys. Unknown roles and codes are
/// skipped: they grant nothing.
pub(crate) async fn scope_from_claims(
    db: &DatabaseConnection,
    claims: Claims,
    today: NaiveDate,
) -> ApiResult<Scope> {
    let roles: BTreeSet<Role> = claims
        .roles
        .iter()
        .filter_map(|r| Role::parse(r).ok())
        .collect();
    let municipalities: BTreeSet<_> =
        reference::municipality_ids_by_codes(db, &claims.municipalities)
            .await?
            .into_iter()
            .collect();
    let police_areas: BTreeSet<_> = reference::police_area_ids_by_codes(db, &claims.police_areas)
        .await?
        .into_iter()
        .collect();
    let area_list: Vec<_> = police_areas.iter().copied().collect();
    let policed: BTreeSet<_> = if area_list.is_empty() {
        BTreeSet::new()
    } else {
        reference::municipalities_covered_by(db, &area_list, today)
            .await?
            .into_values()
            .flatten()
            .map(|m| m.id)
            .collect()
    };
    Ok(Scope::for_caller(
        claims.sub,
        claims.name,
        roles,
        municipalities,
        police_areas,
        policed,
    ))
}
