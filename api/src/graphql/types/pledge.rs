//! `Pledge` (medborgarlöfte) and `Signatory`.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::graphql::context::request;
use crate::graphql::enums::{BasisKind, Party, PledgeStatus};
use crate::graphql::loaders::{
    CommitmentsOfPledge, FocusAreasOfPledge, FollowUpsOfPledge, MunicipalityById, PledgeById,
    PoliceAreaById, SignatoriesOfPledge,
};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind};
use crate::store::entities::{pledge, signatory};

use super::commitment::Commitment;
use super::focus_area::PledgeFocusArea;
use super::follow_up::FollowUpReport;
use super::municipality::Municipality;
use super::police_area::PoliceArea;
use super::{stored, strings};

/// A citizen pledge (medborgarlöfte): what a municipality and its local
/// police area promise their residents for a period, and why.
#[derive(Debug, Clone)]
pub struct Pledge(pub pledge::Model);

/// A citizen pledge (medborgarlöfte): what a municipality and its local
/// police area promise their residents for a period, and why.
#[Object]
impl Pledge {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Pledge, self.0.id)
    }

    /// The year the pledge is for.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// Title, as the document gives it.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Lifecycle status.
    async fn status(&self) -> Result<PledgeStatus> {
        Ok(stored(domain::PledgeStatus::parse(&self.0.status))?.into())
    }

    /// First day the pledge applies.
    async fn valid_from(&self) -> Date {
        self.0.valid_from.into()
    }

    /// Last day the pledge applies (inclusive).
    async fn valid_to(&self) -> Date {
        self.0.valid_to.into()
    }

    /// Whether today falls within the validity period.
    async fn in_force(&self, ctx: &Context<'_>) -> Result<bool> {
        let today = request(ctx)?.today;
        Ok(self.0.valid_from <= today && today <= self.0.valid_to)
    }

    /// Day both sides had signed; null when not signed or not known.
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Date)
    }

    /// Version for optimistic concurrency; send it back when editing.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The municipality (tenant) making the pledge.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<Municipality> {
        let row = request(ctx)?
            .load(MunicipalityById(self.0.municipality_id))
            .await?
            .ok_or_else(|| ApiError::internal("pledge without municipality"))?;
        Ok(Municipality(row))
    }

    /// The local police area making the pledge.
    async fn police_area(&self, ctx: &Context<'_>) -> Result<PoliceArea> {
        let row = request(ctx)?
            .load(PoliceAreaById(self.0.police_area_id))
            .await?
            .ok_or_else(|| ApiError::internal("pledge without police area"))?;
        Ok(PoliceArea(row))
    }

    /// Opening text explaining the pledge, before the promise itself.
    async fn introduction(&self) -> Option<&str> {
        self.0.introduction.as_deref()
    }

    /// The promise ("… lovar att …"), verbatim.
    async fn promise_statement(&self) -> Option<&str> {
        self.0.promise_statement.as_deref()
    }

    /// The general situation picture (lägesbild).
    async fn situation_picture(&self) -> Option<&str> {
        self.0.situation_picture.as_deref()
    }

    /// The expected effect (effekt).
    async fn expected_effect(&self) -> Option<&str> {
        self.0.expected_effect.as_deref()
    }

    /// Background (bakgrund): how the pledge came about.
    async fn background(&self) -> Option<&str> {
        self.0.background.as_deref()
    }

    /// Kinds of evidence the pledge is built on (underlag).
    async fn basis_kinds(&self) -> Result<Vec<BasisKind>> {
        strings(&self.0.basis_kinds)
            .iter()
            .map(|k| Ok(stored(domain::BasisKind::parse(k))?.into()))
            .collect()
    }

    /// How the pledge is followed up (uppföljning).
    async fn follow_up_plan(&self) -> Option<&str> {
        self.0.follow_up_plan.as_deref()
    }

    /// Who prepared the pledge, as the document names them.
    async fn prepared_by(&self) -> Option<&str> {
        self.0.prepared_by.as_deref()
    }

    /// Title of the source document.
    async fn source_title(&self) -> Option<&str> {
        self.0.source_title.as_deref()
    }

    /// Where the source document is published.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }

    /// Why the pledge was withdrawn, when it was.
    async fn withdrawn_reason(&self) -> Option<&str> {
        self.0.withdrawn_reason.as_deref()
    }

    /// The earlier pledge this one replaces, if the caller may see it.
    async fn supersedes(&self, ctx: &Context<'_>) -> Result<Option<Pledge>> {
        let Some(id) = self.0.supersedes_id else {
            return Ok(None);
        };
        Ok(request(ctx)?.load(PledgeById(id)).await?.map(Pledge))
    }

    /// The focus areas with the pledge's own text about each, in order.
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<PledgeFocusArea>> {
        Ok(request(ctx)?
            .load_list(FocusAreasOfPledge(self.0.id))
            .await?
            .into_iter()
            .map(PledgeFocusArea)
            .collect())
    }

    /// The commitments ("Detta gör vi genom att …"), ordered by position.
    async fn commitments(&self, ctx: &Context<'_>) -> Result<Vec<Commitment>> {
        Ok(request(ctx)?
            .load_list(CommitmentsOfPledge(self.0.id))
            .await?
            .into_iter()
            .map(Commitment)
            .collect())
    }

    /// The people who signed, municipality side first as in the documents.
    async fn signatories(&self, ctx: &Context<'_>) -> Result<Vec<Signatory>> {
        Ok(request(ctx)?
            .load_list(SignatoriesOfPledge(self.0.id))
            .await?
            .into_iter()
            .map(Signatory)
            .collect())
    }

    /// Follow-up reports the caller may see, by period.
    async fn follow_ups(&self, ctx: &Context<'_>) -> Result<Vec<FollowUpReport>> {
        Ok(request(ctx)?
            .load_list(FollowUpsOfPledge(self.0.id))
            .await?
            .into_iter()
            .map(FollowUpReport::shown)
            .collect())
    }

    /// When the pledge was created here.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the pledge last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A person who signed a pledge for one side.
#[derive(Debug, Clone)]
pub struct Signatory(pub signatory::Model);

/// A person who signed a pledge for one side.
#[Object]
impl Signatory {
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Title, e.g. "Kommunstyrelsens ordförande".
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The side signed for: MUNICIPALITY or POLICE.
    async fn party(&self) -> Result<Party> {
        Ok(stored(domain::Party::parse(&self.0.party))?.into())
    }

    /// Day of signing; null when the document does not say.
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Date)
    }
}
