//! `FocusArea` (catalogue entry) and `PledgeFocusArea` (a pledge's own text
//! about one area).

use async_graphql::{Context, Object, Result};

use crate::error::ApiError;
use crate::graphql::context::request;
use crate::graphql::loaders::FocusAreaByCode;
use crate::store::entities::{focus_area, pledge_focus_area};

use super::strings;

/// An area of crime prevention or safety work, from the shared catalogue.
#[derive(Debug, Clone)]
pub struct FocusArea(pub focus_area::Model);

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

/// Loads catalogue entries for `codes`, keeping their order.
pub(crate) async fn load_all(ctx: &Context<'_>, codes: Vec<String>) -> Result<Vec<FocusArea>> {
    let rc = request(ctx)?;
    let found = rc
        .load_many(codes.iter().cloned().map(FocusAreaByCode).collect())
        .await?;
    codes
        .into_iter()
        .map(|code| {
            found
                .get(&FocusAreaByCode(code.clone()))
                .cloned()
                .map(FocusArea)
                .ok_or_else(|| {
                    ApiError::internal(format!("focus area {code} missing from catalogue")).into()
                })
        })
        .collect()
}

/// One focus area of a pledge, with what the pledge says about it.
#[derive(Debug, Clone)]
pub struct PledgeFocusArea(pub pledge_focus_area::Model);

/// One focus area of a pledge, with what the pledge says about it.
#[Object]
impl PledgeFocusArea {
    /// The catalogue area.
    async fn focus_area(&self, ctx: &Context<'_>) -> Result<FocusArea> {
        let mut found = load_all(ctx, vec![self.0.focus_area_code.clone()]).await?;
        found
            .pop()
            .ok_or_else(|| ApiError::internal("focus area lookup returned nothing").into())
    }

    /// The heading the pledge gives this area, when it has its own section.
    async fn heading(&self) -> Option<&str> {
        self.0.heading.as_deref()
    }

    /// The pledge's text about this area: its own situation picture
    /// (lägesbild), verbatim.
    async fn problem_text(&self) -> Option<&str> {
        self.0.problem_text.as_deref()
    }

    /// Narrower catalogue areas the pledge singles out within this one
    /// (e.g. men's violence against women within violent crime).
    async fn special_focus(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        load_all(ctx, strings(&self.0.special_focus)).await
    }

    /// Order of the area within the pledge, from 1.
    async fn position(&self) -> i32 {
        self.0.position
    }
}
