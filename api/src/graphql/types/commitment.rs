//! `Commitment`: one concrete undertaking of a pledge.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::graphql::batch::{Children, Item, grouped, once};
use crate::graphql::context::request;
use crate::graphql::enums::{Method, Party, PeriodKind};
use crate::ids::{self, NodeKind};
use crate::store::Visible;
use crate::store::follow_ups::ProgressEntry;
use crate::store::rows::{ActivityRow, CommitmentRow, OutcomeRow, PlaceRow};

use super::activity::{Activity, ActivityLoaded};
use super::focus_area::{FocusArea, catalogue};
use super::follow_up::{CommitmentOutcome, CommitmentProgress, ProgressLoaded};
use super::place::Place;
use super::pledge::Pledge;
use super::{stored, strings};

/// What has been loaded for a batch of commitments, one cell per relation.
#[derive(Debug, Default)]
pub(crate) struct CommitmentLoaded {
    /// Each commitment's methods, in written order.
    methods: OnceCell<HashMap<Uuid, Vec<String>>>,
    focus_areas: OnceCell<HashMap<Uuid, Vec<String>>>,
    places: OnceCell<Children<PlaceRow, ()>>,
    activities: OnceCell<Children<Visible<ActivityRow>, ActivityLoaded>>,
    /// Progress in every report the caller may see, newest period first.
    progress: OnceCell<Children<Visible<ProgressEntry>, ProgressLoaded>>,
    outcomes: OnceCell<Children<OutcomeRow, ()>>,
    pledges: OnceCell<HashMap<Uuid, Pledge>>,
}

/// One commitment of a pledge ("Detta gör vi genom att …").
#[derive(Debug, Clone)]
pub struct Commitment(pub(crate) Item<Visible<CommitmentRow>, CommitmentLoaded>);

impl Commitment {
    pub(crate) fn one(row: Visible<CommitmentRow>) -> Self {
        Self(Item::one(row))
    }

    pub(crate) fn row(&self) -> &CommitmentRow {
        self.0.row()
    }

    /// The progress entries of this commitment (all of the batch's load once).
    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<Vec<CommitmentProgress>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().progress, || async {
            let rows = rc.reader.progress_of_commitments(self.0.siblings()).await?;
            Ok(Children::new(rows, |e| e.entry.commitment_id))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(CommitmentProgress)
            .collect())
    }
}

/// One commitment of a pledge ("Detta gör vi genom att …").
#[Object]
impl Commitment {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Commitment, self.row().id)
    }

    /// Order within the pledge, from 1.
    async fn position(&self) -> i32 {
        self.row().position
    }

    /// The commitment as written, in Swedish.
    async fn text(&self) -> &str {
        &self.row().text
    }

    /// Who carries it out.
    async fn responsible(&self) -> ApiResult<Party> {
        Ok(stored(domain::Party::parse(&self.row().responsible))?.into())
    }

    /// Working method, when the commitment names one: the first of
    /// `methods`.
    async fn method(&self) -> ApiResult<Option<Method>> {
        match &self.row().method {
            None => Ok(None),
            Some(m) => Ok(Some(stored(domain::Method::parse(m))?.into())),
        }
    }

    /// Every working method the commitment names, in the order it names
    /// them (e.g. "medborgardialoger, grannsamverkan och
    /// näringslivssamverkan"); empty when it names none.
    async fn methods(&self, ctx: &Context<'_>) -> ApiResult<Vec<Method>> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().methods, || async {
            Ok(grouped(
                rc.reader.commitment_methods_of(self.0.siblings()).await?,
            ))
        })
        .await?;
        Ok(all
            .get(&self.row().id)
            .into_iter()
            .flatten()
            .map(|m| Ok(stored(domain::Method::parse(m))?.into()))
            .collect::<ApiResult<_>>()?)
    }

    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.row().version
    }

    /// Partner organisations (business, schools, associations, housing companies).
    async fn partners(&self) -> Vec<String> {
        strings(&self.row().partners)
    }

    /// Groups the commitment is aimed at, e.g. "16–29 år".
    async fn target_groups(&self) -> Vec<String> {
        strings(&self.row().target_groups)
    }

    /// Measurable target quantity, when one is set.
    async fn target_quantity(&self) -> Option<f64> {
        self.row().target_quantity
    }

    /// Unit of the target quantity, e.g. "trygghetsvandringar".
    async fn target_unit(&self) -> Option<&str> {
        self.row().target_unit.as_deref()
    }

    /// The focus areas the commitment serves.
    async fn focus_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<FocusArea>> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().focus_areas, || async {
            Ok(grouped(
                rc.reader
                    .commitment_focus_areas_of(self.0.siblings())
                    .await?,
            ))
        })
        .await?;
        Ok(all
            .get(&self.row().id)
            .into_iter()
            .flatten()
            .map(|code| catalogue(rc, code))
            .collect::<ApiResult<_>>()?)
    }

    /// Named places the commitment is carried out at.
    async fn places(&self, ctx: &Context<'_>) -> ApiResult<Vec<Place>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().places, || async {
            Ok(Children::from_pairs(
                rc.reader.places_of(self.0.siblings()).await?,
            ))
        })
        .await?;
        Ok(children.of(self.row().id).into_iter().map(Place).collect())
    }

    /// Activities recorded as evidence for this commitment.
    async fn activities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Activity>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().activities, || async {
            let rows = rc.reader.activities_of(self.0.siblings()).await?;
            Ok(Children::new(rows, |a| a.commitment_id.unwrap_or_default()))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(Activity)
            .collect())
    }

    /// Progress from the newest published report the caller may see.
    async fn latest_progress(&self, ctx: &Context<'_>) -> ApiResult<Option<CommitmentProgress>> {
        Ok(self
            .progress(ctx)
            .await?
            .into_iter()
            .find(|p| p.entry().report.status == domain::FollowUpStatus::Published.as_str()))
    }

    /// Every progress entry the caller may see, newest period first.
    async fn progress_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<CommitmentProgress>> {
        Ok(self.progress(ctx).await?)
    }

    /// Whether the commitment was kept, once rated at the pledge's end.
    async fn outcome(&self, ctx: &Context<'_>) -> ApiResult<Option<CommitmentOutcome>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().outcomes, || async {
            let rows = rc.reader.outcomes_of(self.0.siblings()).await?;
            Ok(Children::new(rows, |o| o.commitment_id))
        })
        .await?;
        Ok(children.first_of(self.row().id).map(CommitmentOutcome))
    }

    /// Period the target quantity is per, when a target is set.
    async fn target_period(&self) -> ApiResult<Option<PeriodKind>> {
        match &self.row().target_period {
            None => Ok(None),
            Some(p) => Ok(Some(stored(domain::PeriodKind::parse(p))?.into())),
        }
    }

    /// The pledge the commitment belongs to.
    async fn pledge(&self, ctx: &Context<'_>) -> ApiResult<Pledge> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().pledges, || async {
            let rows = rc.reader.pledges_of_commitments(self.0.siblings()).await?;
            Ok(Pledge::keyed(rows))
        })
        .await?;
        Ok(all
            .get(&self.row().pledge_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("visible commitment of invisible pledge"))?)
    }
}
