//! Query limits, checked before any resolver (and any SQL) runs: depth,
//! complexity (one per field, list fields times their page size) and
//! aliases. Over a limit is `QUERY_TOO_COMPLEX`.
//!
//! Depth and aliases are counted on the parsed document before execution;
//! complexity, which needs the schema's field costs, is async-graphql's
//! own check during validation (`limited` sets it on the schema).
//! `Limited` runs every request through both and gives the refusals their
//! code and a message with the limit. It is an executor wrapper rather than an async-graphql
//! extension on purpose: any extension at all makes async-graphql resolve
//! every field through its extension chain, which cost about a tenth of
//! the CPU of a page of pledges.

use std::sync::Arc;

use async_graphql::futures_util::stream::{BoxStream, StreamExt};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Data, Executor, ObjectType, Request, Response, SchemaBuilder, ServerError, SubscriptionType,
};

use super::AppSchema;
use super::error_codes::classify_errors;
use crate::config::QueryLimits;
use crate::error::code;

/// The schema `builder` with the complexity limit set.
pub(super) fn limited<Q, M, S>(
    builder: SchemaBuilder<Q, M, S>,
    limits: QueryLimits,
) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    builder.limit_complexity(limits.complexity)
}

/// async-graphql's message for its complexity limit (validation/mod.rs).
const TOO_COMPLEX: &str = "Query is too complex.";

/// A schema whose requests are held to the query limits, and refused
/// introspection when it is turned off.
#[derive(Clone)]
pub struct Limited {
    schema: AppSchema,
    limits: QueryLimits,
    introspection: bool,
}

impl std::fmt::Debug for Limited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limited")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Limited {
    /// `schema`, built with `limited(…, limits)`; `introspection`: whether
    /// `__schema` and `__type` are answered.
    pub(super) fn new(schema: AppSchema, limits: QueryLimits, introspection: bool) -> Self {
        Self {
            schema,
            limits,
            introspection,
        }
    }

    /// The refusal of a request nested too deep or with too many aliases,
    /// if it is one. A document that does not parse is left to execution,
    /// which reports the syntax error; the parsed document is kept for it.
    fn refuse(&self, request: &mut Request) -> Option<Response> {
        let operation = request.operation_name.clone();
        let doc = request.parsed_query().ok()?;
        // Checked here rather than with async-graphql's own switch: that
        // answers `__schema` with null and no error, and only where a
        // transport remembers to set it per request. Every transport
        // executes through this type.
        if !self.introspection && introspects(doc, operation.as_deref()) {
            return Some(Response::from_errors(vec![coded(
                "introspection is turned off on this server".to_owned(),
                code::FORBIDDEN,
            )]));
        }
        let deepest = depth(doc);
        let message = if deepest.data > self.limits.depth {
            format!(
                "the query is nested {} levels deep; at most {} are allowed",
                deepest.data, self.limits.depth
            )
        } else if deepest.introspection > INTROSPECTION_DEPTH {
            format!(
                "the introspection is nested {} levels deep; at most {INTROSPECTION_DEPTH} are allowed",
                deepest.introspection
            )
        } else {
            let found = aliases(doc);
            if found <= self.limits.aliases {
                return None;
            }
            format!(
                "the query uses {found} aliases; at most {} are allowed",
                self.limits.aliases
            )
        };
        Some(Response::from_errors(vec![too_complex(message)]))
    }

    /// Gives async-graphql's own limit errors their code and the limit,
    /// and every other error without a code one (`error_codes`).
    fn code_refusals(&self, mut response: Response) -> Response {
        for error in &mut response.errors {
            if error.message == TOO_COMPLEX && error.path.is_empty() {
                *error = too_complex(format!(
                    "the query costs more than the {} allowed",
                    self.limits.complexity
                ));
            }
        }
        classify_errors(&mut response);
        response
    }
}

impl Executor for Limited {
    async fn execute(&self, mut request: Request) -> Response {
        if let Some(refused) = self.refuse(&mut request) {
            return refused;
        }
        self.code_refusals(self.schema.execute(request).await)
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if let Some(refused) = self.refuse(&mut request) {
            return async_graphql::futures_util::stream::once(async move { refused }).boxed();
        }
        let this = self.clone();
        self.schema
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(move |response| this.code_refusals(response))
            .boxed()
    }
}

fn too_complex(message: String) -> ServerError {
    coded(message, code::QUERY_TOO_COMPLEX)
}

fn coded(message: String, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// Whether the operation to run (`operation`, or every one when unnamed)
/// asks for `__schema` or `__type`: root fields, so only the root
/// selection and the fragments spread into it are looked at.
fn introspects(doc: &ExecutableDocument, operation: Option<&str>) -> bool {
    fn of(set: &SelectionSet, doc: &ExecutableDocument, spread: &mut Vec<String>) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => is_meta_field(&field.node.name.node),
            Selection::InlineFragment(inline) => of(&inline.node.selection_set.node, doc, spread),
            Selection::FragmentSpread(fragment) => {
                let name = fragment.node.fragment_name.node.as_str();
                if spread.iter().any(|seen| seen == name) {
                    return false;
                }
                spread.push(name.to_owned());
                doc.fragments
                    .get(name)
                    .is_some_and(|f| of(&f.node.selection_set.node, doc, spread))
            }
        })
    }
    doc.operations.iter().any(|(name, op)| {
        let chosen = match (operation, name) {
            (Some(wanted), Some(name)) => name.as_str() == wanted,
            (Some(_), None) => false,
            (None, _) => true,
        };
        chosen && of(&op.node.selection_set.node, doc, &mut Vec::new())
    })
}

/// The root fields that introspect the schema.
fn is_meta_field(name: &str) -> bool {
    matches!(name, "__schema" | "__type")
}

/// How deep `__schema` and `__type` may nest, counted from the meta
/// field. The standard tools' queries (graphql-js, graphql-core) reach
/// about 15, counted through their fragments (`tests/fixtures/
/// introspection`). Introspection reads only the in-memory schema, so
/// this bound guards against absurd chains rather than against load.
const INTROSPECTION_DEPTH: usize = 24;

/// How deep a document nests: the data graph, and introspection.
#[derive(Debug, Default)]
struct Depth {
    /// The deepest chain of data fields (a meta field counts as one level
    /// of the data graph, and nothing below it does).
    data: usize,
    /// The deepest chain from a `__schema` or `__type` field down.
    introspection: usize,
}

/// The deepest nesting of fields in any operation, of data and of
/// introspection, fragments counted where they are spread. A
/// fragment spread inside itself is counted once; validation refuses it.
fn depth(doc: &ExecutableDocument) -> Depth {
    /// The data depth of `set`; at the root, a meta field counts as one
    /// level and its own depth goes into `meta`.
    fn of(
        set: &SelectionSet,
        doc: &ExecutableDocument,
        spread: &mut Vec<String>,
        at_root: bool,
        meta: &mut usize,
    ) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    let below = of(&field.node.selection_set.node, doc, spread, false, meta);
                    if at_root && is_meta_field(&field.node.name.node) {
                        *meta = (*meta).max(1 + below);
                        1
                    } else {
                        1 + below
                    }
                }
                Selection::InlineFragment(fragment) => of(
                    &fragment.node.selection_set.node,
                    doc,
                    spread,
                    at_root,
                    meta,
                ),
                Selection::FragmentSpread(name) => {
                    let name = &name.node.fragment_name.node;
                    match doc.fragments.get(name) {
                        Some(fragment) if !spread.iter().any(|s| s == name.as_str()) => {
                            spread.push(name.to_string());
                            let inner = of(
                                &fragment.node.selection_set.node,
                                doc,
                                spread,
                                at_root,
                                meta,
                            );
                            spread.pop();
                            inner
                        }
                        _ => 0,
                    }
                }
            })
            .max()
            .unwrap_or(0)
    }
    let mut deepest = Depth::default();
    for (_, op) in doc.operations.iter() {
        let mut meta = 0;
        let data = of(
            &op.node.selection_set.node,
            doc,
            &mut Vec::new(),
            true,
            &mut meta,
        );
        deepest.data = deepest.data.max(data);
        deepest.introspection = deepest.introspection.max(meta);
    }
    deepest
}

fn aliases_in(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Aliased fields in the whole document (operations and fragments).
fn aliases(doc: &ExecutableDocument) -> usize {
    let in_operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| aliases_in(&op.node.selection_set.node))
        .sum();
    let in_fragments: usize = doc
        .fragments
        .values()
        .map(|f| aliases_in(&f.node.selection_set.node))
        .sum();
    in_operations + in_fragments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        aliases(&async_graphql::parser::parse_query(query).expect("parses"))
    }

    fn deepest(query: &str) -> usize {
        depth(&async_graphql::parser::parse_query(query).expect("parses")).data
    }

    fn introspection(query: &str) -> usize {
        depth(&async_graphql::parser::parse_query(query).expect("parses")).introspection
    }

    #[test]
    fn meta_fields_count_against_the_introspection_bound_not_the_data_depth() {
        let query = "{ __schema { types { fields { type { name } } } } me { subject } }";
        assert_eq!(deepest(query), 2);
        assert_eq!(introspection(query), 5);
        // Through a fragment spread at the root, and `__type` alone.
        let spread = "{ ...S } fragment S on Query { __type(name: \"P\") { fields { name } } }";
        assert_eq!((deepest(spread), introspection(spread)), (1, 3));
        // A data field named like a meta field below the root is data.
        assert_eq!(deepest("{ a { __typename } }"), 2);
    }

    #[test]
    fn depth_counts_fields_through_fragments_as_validation_does() {
        assert_eq!(deepest("{ me { subject } }"), 2);
        assert_eq!(deepest("{ a { b { c } } d }"), 3);
        assert_eq!(deepest("{ a { ...F } } fragment F on T { b { c } }"), 3);
        assert_eq!(deepest("{ a { ... on T { b } } }"), 2);
        assert_eq!(deepest("query A { a } query B { a { b { c { d } } } }"), 4);
        // A fragment spread inside itself ends there.
        assert_eq!(deepest("{ a { ...F } } fragment F on T { b { ...F } }"), 2);
    }

    #[test]
    fn aliases_are_counted_in_operations_fragments_and_inline_fragments() {
        assert_eq!(
            count("{ a: focusAreas { code } b: focusAreas { c: code } }"),
            3
        );
        assert_eq!(
            count("{ ...F } fragment F on Query { x: focusAreas { code } }"),
            1
        );
        assert_eq!(count("{ ... on Query { y: me { subject } } }"), 1);
        assert_eq!(count("{ focusAreas { code } }"), 0);
    }
}
