//! The editing workflow's half of the `Mutation` root (the admin's
//! reference changes: `reference_mutation`): parse the input, run the command, return fresh
//! data. Authorization, versions, lifecycle and the audit entry are the
//! command's business (see `store::commands`).

use async_graphql::{Context, ID, Object};
use domain::{Approval, BoundedText, Transition};

use super::context::request;
use super::enums::{Outcome, Party};
use super::inputs::{
    ActivityInput, CommitmentInput, CreatePledgeInput, FollowUpReportInput, UpdatePledgeInput,
};
use super::types::activity::Activity;
use super::types::commitment::Commitment;
use super::types::follow_up::FollowUpReport;
use super::types::pledge::Pledge;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::RequestContext;
use crate::ids::{self, NodeKind};
use crate::store::Visible;
use crate::store::commands;

// What a mutation returns is the row as its own write left it, in a batch
// of its own: its nested fields are read after the write, so they show the
// state after this mutation, never something read before it in the same
// document.

/// The commitment `id` read after the write that rated it.
async fn fresh_commitment(rc: &RequestContext, id: uuid::Uuid) -> ApiResult<Commitment> {
    let row = rc.reader.commitments_by_ids(&[id]).await?.pop();
    row.map(Commitment::one).ok_or(ApiError::NotFound)
}

/// Entry point of every write. Each mutation is one transaction and leaves
/// exactly one audit entry.
#[derive(Debug, Default)]
pub struct WorkflowMutation;

/// Entry point of every write. Each mutation is one transaction and leaves
/// exactly one audit entry.
#[Object]
impl WorkflowMutation {
    /// Creates a DRAFT pledge for a municipality you may edit.
    async fn create_pledge(
        &self,
        ctx: &Context<'_>,
        input: CreatePledgeInput,
    ) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let row = commands::pledges::create(&rc.writer, &actor, input.parse()?).await?;
        rc.events.pledge_changed(row.id, row.municipality_id).await;
        Ok(Pledge::one(Visible::written(row)))
    }

    /// Changes a DRAFT pledge. `expectedVersion` is the version you read; a
    /// stale one is a CONFLICT carrying the current version.
    async fn update_pledge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: UpdatePledgeInput,
    ) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Pledge, "id")?;
        let changes = input.parse()?;
        let row =
            commands::pledges::update(&rc.writer, &actor, key, expected_version, changes).await?;
        rc.events.pledge_changed(row.id, row.municipality_id).await;
        Ok(Pledge::one(Visible::written(row)))
    }

    /// Adds a commitment at the end of a DRAFT pledge.
    async fn add_commitment(
        &self,
        ctx: &Context<'_>,
        pledge_id: ID,
        input: CommitmentInput,
    ) -> ApiResult<Commitment> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&pledge_id, NodeKind::Pledge, "pledgeId")?;
        let row = commands::commitments::add(&rc.writer, &actor, key, input.parse()?).await?;
        rc.events
            .pledge_changed(row.pledge_id, row.municipality_id)
            .await;
        Ok(Commitment::one(Visible::written(row)))
    }

    /// Replaces a commitment of a DRAFT pledge.
    async fn update_commitment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: CommitmentInput,
    ) -> ApiResult<Commitment> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Commitment, "id")?;
        let fields = input.parse()?;
        let row = commands::commitments::update(&rc.writer, &actor, key, expected_version, fields)
            .await?;
        rc.events
            .pledge_changed(row.pledge_id, row.municipality_id)
            .await;
        Ok(Commitment::one(Visible::written(row)))
    }

    /// Removes a commitment of a DRAFT pledge; returns its ID.
    async fn remove_commitment(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<ID> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Commitment, "id")?;
        let row = commands::commitments::remove(&rc.writer, &actor, key, expected_version).await?;
        rc.events
            .pledge_changed(row.pledge_id, row.municipality_id)
            .await;
        Ok(id)
    }

    /// Approves a DRAFT pledge for your side: municipality editors for the
    /// municipality, police editors of the pledge's police area for the
    /// police. When both sides have approved it is SIGNED. `side` is needed
    /// only when you hold both editor roles.
    async fn approve_pledge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        side: Option<Party>,
    ) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Pledge, "id")?;
        let side = match side.map(domain::Party::from) {
            None => None,
            Some(domain::Party::Municipality) => Some(Approval::Municipality),
            Some(domain::Party::Police) => Some(Approval::Police),
            Some(domain::Party::Joint) => {
                return Err(ApiError::bad_input(
                    "side",
                    "approve as MUNICIPALITY or POLICE",
                ));
            }
        };
        let row = commands::pledges::approve(&rc.writer, &actor, key, side).await?;
        rc.events.pledge_changed(row.id, row.municipality_id).await;
        Ok(Pledge::one(Visible::written(row)))
    }

    /// Publishes a SIGNED pledge: from now on the public sees it.
    /// `expectedVersion` (optional): the version the caller last read;
    /// CONFLICT, with the current one, when it is stale.
    async fn publish_pledge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Pledge, "id")?;
        let (row, _) = commands::pledges::transition(
            &rc.writer,
            &actor,
            key,
            expected_version,
            Transition::Publish,
            None,
        )
        .await?;
        rc.events.pledge_changed(row.id, row.municipality_id).await;
        Ok(Pledge::one(Visible::written(row)))
    }

    /// Withdraws a pledge, keeping it for the record with the reason.
    /// `expectedVersion` (optional): the version the caller last read;
    /// CONFLICT, with the current one, when it is stale.
    async fn withdraw_pledge(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
        reason: String,
    ) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::Pledge, "id")?;
        let reason = BoundedText::parse("reason", &reason, 2000)
            .map_err(ApiError::from)?
            .into_string();
        let (row, was) = commands::pledges::transition(
            &rc.writer,
            &actor,
            key,
            expected_version,
            Transition::Withdraw,
            Some(reason),
        )
        .await?;
        rc.events
            .pledge_withdrawn(
                row.id,
                row.municipality_id,
                was == domain::PledgeStatus::Published,
            )
            .await;
        Ok(Pledge::one(Visible::written(row)))
    }

    /// Creates a DRAFT follow-up report for a signed or published pledge.
    async fn create_follow_up_report(
        &self,
        ctx: &Context<'_>,
        input: FollowUpReportInput,
    ) -> ApiResult<FollowUpReport> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let row = commands::follow_ups::create(&rc.writer, &actor, input.parse()?).await?;
        Ok(FollowUpReport::one(Visible::written(row)))
    }

    /// Changes a DRAFT follow-up report.
    async fn update_follow_up_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: FollowUpReportInput,
    ) -> ApiResult<FollowUpReport> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::FollowUpReport, "id")?;
        let fields = input.parse()?;
        let row =
            commands::follow_ups::update(&rc.writer, &actor, key, expected_version, fields).await?;
        Ok(FollowUpReport::one(Visible::written(row)))
    }

    /// Publishes a DRAFT report of a published pledge; every commitment
    /// must have its progress entry.
    async fn publish_follow_up_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> ApiResult<FollowUpReport> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::FollowUpReport, "id")?;
        let row = commands::follow_ups::publish(&rc.writer, &actor, key).await?;
        rc.events.follow_up_published(&row).await;
        Ok(FollowUpReport::one(Visible::written(row)))
    }

    /// Withdraws a report; syncing integrations see it as removed.
    async fn withdraw_follow_up_report(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> ApiResult<FollowUpReport> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&id, NodeKind::FollowUpReport, "id")?;
        let reason = BoundedText::parse("reason", &reason, 2000)
            .map_err(ApiError::from)?
            .into_string();
        let (row, was_published) =
            commands::follow_ups::withdraw(&rc.writer, &actor, key, reason).await?;
        rc.events.follow_up_withdrawn(&row, was_published).await;
        Ok(FollowUpReport::one(Visible::written(row)))
    }

    /// Records an activity held (the evidence behind follow-ups).
    async fn record_activity(
        &self,
        ctx: &Context<'_>,
        input: ActivityInput,
    ) -> ApiResult<Activity> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let row = commands::activities::record(&rc.writer, &actor, input.parse()?).await?;
        Ok(Activity::one(Visible::written(row)))
    }

    /// Rates whether a commitment was kept, once its pledge has ended.
    async fn set_commitment_outcome(
        &self,
        ctx: &Context<'_>,
        commitment_id: ID,
        outcome: Outcome,
        comment: Option<String>,
    ) -> ApiResult<Commitment> {
        let rc = request(ctx)?;
        let actor = rc.author()?;
        let key = ids::decode(&commitment_id, NodeKind::Commitment, "commitmentId")?;
        let comment = comment
            .map(|c| BoundedText::parse("comment", &c, 2000).map(BoundedText::into_string))
            .transpose()
            .map_err(ApiError::from)?;
        commands::follow_ups::set_outcome(&rc.writer, &actor, key, outcome.into(), comment).await?;
        Ok(fresh_commitment(rc, key).await?)
    }
}
