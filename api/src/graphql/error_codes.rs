//! Every error a client gets has a code (API.md "Errors"). Resolver errors
//! carry theirs (`ApiError`); async-graphql's own reports of bad input do
//! not, and anything else without one is a leak waiting to happen. This is
//! applied to every response, over HTTP and the websocket, by `Limited`.

use async_graphql::Response;

use crate::error::{INTERNAL_MESSAGE, code};

/// Errors raised before resolvers run (syntax, validation, and input
/// coercion such as a malformed `Date` or a wrong enum value, which
/// async-graphql reports at the field as `Failed to parse "…"` or
/// `Expected input type "…"`, or a variable that was not sent) carry no
/// code from async-graphql; they are the client's input at fault. Every
/// resolver error carries its code (`ApiError`), so any other error
/// without one is unknown: `INTERNAL`, with its message in the log only.
pub(crate) fn classify_errors(response: &mut Response) {
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
