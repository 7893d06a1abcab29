//! Answering anonymous queries: from the response cache while the data
//! version is unchanged, otherwise computed and kept (see `response_cache`
//! for why a cached answer is never stale).

use std::sync::Arc;

use async_graphql::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::NaiveDate;

use super::graphql_handler::in_turn;
use super::observe::{Summary, operation_label, outcome_of};
use super::response_cache::{Entry, Key};
use super::{AppState, responses, validators};
use crate::graphql::context::RequestContext;
use crate::graphql::public_version::VersionSlot;
use crate::request_id::RequestId;
use crate::scope::Scope;
use crate::store::data_version::{self, Versions};
use crate::store::directory::Reference;

/// The answer to an anonymous query; `get`: it came as an HTTP GET, so
/// HTTP caches may keep it (`ETag`, `Cache-Control`, 304 on
/// `If-None-Match`).
pub(super) async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    today: NaiveDate,
    request_id: RequestId,
    request: Request,
    get: bool,
) -> Response {
    let db = &state.services.db;
    let cache = &state.services.responses;
    let content_type = responses::media_type(headers);
    let key = Key {
        query: request.query.clone(),
        operation_name: request.operation_name.clone(),
        variables: serde_json::to_string(&request.variables).unwrap_or_default(),
        today,
        graphql_response_json: content_type != "application/json",
    };
    // A hit needs an entry and an unchanged version (one small statement).
    let mut known = None;
    if cache.peek(&key).is_some()
        && let Ok(versions) = data_version::current(db).await
    {
        if let Some(hit) = cache.get(&key, versions.data) {
            let answer = cacheable(headers, &hit, get);
            return Summary::new(hit.operation.clone(), "OK", &Scope::anonymous()).on(answer);
        }
        known = Some(versions);
    }
    let mut reference = match known {
        Some(v) => state.services.directory.at_least(db, v.reference).await,
        None => Ok(state.services.directory.current()),
    }
    .unwrap_or_else(|_| state.services.directory.current());
    let mut request = request;
    let operation = operation_label(&mut request);
    let variables = request.variables.clone();
    let (mut response, mut versions) =
        run(state, request, today, &request_id, reference.clone(), known).await;
    // The snapshot answered from was older than the reference data the
    // version row announces (changed by another instance): answer again
    // from a fresh one. Rare: reference data changes seldom.
    if let Some(v) = versions
        && v.reference > reference.version()
        && let Ok(fresh) = state.services.directory.at_least(db, v.reference).await
    {
        let mut again = Request::new(key.query.clone()).variables(variables);
        if let Some(name) = &key.operation_name {
            again = again.operation_name(name.clone());
        }
        reference = fresh;
        (response, versions) = run(state, again, today, &request_id, reference, Some(v)).await;
    }
    let status = responses::status_for(headers, responses::is_request_error(&response));
    let summary = Summary::new(
        operation.clone(),
        outcome_of(&response),
        &Scope::anonymous(),
    );
    let body = match responses::body(&response) {
        Ok(body) => Bytes::from(body),
        Err(err) => {
            return summary.on(responses::error(
                headers,
                StatusCode::INTERNAL_SERVER_ERROR,
                &crate::error::ApiError::internal(err),
            ));
        }
    };
    // Only clean answers are kept: an error may be passing (a database
    // hiccup) and must not outlive its cause. Without a version (the
    // request never reached its resolvers) nothing can be vouched for.
    if let Some(v) = versions
        && response.errors.is_empty()
    {
        let entry = Entry {
            version: v.data,
            status,
            content_type,
            etag: validators::fnv1a(&body),
            body,
            operation,
        };
        let answer = cacheable(headers, &entry, get);
        cache.put(key, entry);
        return summary.on(answer);
    }
    let mut answer = responses::bytes(status, content_type, body);
    // An error may be passing: no cache keeps it.
    answer
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    summary.on(answer)
}

/// A clean public answer: for a GET, with its ETag and the rule that a
/// cache may keep it but must ask again before each use (a 304 when it
/// is unchanged: the data version moves with every write). It varies by
/// `Accept` (the media type) and `Authorization` (a signed-in caller gets
/// another answer from the same URL).
fn cacheable(request: &HeaderMap, entry: &Entry, get: bool) -> Response {
    let mut answer = responses::bytes(entry.status, entry.content_type, entry.body.clone());
    if !get {
        return answer;
    }
    let etag = validators::etag(entry.etag);
    if validators::is_fresh(request, &etag) {
        answer = StatusCode::NOT_MODIFIED.into_response();
    }
    let headers = answer.headers_mut();
    validators::mark_public(headers, etag);
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept, authorization"),
    );
    answer
}

/// Executes `request` anonymously from `reference`; the data version read
/// before its resolvers ran (`known`, when already read).
async fn run(
    state: &AppState,
    request: Request,
    today: NaiveDate,
    request_id: &RequestId,
    reference: Arc<Reference>,
    known: Option<Versions>,
) -> (async_graphql::Response, Option<Versions>) {
    let context = RequestContext::with_reference(
        &state.services,
        Scope::anonymous(),
        today,
        request_id.clone(),
        reference,
    );
    let slot = Arc::new(VersionSlot::new(context.reader.clone(), known));
    let request = request.data(context).data(slot.clone());
    let response = in_turn(state, &state.graphql.cached, request).await;
    (response, slot.versions())
}
