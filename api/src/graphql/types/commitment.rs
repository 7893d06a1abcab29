//! `Commitment`: one concrete undertaking of a pledge.

use async_graphql::{Context, ID, Object, Result};

use crate::error::ApiError;
use crate::graphql::context::request;
use crate::graphql::enums::{Method, Party, PeriodKind};
use crate::graphql::loaders::{
    ActivitiesOfCommitment, FocusAreaCodesOfCommitment, OutcomeOfCommitment, PlacesOfCommitment,
    PledgeById, ProgressOfCommitment,
};
use crate::ids::{self, NodeKind};
use crate::store::entities::commitment;

use super::activity::Activity;
use super::focus_area::{self, FocusArea};
use super::follow_up::{CommitmentOutcome, CommitmentProgress};
use super::place::Place;
use super::pledge::Pledge;
use super::{stored, strings};

/// One commitment of a pledge ("Detta gör vi genom att …").
#[derive(Debug, Clone)]
pub struct Commitment(pub commitment::Model);

/// One commitment of a pledge ("Detta gör vi genom att …").
#[Object]
impl Commitment {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Commitment, self.0.id)
    }

    /// Order within the pledge, from 1.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// The commitment as written, in Swedish.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Who carries it out.
    async fn responsible(&self) -> Result<Party> {
        Ok(stored(domain::Party::parse(&self.0.responsible))?.into())
    }

    /// Working method, when the commitment names one.
    async fn method(&self) -> Result<Option<Method>> {
        match &self.0.method {
            None => Ok(None),
            Some(m) => Ok(Some(stored(domain::Method::parse(m))?.into())),
        }
    }

    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Partner organisations (business, schools, associations, housing companies).
    async fn partners(&self) -> Vec<String> {
        strings(&self.0.partners)
    }

    /// Groups the commitment is aimed at, e.g. "16–29 år".
    async fn target_groups(&self) -> Vec<String> {
        strings(&self.0.target_groups)
    }

    /// Measurable target quantity, when one is set.
    async fn target_quantity(&self) -> Option<f64> {
        self.0.target_quantity
    }

    /// Unit of the target quantity, e.g. "trygghetsvandringar".
    async fn target_unit(&self) -> Option<&str> {
        self.0.target_unit.as_deref()
    }

    /// The focus areas the commitment serves.
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        let codes = request(ctx)?
            .load_list(FocusAreaCodesOfCommitment(self.0.id))
            .await?;
        focus_area::load_all(ctx, codes).await
    }

    /// Named places the commitment is carried out at.
    async fn places(&self, ctx: &Context<'_>) -> Result<Vec<Place>> {
        Ok(request(ctx)?
            .load_list(PlacesOfCommitment(self.0.id))
            .await?
            .into_iter()
            .map(Place)
            .collect())
    }

    /// Activities recorded as evidence for this commitment.
    async fn activities(&self, ctx: &Context<'_>) -> Result<Vec<Activity>> {
        Ok(request(ctx)?
            .load_list(ActivitiesOfCommitment(self.0.id))
            .await?
            .into_iter()
            .map(Activity)
            .collect())
    }

    /// Progress from the newest published report the caller may see.
    async fn latest_progress(&self, ctx: &Context<'_>) -> Result<Option<CommitmentProgress>> {
        let history = request(ctx)?
            .load_list(ProgressOfCommitment(self.0.id))
            .await?;
        Ok(history
            .into_iter()
            .find(|(_, report)| report.status == domain::FollowUpStatus::Published.as_str())
            .map(|(entry, report)| CommitmentProgress {
                entry,
                report: Some(report),
            }))
    }

    /// Every progress entry the caller may see, newest period first.
    async fn progress_history(&self, ctx: &Context<'_>) -> Result<Vec<CommitmentProgress>> {
        Ok(request(ctx)?
            .load_list(ProgressOfCommitment(self.0.id))
            .await?
            .into_iter()
            .map(|(entry, report)| CommitmentProgress {
                entry,
                report: Some(report),
            })
            .collect())
    }

    /// Whether the commitment was kept, once rated at the pledge's end.
    async fn outcome(&self, ctx: &Context<'_>) -> Result<Option<CommitmentOutcome>> {
        Ok(request(ctx)?
            .load(OutcomeOfCommitment(self.0.id))
            .await?
            .map(CommitmentOutcome))
    }

    /// Period the target quantity is per, when a target is set.
    async fn target_period(&self) -> Result<Option<PeriodKind>> {
        match &self.0.target_period {
            None => Ok(None),
            Some(p) => Ok(Some(stored(domain::PeriodKind::parse(p))?.into())),
        }
    }

    /// The pledge the commitment belongs to.
    async fn pledge(&self, ctx: &Context<'_>) -> Result<Pledge> {
        let row = request(ctx)?
            .load(PledgeById(self.0.pledge_id))
            .await?
            .ok_or_else(|| ApiError::internal("visible commitment of invisible pledge"))?;
        Ok(Pledge(row))
    }
}
