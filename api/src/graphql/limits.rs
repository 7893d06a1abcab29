//! Query limits, checked after parsing and validation and so before any
//! resolver (and any SQL) runs: depth, complexity (one per field, list
//! fields times their page size) and aliases. Over a limit is
//! `QUERY_TOO_COMPLEX`.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};

use crate::config::QueryLimits;
use crate::error::code;

/// The extension that enforces `QueryLimits`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits(pub(super) QueryLimits);

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn too_complex(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code::QUERY_TOO_COMPLEX);
    error.extensions = Some(extensions);
    error
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

#[async_graphql::async_trait::async_trait]
impl Extension for Limits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let found = aliases(&doc);
        if found > self.0.aliases {
            return Err(too_complex(format!(
                "the query uses {found} aliases; at most {} are allowed",
                self.0.aliases
            )));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.depth > self.0.depth {
            return Err(vec![too_complex(format!(
                "the query is nested {} levels deep; at most {} are allowed",
                result.depth, self.0.depth
            ))]);
        }
        if result.complexity > self.0.complexity {
            return Err(vec![too_complex(format!(
                "the query costs {}; at most {} is allowed",
                result.complexity, self.0.complexity
            ))]);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        aliases(&async_graphql::parser::parse_query(query).expect("parses"))
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
