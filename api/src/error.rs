//! The one error type of the API and its codes (API.md "Errors").
//!
//! `ApiError` deliberately has no `Display`, and async-graphql is built with
//! `custom-error-conversion`, which removes its blanket conversion of any
//! `Display` error into a client-visible message (how database messages
//! leak). So a `?` on a `DbErr`, an `anyhow::Error` or a `DomainError` in a
//! resolver does not compile unless it goes through `ApiError`; the only
//! way out is the explicit `From<ApiError>` below, and internal errors
//! become "internal error" there after being logged. Resolvers return
//! `ApiResult` (subscription roots `Result<_, ApiError>`, the spelling
//! async-graphql's macro recognises), never `async_graphql::Result`.

use async_graphql::ErrorExtensions;
use domain::DomainError;

/// The error codes of API.md, as they appear in `extensions.code`.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const INVALID_STATE: &str = "INVALID_STATE";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";

    /// Every code.
    pub const ALL: [&str; 10] = [
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        CONFLICT,
        INVALID_STATE,
        QUERY_TOO_COMPLEX,
        RATE_LIMITED,
        SERVICE_UNAVAILABLE,
        INTERNAL,
    ];
}

/// What a client is told of an internal error (the detail is logged).
pub const INTERNAL_MESSAGE: &str = "internal error";

/// Everything that can go wrong in a request, as the client may learn it.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// No valid credentials where they are needed, or a bad token.
    Unauthenticated(String),
    /// The caller may see the thing but not do this to it.
    Forbidden(String),
    /// The thing does not exist, or not for this caller.
    NotFound,
    /// The input is wrong; `field` names the input field when one is at fault.
    BadUserInput {
        field: Option<String>,
        message: String,
    },
    /// The entity is in a state where the action is not allowed.
    InvalidState(String),
    /// `expectedVersion` is stale: someone else changed the entity first.
    Conflict { current_version: i32 },
    /// The query is deeper, costlier or wider than the configured limits.
    QueryTooComplex(String),
    /// Too many requests of this kind right now; try again later.
    RateLimited(String),
    /// The database cannot be reached (down, restarting, out of
    /// connections) or the request took too long; it may succeed when
    /// retried later.
    ServiceUnavailable(String),
    /// A bug or an outage. The detail goes to the log, never to the client.
    Internal(String),
}

impl ApiError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::BadUserInput {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Logs `detail` with the current span (which carries the request id) and
    /// returns the opaque internal error.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        ApiError::Internal(detail.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => code::UNAUTHENTICATED,
            ApiError::Forbidden(_) => code::FORBIDDEN,
            ApiError::NotFound => code::NOT_FOUND,
            ApiError::BadUserInput { .. } => code::BAD_USER_INPUT,
            ApiError::InvalidState(_) => code::INVALID_STATE,
            ApiError::Conflict { .. } => code::CONFLICT,
            ApiError::QueryTooComplex(_) => code::QUERY_TOO_COMPLEX,
            ApiError::RateLimited(_) => code::RATE_LIMITED,
            ApiError::ServiceUnavailable(_) => code::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => code::INTERNAL,
        }
    }

    /// The message a client may see.
    pub fn client_message(&self) -> String {
        match self {
            ApiError::Unauthenticated(m)
            | ApiError::Forbidden(m)
            | ApiError::InvalidState(m)
            | ApiError::QueryTooComplex(m)
            | ApiError::RateLimited(m)
            | ApiError::ServiceUnavailable(m) => m.clone(),
            ApiError::Conflict { current_version } => format!(
                "the entity was changed by someone else; it is now at version {current_version}"
            ),
            ApiError::NotFound => "not found".to_owned(),
            ApiError::BadUserInput { message, .. } => message.clone(),
            ApiError::Internal(_) => INTERNAL_MESSAGE.to_owned(),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        async_graphql::Error::new(err.client_message()).extend_with(|_, ext| {
            ext.set("code", err.code());
            match &err {
                ApiError::BadUserInput {
                    field: Some(field), ..
                } => ext.set("field", field.as_str()),
                ApiError::Conflict { current_version } => {
                    ext.set("currentVersion", *current_version)
                }
                _ => {}
            }
        })
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { field, message } => ApiError::bad_input(field, message),
            DomainError::InvalidState(message) => ApiError::InvalidState(message),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    /// An unreachable database is an outage the client may wait out
    /// (`SERVICE_UNAVAILABLE`); anything else the database says is a bug
    /// (`INTERNAL`). Either way its message stays in the log.
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::db::is_unavailable(&err) {
            tracing::warn!(error = %err, "the database is unavailable");
            ApiError::ServiceUnavailable(
                "the database is unavailable; try again shortly".to_owned(),
            )
        } else {
            ApiError::internal(err)
        }
    }
}

/// Result of everything below the GraphQL layer.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn extensions(err: ApiError) -> (String, serde_json::Value) {
        let gql: async_graphql::Error = err.into();
        let ext = serde_json::to_value(&gql.extensions).expect("extensions serialize");
        (gql.message, ext)
    }

    #[test]
    fn every_code_reaches_the_client_as_extensions_code() {
        let cases = [
            (
                ApiError::Unauthenticated("no".into()),
                code::UNAUTHENTICATED,
            ),
            (ApiError::Forbidden("no".into()), code::FORBIDDEN),
            (ApiError::NotFound, code::NOT_FOUND),
            (
                ApiError::bad_input("first", "too big"),
                code::BAD_USER_INPUT,
            ),
            (ApiError::InvalidState("signed".into()), code::INVALID_STATE),
            (ApiError::Conflict { current_version: 3 }, code::CONFLICT),
            (
                ApiError::QueryTooComplex("deep".into()),
                code::QUERY_TOO_COMPLEX,
            ),
            (
                ApiError::ServiceUnavailable("later".into()),
                code::SERVICE_UNAVAILABLE,
            ),
            (ApiError::Internal("boom".into()), code::INTERNAL),
        ];
        for (err, expected) in cases {
            let (_, ext) = extensions(err);
            assert_eq!(ext["code"], expected);
        }
    }

    #[test]
    fn bad_user_input_names_the_field() {
        let (message, ext) = extensions(ApiError::bad_input("first", "must be 1..=100"));
        assert_eq!(message, "must be 1..=100");
        assert_eq!(ext["field"], "first");
    }

    #[test]
    fn conflict_carries_the_current_version() {
        let (_, ext) = extensions(ApiError::Conflict { current_version: 7 });
        assert_eq!(ext["currentVersion"], 7);
    }

    /// Whether `async_graphql::Error: From<T>`, decided at compile time
    /// (method resolution on a `&Probe<T>` prefers the impl on `Probe<T>`,
    /// which exists only when the conversion does, over the fallback on
    /// `&Probe<T>`, reached only by one more auto-reference).
    struct Probe<T>(std::marker::PhantomData<T>);
    trait Converts {
        fn converts(&self) -> bool {
            true
        }
    }
    impl<T> Converts for Probe<T> where async_graphql::Error: From<T> {}
    trait DoesNotConvert {
        fn converts(&self) -> bool {
            false
        }
    }
    impl<T> DoesNotConvert for &Probe<T> {}

    macro_rules! converts {
        ($t:ty) => {
            (&Probe::<$t>(std::marker::PhantomData)).converts()
        };
    }

    #[test]
    fn only_api_errors_become_graphql_errors_so_a_leak_does_not_compile() {
        // A resolver's `?` converts into async_graphql::Error: from these
        // it cannot, so their messages can never reach a client directly.
        assert!(
            !converts!(sea_orm::DbErr),
            "DbErr converts to a client message"
        );
        assert!(!converts!(anyhow::Error));
        assert!(!converts!(DomainError));
        assert!(!converts!(std::io::Error));
        // The way that exists: through ApiError, which hides internals.
        assert!(converts!(ApiError));
    }

    #[test]
    fn database_errors_never_reach_the_client() {
        let db = sea_orm::DbErr::Custom("relation \"pledges\" violates constraint xyz".into());
        let (message, ext) = extensions(ApiError::from(db));
        assert_eq!(message, "internal error");
        assert_eq!(ext["code"], code::INTERNAL);
        assert!(!ext.to_string().contains("pledges"));
    }

    #[test]
    fn an_unreachable_database_is_service_unavailable_and_says_nothing_of_itself() {
        let refused = std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connect to 10.0.0.7:5432 refused",
        );
        let unreachable = [
            sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
            sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(
                sea_orm::sqlx::Error::Io(refused),
            ))),
        ];
        for db in unreachable {
            let (message, ext) = extensions(ApiError::from(db));
            assert_eq!(ext["code"], code::SERVICE_UNAVAILABLE);
            assert!(!message.contains("10.0.0.7"), "{message}");
        }
        // A database that answers with an error is not an outage.
        let (_, ext) = extensions(ApiError::from(sea_orm::DbErr::Custom("x".into())));
        assert_eq!(ext["code"], code::INTERNAL);
    }

    #[test]
    fn domain_errors_map_to_input_and_state_codes() {
        let invalid = domain::MunicipalityCode::parse("12").expect_err("invalid");
        let (_, ext) = extensions(ApiError::from(invalid));
        assert_eq!(ext["code"], code::BAD_USER_INPUT);
        assert_eq!(ext["field"], "municipality");
        let state = domain::DomainError::InvalidState("frozen".into());
        let (_, ext) = extensions(ApiError::from(state));
        assert_eq!(ext["code"], code::INVALID_STATE);
    }
}
