//! `FocusArea` (catalogue entry, from the reference snapshot) and
//! `PledgeFocusArea` (a pledge's own text about one area).

use std::sync::Arc;

use async_graphql::{Context, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{RequestContext, request};
use crate::store::rows::{FocusAreaRow, PledgeFocusAreaRow};

use super::strings;

/// An area of crime prevention or safety work, from the shared catalogue.
#[derive(Debug, Clone)]
pub struct FocusArea(pub(crate) Arc<FocusAreaRow>);

/// An area of crime prevention or safety work, from the shared catalogue.
#[Object]
impl FocusArea {
    /// Stable code, e.g. `NARKOTIKA`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Swedish name.
    async fn name_sv(&self) -> &str {
        &self.0.name_sv
    }

    /// English name.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
}

/// The catalogue entry of `code`; a stored code the catalogue lacks means
/// the database was written around the API.
pub(crate) fn catalogue(rc: &RequestContext, code: &str) -> ApiResult<FocusArea> {
    rc.reference
        .focus_area(code)
        .cloned()
        .map(FocusArea)
        .ok_or_else(|| ApiError::internal(format!("focus area {code} missing from catalogue")))
}

/// One focus area of a pledge, with what the pledge says about it.
#[derive(Debug, Clone)]
pub struct PledgeFocusArea(pub(crate) crate::graphql::batch::Item<PledgeFocusAreaRow, ()>);

/// One focus area of a pledge, with what the pledge says about it.
#[Object]
impl PledgeFocusArea {
    /// The catalogue area.
    async fn focus_area(&self, ctx: &Context<'_>) -> ApiResult<FocusArea> {
        Ok(catalogue(request(ctx)?, &self.0.row().focus_area_code)?)
    }

    /// The heading the pledge gives this area, when it has its own section.
    async fn heading(&self) -> Option<&str> {
        self.0.row().heading.as_deref()
    }

    /// The pledge's text about this area: its own situation picture
    /// (lägesbild), verbatim.
    async fn problem_text(&self) -> Option<&str> {
        self.0.row().problem_text.as_deref()
    }

    /// Narrower catalogue areas the pledge singles out within this one
    /// (e.g. men's violence against women within violent crime).
    async fn special_focus(&self, ctx: &Context<'_>) -> ApiResult<Vec<FocusArea>> {
        let rc = request(ctx)?;
        Ok(strings(&self.0.row().special_focus)
            .iter()
            .map(|code| catalogue(rc, code))
            .collect::<ApiResult<_>>()?)
    }

    /// Order of the area within the pledge, from 1.
    async fn position(&self) -> i32 {
        self.0.row().position
    }
}
