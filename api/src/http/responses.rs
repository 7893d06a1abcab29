//! Writing GraphQL responses: the media type the client asked for, and an
//! error `code` on every error.

use async_graphql::{BatchResponse, Response};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response as HttpResponse};

use crate::error::{ApiError, INTERNAL_MESSAGE, code};

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

/// Errors raised before resolvers run (syntax, validation, and input
/// coercion such as a malformed `Date` or a wrong enum value, which
/// async-graphql reports at the field as `Failed to parse "…"` or
/// `Expected input type "…"`, or a variable that was not sent) carry no
/// code from async-graphql; they are the client's input at fault. Every
/// resolver error carries its code (`ApiError`), so any other error
/// without one is unknown: `INTERNAL`, with its message in the log only.
pub(super) fn classify_errors(response: &mut Response) {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if is_input_error(error) {
            code::BAD_USER_INPUT
        } else {
            tracing::error!(error = %error.message, path = ?error.path, "uncoded error");
            error.message = INTERNAL_MESSAGE.to_owned();
            code::INTERNAL
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// How async-graphql words the input errors it raises at a field
/// (error.rs and context.rs of async-graphql 7.2).
const INPUT_ERRORS_AT_A_FIELD: [&str; 3] = [
    "Failed to parse \"",
    "Expected input type \"",
    "Invalid value for argument",
];

/// Whether an uncoded error is async-graphql's report of the client's
/// input: any error before execution (no path), or coercion at a field.
fn is_input_error(error: &async_graphql::ServerError) -> bool {
    let message = error.message.as_str();
    error.path.is_empty()
        || INPUT_ERRORS_AT_A_FIELD
            .iter()
            .any(|prefix| message.starts_with(prefix))
        || (message.starts_with("Variable ") && message.ends_with(" is not defined."))
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

/// A request-level error (bad token, unreadable body) in GraphQL shape.
pub(super) fn error(headers: &HeaderMap, status: StatusCode, err: &ApiError) -> HttpResponse {
    let body = serde_json::json!({
        "errors": [{
            "message": err.client_message(),
            "extensions": { "code": err.code() },
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
    if status == StatusCode::UNAUTHORIZED {
        // RFC 6750 §3: name the expected scheme and that the token failed.
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use async_graphql::{PathSegment, Pos, ServerError};

    use super::*;

    /// The code and message a client gets for `error`.
    fn classified(error: ServerError) -> (String, String) {
        let mut response = Response::from_errors(vec![error]);
        classify_errors(&mut response);
        let error = &response.errors[0];
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        (format!("{}", code.expect("a code")), error.message.clone())
    }

    fn at_field(message: &str) -> ServerError {
        let mut error = ServerError::new(message, Some(Pos { line: 1, column: 3 }));
        error.path = vec![PathSegment::Field("pledge".to_owned())];
        error
    }

    #[test]
    fn only_input_errors_are_bad_user_input_and_unknown_ones_are_internal() {
        // Syntax and validation: no path.
        let (code, _) = classified(ServerError::new("Unknown field \"x\"", None));
        assert_eq!(code, "\"BAD_USER_INPUT\"");
        // Input coercion at a field.
        for message in [
            "Failed to parse \"Date\": not a date",
            "Expected input type \"PledgeFilter\", found \"0683\".",
            "Variable $id is not defined.",
        ] {
            let (code, shown) = classified(at_field(message));
            assert_eq!(code, "\"BAD_USER_INPUT\"", "{message}");
            assert_eq!(shown, message);
        }
        // Anything else without a code is unknown: its text stays in the log.
        let (code, shown) = classified(at_field("Data `RequestContext` does not exist."));
        assert_eq!(
            (code.as_str(), shown.as_str()),
            ("\"INTERNAL\"", "internal error")
        );
        // A coded error keeps its code and message.
        let mut coded = at_field("not found");
        coded
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code::NOT_FOUND);
        assert_eq!(
            classified(coded),
            ("\"NOT_FOUND\"".to_owned(), "not found".to_owned())
        );
    }
}
