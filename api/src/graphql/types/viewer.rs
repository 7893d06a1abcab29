//! `Viewer`: the caller as the server sees it (`me`).

use std::collections::BTreeSet;
use std::sync::Arc;

use async_graphql::{Context, Object};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::graphql::context::request;
use crate::scope::{Reach, Scope};

use super::municipality::Municipality;
use super::police_area::PoliceArea;

/// The authenticated caller: who the token says it is and what that
/// reaches. Scope comes from the verified token only.
#[derive(Debug, Clone)]
pub struct Viewer(pub Arc<Scope>);

/// The municipalities with these keys, in Swedish name order.
fn municipalities(ctx: &Context<'_>, ids: BTreeSet<Uuid>) -> ApiResult<Vec<Municipality>> {
    let rc = request(ctx)?;
    // The snapshot's list is in name order already.
    let rows = rc
        .reference
        .municipalities()
        .iter()
        .filter(|m| ids.contains(&m.id))
        .cloned()
        .collect();
    Ok(Municipality::list(rows))
}

fn all_municipalities(ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
    let rc = request(ctx)?;
    Ok(Municipality::list(rc.reference.municipalities().to_vec()))
}

/// A Viewer exists only for authenticated callers.
#[Object]
impl Viewer {
    /// The token's subject.
    async fn subject(&self) -> Option<&str> {
        self.0.caller().map(|c| c.subject.as_str())
    }

    /// The token's display name.
    async fn name(&self) -> Option<&str> {
        self.0.caller().and_then(|c| c.name.as_deref())
    }

    /// Roles the server recognised in the token.
    async fn roles(&self) -> Vec<String> {
        self.0
            .caller()
            .map(|c| c.roles.iter().map(|r| r.as_str().to_owned()).collect())
            .unwrap_or_default()
    }

    /// Municipalities named in the token.
    async fn municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        municipalities(ctx, self.0.municipalities())
    }

    /// Police areas named in the token.
    async fn police_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceArea>> {
        let rc = request(ctx)?;
        let mut rows: Vec<_> = self
            .0
            .police_areas()
            .into_iter()
            .filter_map(|id| rc.reference.police_area(id).cloned())
            .collect();
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(PoliceArea::list(rows))
    }

    /// Whether the caller reads unpublished data of every municipality.
    async fn reads_all_municipalities(&self) -> bool {
        matches!(self.0.reach(), Some(Reach::All))
    }

    /// Municipalities whose drafts and other unpublished data the caller
    /// reads (police areas resolved to the municipalities they cover today).
    async fn readable_municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        match self.0.reach() {
            Some(Reach::All) => all_municipalities(ctx),
            Some(Reach::Only(set)) => municipalities(ctx, set.clone()),
            None => Ok(Vec::new()),
        }
    }

    /// Municipalities whose pledges the caller may edit.
    async fn editable_municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        match self.0.editable() {
            None => all_municipalities(ctx),
            Some(set) => municipalities(ctx, set),
        }
    }
}
