//! Writing GraphQL responses: the media type the client asked for, the
//! status, and no `data` entry for request errors. (Every error's `code`
//! is given by `graphql::error_codes`, for every transport.)

use async_graphql::{BatchResponse, Response};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};

use crate::error::ApiError;

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media type: graphql-response+json when the client accepts
/// it, plain JSON otherwise (GraphQL over HTTP).
pub(super) fn media_type(headers: &HeaderMap) -> &'static str {
    let accepts = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accepts.contains(GRAPHQL_RESPONSE_JSON) {
        GRAPHQL_RESPONSE_JSON
    } else {
        "application/json"
    }
}

/// Whether a response is a request error: the operation never ran (no
/// data, and no error belongs to a field path), e.g. a syntax error, an
/// unknown field or a query over the limits.
pub(super) fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// The HTTP status of a GraphQL response. With
/// `application/graphql-response+json`, request errors are 400 (GraphQL
/// over HTTP); plain JSON clients always get 200.
pub(super) fn status_for(headers: &HeaderMap, request_error: bool) -> StatusCode {
    if request_error && media_type(headers) == GRAPHQL_RESPONSE_JSON {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    }
}

/// A finished answer as bytes, for the response cache.
pub(super) fn bytes(
    status: StatusCode,
    content_type: &'static str,
    body: bytes::Bytes,
) -> HttpResponse {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// A GraphQL response as an HTTP body. A request error (the operation
/// never ran) has no `data` entry at all, as the GraphQL spec says of an
/// error raised before execution; async-graphql always writes
/// `"data": null`, so the entry is taken out of those (rare) answers.
pub(super) fn body(response: &Response) -> serde_json::Result<Vec<u8>> {
    if !is_request_error(response) {
        return serde_json::to_vec(response);
    }
    let mut value = serde_json::to_value(response)?;
    if let Some(fields) = value.as_object_mut() {
        fields.remove("data");
    }
    serde_json::to_vec(&value)
}

/// `body` of each response of a batch, as a JSON array.
fn batch_body(batch: &BatchResponse) -> serde_json::Result<Vec<u8>> {
    let many = match batch {
        BatchResponse::Single(one) => return body(one),
        BatchResponse::Batch(many) => many,
    };
    let mut out = vec![b'['];
    for (n, one) in many.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend(body(one)?);
    }
    out.push(b']');
    Ok(out)
}

pub(super) fn graphql(
    headers: &HeaderMap,
    status: StatusCode,
    response: &BatchResponse,
) -> HttpResponse {
    match batch_body(response) {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(media_type(headers)),
            )],
            body,
        )
            .into_response(),
        Err(err) => error(
            headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            &ApiError::internal(err),
        ),
    }
}

/// The code of a request-level error answer, on the response.
#[derive(Debug, Clone, Copy)]
pub(super) struct ErrorCode(pub(super) &'static str);

/// A request-level error (bad token, unreadable body) in GraphQL shape.
/// A bad input names its field in `extensions.field`, as in GraphQL.
pub(super) fn error(headers: &HeaderMap, status: StatusCode, err: &ApiError) -> HttpResponse {
    let field = match err {
        ApiError::BadUserInput { field, .. } => field.as_deref(),
        _ => None,
    };
    error_with_field(headers, status, &err.client_message(), err.code(), field)
}

/// A request-level error with its message and code.
pub(super) fn coded_error(
    headers: &HeaderMap,
    status: StatusCode,
    message: &str,
    code: &'static str,
) -> HttpResponse {
    error_with_field(headers, status, message, code, None)
}

fn error_with_field(
    headers: &HeaderMap,
    status: StatusCode,
    message: &str,
    code: &'static str,
    field: Option<&str>,
) -> HttpResponse {
    let mut extensions = serde_json::json!({ "code": code });
    if let Some(field) = field {
        extensions["field"] = serde_json::Value::from(field);
    }
    let body = serde_json::json!({
        "errors": [{
            "message": message,
            "extensions": extensions,
        }]
    });
    let mut response = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(media_type(headers)),
        )],
        body.to_string(),
    )
        .into_response();
    // For the request log and metrics (`observe`).
    response.extensions_mut().insert(ErrorCode(code));
    if status == StatusCode::UNAUTHORIZED {
        // RFC 6750 §3: name the expected scheme and that the token failed.
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}
