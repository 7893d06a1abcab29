//! Activities (the evidence behind follow-ups), visible when the commitment
//! they evidence is, and to staff of their municipality.

use chrono::NaiveDate;
use sea_orm::sea_query::NullOrdering;
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::decode::FastAll as _;
use super::entities::{activity, place};
use super::follow_ups::ProgressEntry;
use super::reader::{Reader, keys};
use super::rows::{ActivityRow, CommitmentRow, PlaceRow};
use super::visibility;
use super::visible::Visible;
use crate::error::ApiResult;

impl Reader {
    /// Activities of the (visible) commitments, oldest first, undated
    /// last: evidence of a visible commitment is visible.
    pub async fn activities_of<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<Visible<ActivityRow>>> {
        Ok(Visible::all(
            activity::Entity::find()
                .filter(activity::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
                .order_by_with_nulls(activity::Column::Date, Order::Asc, NullOrdering::Last)
                .order_by_asc(activity::Column::Id)
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// The visible activities among `ids`.
    pub async fn activities_by_ids(&self, ids: &[Uuid]) -> ApiResult<Vec<Visible<ActivityRow>>> {
        Ok(Visible::all(
            activity::Entity::find()
                .filter(activity::Column::Id.is_in(ids.iter().copied()))
                .filter(visibility::activities(&self.scope))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// (commitment id, date) of every activity evidencing the commitments
    /// of (visible) progress entries, undated ones included: whether one
    /// counts in a period is the domain's rule (`counts_in_period`).
    pub async fn activity_dates_of<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a Visible<ProgressEntry>>,
    ) -> ApiResult<Vec<(Uuid, Option<NaiveDate>)>> {
        let ids = keys(entries, |e| e.entry.commitment_id);
        let rows: Vec<(Option<Uuid>, Option<NaiveDate>)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::CommitmentId)
            .column(activity::Column::Date)
            .filter(activity::Column::CommitmentId.is_in(ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, d)| Some((c?, d)))
            .collect())
    }

    /// The places of (visible) activities. Places are named locations of a
    /// municipality, shown only through what the caller can already see.
    pub async fn places_of_activities<'a>(
        &self,
        activities: impl IntoIterator<Item = &'a Visible<ActivityRow>>,
    ) -> ApiResult<Vec<PlaceRow>> {
        let ids: Vec<Uuid> = activities.into_iter().filter_map(|a| a.place_id).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(place::Entity::find()
            .filter(place::Column::Id.is_in(ids))
            .all(&self.db)
            .await?)
    }
}
