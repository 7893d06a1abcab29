//! Batch loaders: every nested list or reference in the schema is loaded
//! through one of these, so a page of N pledges costs the same number of SQL
//! statements as a page of one. Each key type is one batched query.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::error::ApiError;
use crate::scope::Scope;
use crate::store::entities::{
    activity, commitment, commitment_outcome, commitment_progress, county, focus_area,
    follow_up_report, municipality, place, pledge, pledge_focus_area, police_area, signatory,
};
use crate::store::{activities, commitments, follow_ups, pledges, reference};

/// The loader of one request (see `context`).
#[derive(Debug)]
pub struct Loaders {
    pub(super) db: DatabaseConnection,
    pub(super) scope: Arc<Scope>,
    pub(super) today: NaiveDate,
}

/// Loader errors must be `Clone`; the error is shared by every waiting key.
pub type LoadError = Arc<ApiError>;

macro_rules! key {
    ($($(#[$m:meta])* $name:ident($inner:ty);)+) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(pub $inner);
    )+};
}

key! {
    /// A municipality by key.
    MunicipalityById(Uuid);
    /// A police area by key.
    PoliceAreaById(Uuid);
    /// A county by code.
    CountyByCode(String);
    /// A catalogue focus area by code.
    FocusAreaByCode(String);
    /// The police area covering a municipality today.
    PoliceAreaOfMunicipality(Uuid);
    /// The municipalities a police area covers today.
    MunicipalitiesOfPoliceArea(Uuid);
    /// The visible pledges of a municipality.
    PledgesOfMunicipality(Uuid);
    /// A visible pledge by key.
    PledgeById(Uuid);
    /// A visible commitment by key.
    CommitmentById(Uuid);
    /// A visible activity by key.
    ActivityById(Uuid);
    /// The commitments of a pledge.
    CommitmentsOfPledge(Uuid);
    /// The signatories of a pledge.
    SignatoriesOfPledge(Uuid);
    /// The focus areas of a pledge, with the pledge's own texts.
    FocusAreasOfPledge(Uuid);
    /// The focus-area codes of a commitment.
    FocusAreaCodesOfCommitment(Uuid);
    /// The places of a commitment.
    PlacesOfCommitment(Uuid);
    /// The activities evidencing a commitment.
    ActivitiesOfCommitment(Uuid);
    /// A place by key.
    PlaceById(Uuid);
    /// A visible follow-up report by key.
    FollowUpById(Uuid);
    /// The visible follow-up reports of a pledge.
    FollowUpsOfPledge(Uuid);
    /// The progress entries of a report.
    ProgressOfReport(Uuid);
    /// Every visible progress entry of a commitment, newest period first.
    ProgressOfCommitment(Uuid);
    /// The outcome of a commitment.
    OutcomeOfCommitment(Uuid);
}

/// Groups `rows` under the key `key_of` gives them; every requested key gets
/// an entry, empty when nothing matched, so "no rows" is cached too.
fn group<K, R>(
    keys: &[K],
    rows: impl IntoIterator<Item = R>,
    key_of: impl Fn(&R) -> K,
) -> HashMap<K, Vec<R>>
where
    K: Eq + Hash + Clone,
{
    let mut out: HashMap<K, Vec<R>> = keys.iter().map(|k| (k.clone(), Vec::new())).collect();
    for row in rows {
        if let Some(list) = out.get_mut(&key_of(&row)) {
            list.push(row);
        }
    }
    out
}

fn inner<K: Clone, T>(keys: &[K], f: impl Fn(K) -> T) -> Vec<T> {
    keys.iter().cloned().map(f).collect()
}

impl Loader<MunicipalityById> for Loaders {
    type Value = municipality::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[MunicipalityById],
    ) -> Result<HashMap<MunicipalityById, Self::Value>, Self::Error> {
        let rows = reference::municipalities_by_ids(&self.db, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (MunicipalityById(r.id), r))
            .collect())
    }
}

impl Loader<PoliceAreaById> for Loaders {
    type Value = police_area::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PoliceAreaById],
    ) -> Result<HashMap<PoliceAreaById, Self::Value>, Self::Error> {
        let rows = reference::police_areas_by_ids(&self.db, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (PoliceAreaById(r.id), r))
            .collect())
    }
}

impl Loader<CountyByCode> for Loaders {
    type Value = county::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[CountyByCode],
    ) -> Result<HashMap<CountyByCode, Self::Value>, Self::Error> {
        let rows = reference::counties_by_codes(&self.db, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (CountyByCode(r.code.clone()), r))
            .collect())
    }
}

impl Loader<FocusAreaByCode> for Loaders {
    type Value = focus_area::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FocusAreaByCode],
    ) -> Result<HashMap<FocusAreaByCode, Self::Value>, Self::Error> {
        let rows = reference::focus_areas_by_codes(&self.db, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (FocusAreaByCode(r.code.clone()), r))
            .collect())
    }
}

impl Loader<PoliceAreaOfMunicipality> for Loaders {
    type Value = police_area::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PoliceAreaOfMunicipality],
    ) -> Result<HashMap<PoliceAreaOfMunicipality, Self::Value>, Self::Error> {
        let covering =
            reference::police_area_ids_covering(&self.db, &inner(keys, |k| k.0), self.today)
                .await?;
        let area_ids: Vec<Uuid> = covering.values().copied().collect();
        let areas: HashMap<Uuid, police_area::Model> =
            reference::police_areas_by_ids(&self.db, &area_ids)
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
        Ok(covering
            .into_iter()
            .filter_map(|(m, a)| {
                areas
                    .get(&a)
                    .map(|area| (PoliceAreaOfMunicipality(m), area.clone()))
            })
            .collect())
    }
}

impl Loader<MunicipalitiesOfPoliceArea> for Loaders {
    type Value = Vec<municipality::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[MunicipalitiesOfPoliceArea],
    ) -> Result<HashMap<MunicipalitiesOfPoliceArea, Self::Value>, Self::Error> {
        let mut covered =
            reference::municipalities_covered_by(&self.db, &inner(keys, |k| k.0), self.today)
                .await?;
        Ok(keys
            .iter()
            .map(|k| (k.clone(), covered.remove(&k.0).unwrap_or_default()))
            .collect())
    }
}

impl Loader<PledgesOfMunicipality> for Loaders {
    type Value = Vec<pledge::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PledgesOfMunicipality],
    ) -> Result<HashMap<PledgesOfMunicipality, Self::Value>, Self::Error> {
        let rows = pledges::of_municipalities(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| {
            PledgesOfMunicipality(r.municipality_id)
        }))
    }
}

impl Loader<PledgeById> for Loaders {
    type Value = pledge::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PledgeById],
    ) -> Result<HashMap<PledgeById, Self::Value>, Self::Error> {
        let rows = pledges::by_ids(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (PledgeById(r.id), r)).collect())
    }
}

impl Loader<CommitmentById> for Loaders {
    type Value = commitment::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[CommitmentById],
    ) -> Result<HashMap<CommitmentById, Self::Value>, Self::Error> {
        let rows = commitments::by_ids(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (CommitmentById(r.id), r))
            .collect())
    }
}

impl Loader<ActivityById> for Loaders {
    type Value = activity::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ActivityById],
    ) -> Result<HashMap<ActivityById, Self::Value>, Self::Error> {
        let rows = activities::by_ids(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (ActivityById(r.id), r)).collect())
    }
}

impl Loader<CommitmentsOfPledge> for Loaders {
    type Value = Vec<commitment::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[CommitmentsOfPledge],
    ) -> Result<HashMap<CommitmentsOfPledge, Self::Value>, Self::Error> {
        let rows = commitments::of_pledges(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| CommitmentsOfPledge(r.pledge_id)))
    }
}

impl Loader<SignatoriesOfPledge> for Loaders {
    type Value = Vec<signatory::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[SignatoriesOfPledge],
    ) -> Result<HashMap<SignatoriesOfPledge, Self::Value>, Self::Error> {
        let rows = pledges::signatories_of(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| SignatoriesOfPledge(r.pledge_id)))
    }
}

impl Loader<FocusAreasOfPledge> for Loaders {
    type Value = Vec<pledge_focus_area::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FocusAreasOfPledge],
    ) -> Result<HashMap<FocusAreasOfPledge, Self::Value>, Self::Error> {
        let rows = pledges::focus_areas_of(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| FocusAreasOfPledge(r.pledge_id)))
    }
}

impl Loader<FocusAreaCodesOfCommitment> for Loaders {
    type Value = Vec<String>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FocusAreaCodesOfCommitment],
    ) -> Result<HashMap<FocusAreaCodesOfCommitment, Self::Value>, Self::Error> {
        let links =
            commitments::focus_area_links(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        let grouped = group(keys, links, |l| FocusAreaCodesOfCommitment(l.commitment_id));
        Ok(grouped
            .into_iter()
            .map(|(k, links)| (k, links.into_iter().map(|l| l.focus_area_code).collect()))
            .collect())
    }
}

impl Loader<PlacesOfCommitment> for Loaders {
    type Value = Vec<place::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PlacesOfCommitment],
    ) -> Result<HashMap<PlacesOfCommitment, Self::Value>, Self::Error> {
        let pairs = commitments::places_of(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        let grouped = group(keys, pairs, |(c, _)| PlacesOfCommitment(*c));
        Ok(grouped
            .into_iter()
            .map(|(k, pairs)| (k, pairs.into_iter().map(|(_, p)| p).collect()))
            .collect())
    }
}

impl Loader<ActivitiesOfCommitment> for Loaders {
    type Value = Vec<activity::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ActivitiesOfCommitment],
    ) -> Result<HashMap<ActivitiesOfCommitment, Self::Value>, Self::Error> {
        let rows = activities::of_commitments(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| {
            ActivitiesOfCommitment(r.commitment_id.unwrap_or_default())
        }))
    }
}

impl Loader<PlaceById> for Loaders {
    type Value = place::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[PlaceById],
    ) -> Result<HashMap<PlaceById, Self::Value>, Self::Error> {
        let rows = activities::places_by_ids(&self.db, &inner(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (PlaceById(r.id), r)).collect())
    }
}

impl Loader<FollowUpById> for Loaders {
    type Value = follow_up_report::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FollowUpById],
    ) -> Result<HashMap<FollowUpById, Self::Value>, Self::Error> {
        let rows = follow_ups::by_ids(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(rows.into_iter().map(|r| (FollowUpById(r.id), r)).collect())
    }
}

impl Loader<FollowUpsOfPledge> for Loaders {
    type Value = Vec<follow_up_report::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[FollowUpsOfPledge],
    ) -> Result<HashMap<FollowUpsOfPledge, Self::Value>, Self::Error> {
        let rows = follow_ups::of_pledges(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| FollowUpsOfPledge(r.pledge_id)))
    }
}

impl Loader<ProgressOfReport> for Loaders {
    type Value = Vec<commitment_progress::Model>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ProgressOfReport],
    ) -> Result<HashMap<ProgressOfReport, Self::Value>, Self::Error> {
        let rows =
            follow_ups::progress_of_reports(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(group(keys, rows, |r| ProgressOfReport(r.report_id)))
    }
}

impl Loader<ProgressOfCommitment> for Loaders {
    type Value = Vec<(commitment_progress::Model, follow_up_report::Model)>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[ProgressOfCommitment],
    ) -> Result<HashMap<ProgressOfCommitment, Self::Value>, Self::Error> {
        let rows =
            follow_ups::progress_of_commitments(&self.db, &self.scope, &inner(keys, |k| k.0))
                .await?;
        Ok(group(keys, rows, |(p, _)| {
            ProgressOfCommitment(p.commitment_id)
        }))
    }
}

impl Loader<OutcomeOfCommitment> for Loaders {
    type Value = commitment_outcome::Model;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[OutcomeOfCommitment],
    ) -> Result<HashMap<OutcomeOfCommitment, Self::Value>, Self::Error> {
        let rows = follow_ups::outcomes_of(&self.db, &self.scope, &inner(keys, |k| k.0)).await?;
        Ok(rows
            .into_iter()
            .map(|r| (OutcomeOfCommitment(r.commitment_id), r))
            .collect())
    }
}
