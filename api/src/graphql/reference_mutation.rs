//! The admin's half of the `Mutation` root: police regions, districts and
//! local police areas, and their coverage of municipalities. Each field
//! parses its input, runs one command of `store::commands::reference`
//! (which checks the admin role, writes, audits and bumps the reference
//! version) and then has every instance re-read its reference snapshot.
//! What a field returns is the row as written; its nested reference fields
//! answer from the snapshot this request started with.

use async_graphql::{Context, InputObject, Object};

use super::context::request;
use super::scalars::Date;
use super::types::coverage::PoliceAreaCoverage;
use super::types::police_area::PoliceArea;
use super::types::police_organisation::{PoliceDistrict, PoliceRegion};
use crate::error::ApiResult;
use crate::store::commands::reference::{self, NewArea, NewDistrict};

/// A new police district.
#[derive(InputObject, Debug)]
pub struct PoliceDistrictInput {
    /// Slug code, e.g. "po-kalmar-kronoberg"; unused by any region,
    /// district or area.
    pub code: String,
    /// Name, e.g. "Polisområde Kalmar Kronoberg".
    pub name: String,
    /// The region's code, e.g. "pr-syd".
    pub region: String,
    /// The district's first day, where known.
    pub valid_from: Option<Date>,
    /// The district's last day, where it has ended.
    pub valid_to: Option<Date>,
}

/// A new local police area.
#[derive(InputObject, Debug)]
pub struct PoliceAreaInput {
    /// Slug code, e.g. "lpo-ljungby"; unused by any region, district or area.
    pub code: String,
    /// Name, e.g. "Lokalpolisområde Ljungby".
    pub name: String,
    /// The district's code; the area's region is the district's.
    pub district: Option<String>,
    /// The region's code, needed when no district is given.
    pub region: Option<String>,
}

/// A local police area's coverage of a municipality from a day on.
#[derive(InputObject, Debug)]
pub struct CoverageInput {
    /// SCB municipality code, e.g. "0765".
    pub municipality: String,
    /// Local police area code, e.g. "lpo-ljungby".
    pub police_area: String,
    /// The first day covered.
    pub valid_from: Date,
    /// The last day covered; absent while it lasts.
    pub valid_to: Option<Date>,
}

/// The admin's changes of reference data.
#[derive(Debug, Default)]
pub struct ReferenceMutation;

/// The admin's changes of reference data (role `admin`). Every change is
/// audited and reaches every instance.
#[Object]
impl ReferenceMutation {
    /// Adds a police region.
    async fn create_police_region(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
    ) -> ApiResult<PoliceRegion> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let (code, name) = (reference::code(&code, "code")?, reference::name(&name)?);
        let row = reference::create_region(&rc.writer, &actor, code, name).await?;
        rc.reference_changed().await?;
        Ok(PoliceRegion(row.into()))
    }

    /// Renames a police region.
    async fn rename_police_region(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
    ) -> ApiResult<PoliceRegion> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let name = reference::name(&name)?;
        let row = reference::rename_region(&rc.writer, &actor, &code, name).await?;
        rc.reference_changed().await?;
        Ok(PoliceRegion(row.into()))
    }

    /// Adds a police district (polisområde) to a region.
    async fn create_police_district(
        &self,
        ctx: &Context<'_>,
        input: PoliceDistrictInput,
    ) -> ApiResult<PoliceDistrict> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let new = NewDistrict {
            code: reference::code(&input.code, "code")?,
            name: reference::name(&input.name)?,
            region: reference::code(&input.region, "region")?,
            valid_from: input.valid_from.map(|d| d.0),
            valid_to: input.valid_to.map(|d| d.0),
        };
        let row = reference::create_district(&rc.writer, &actor, new).await?;
        rc.reference_changed().await?;
        Ok(PoliceDistrict(row.into()))
    }

    /// Renames a police district.
    async fn rename_police_district(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
    ) -> ApiResult<PoliceDistrict> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let name = reference::name(&name)?;
        let row = reference::rename_district(&rc.writer, &actor, &code, name).await?;
        rc.reference_changed().await?;
        Ok(PoliceDistrict(row.into()))
    }

    /// Adds a local police area (lokalpolisområde).
    async fn create_police_area(
        &self,
        ctx: &Context<'_>,
        input: PoliceAreaInput,
    ) -> ApiResult<PoliceArea> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let new = NewArea {
            code: reference::code(&input.code, "code")?,
            name: reference::name(&input.name)?,
            district: input
                .district
                .map(|d| reference::code(&d, "district"))
                .transpose()?,
            region: input
                .region
                .map(|r| reference::code(&r, "region"))
                .transpose()?,
        };
        let row = reference::create_area(&rc.writer, &actor, new).await?;
        rc.reference_changed().await?;
        Ok(PoliceArea::one(row.into()))
    }

    /// Renames a local police area.
    async fn rename_police_area(
        &self,
        ctx: &Context<'_>,
        code: String,
        name: String,
    ) -> ApiResult<PoliceArea> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let name = reference::name(&name)?;
        let row = reference::rename_area(&rc.writer, &actor, &code, name).await?;
        rc.reference_changed().await?;
        Ok(PoliceArea::one(row.into()))
    }

    /// A local police area covers a municipality from `validFrom` on.
    /// Periods of one area and municipality may not overlap.
    async fn add_police_area_coverage(
        &self,
        ctx: &Context<'_>,
        input: CoverageInput,
    ) -> ApiResult<PoliceAreaCoverage> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let row = reference::add_coverage(
            &rc.writer,
            &actor,
            &input.municipality,
            &input.police_area,
            input.valid_from.0,
            input.valid_to.map(|d| d.0),
        )
        .await?;
        rc.reference_changed().await?;
        Ok(PoliceAreaCoverage(row))
    }

    /// Ends a local police area's open coverage of a municipality on
    /// `validTo` (the last day covered).
    async fn end_police_area_coverage(
        &self,
        ctx: &Context<'_>,
        municipality: String,
        police_area: String,
        valid_to: Date,
    ) -> ApiResult<PoliceAreaCoverage> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let row =
            reference::end_coverage(&rc.writer, &actor, &municipality, &police_area, valid_to.0)
                .await?;
        rc.reference_changed().await?;
        Ok(PoliceAreaCoverage(row))
    }
}
