//! Warming the request's loader cache before a list is resolved.
//!
//! The DataLoader batches keys that arrive within a short delay. How many
//! arrive in time depends on how fast the resolvers run, so on its own it
//! cannot promise a fixed number of SQL statements. When a resolver returns
//! a list, it calls the matching function here with the query's look-ahead:
//! each nested field the client selected is loaded for *all* items with one
//! `load_many`, level by level, and the item resolvers then find their data
//! in the cache. The cost of a request is then one statement per selected
//! nested field, whatever the page size.

use std::collections::BTreeSet;

use std::hash::Hash;

use async_graphql::Lookahead;
use async_graphql::dataloader::Loader;
use futures::future::BoxFuture;
use uuid::Uuid;

use super::context::RequestContext;
use super::loaders::{
    ActivitiesOfCommitment, CommitmentById, CommitmentsOfPledge, CountyByCode, FocusAreaByCode,
    FocusAreaCodesOfCommitment, FocusAreasOfPledge, FollowUpsOfPledge, LoadError, Loaders,
    MunicipalitiesOfPoliceArea, MunicipalityById, OutcomeOfCommitment, PlaceById,
    PlacesOfCommitment, PledgeById, PledgesOfMunicipality, PoliceAreaById,
    PoliceAreaOfMunicipality, ProgressOfCommitment, ProgressOfReport, SignatoriesOfPledge,
};
use super::types::strings;
use crate::error::ApiResult;
use crate::store::entities::{
    activity, commitment, follow_up_report, municipality, pledge, police_area,
};

/// The selection under `name`, following both `nodes` and `edges.node` of
/// a connection.
pub(crate) fn connection_items<'b>(la: &Lookahead<'b>) -> [Lookahead<'b>; 2] {
    [la.field("nodes"), la.field("edges").field("node")]
}

fn dedup<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The values of `keys`, loaded in one batch.
async fn values<K, V>(rc: &RequestContext, keys: impl Iterator<Item = K>) -> ApiResult<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Value = V, Error = LoadError>,
{
    Ok(rc.load_many(keys.collect()).await?.into_values().collect())
}

/// The lists of `keys`, loaded in one batch and joined.
async fn flattened<K, V>(rc: &RequestContext, keys: impl Iterator<Item = K>) -> ApiResult<Vec<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Value = Vec<V>, Error = LoadError>,
{
    Ok(rc
        .load_many(keys.collect())
        .await?
        .into_values()
        .flatten()
        .collect())
}

/// Warms what `la` selects of `rows` (pledges).
pub(crate) fn pledges<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [pledge::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();

        let sel = la.field("municipality");
        if sel.exists() {
            let keys = dedup(rows.iter().map(|r| r.municipality_id));
            let list: Vec<municipality::Model> =
                values(rc, keys.into_iter().map(MunicipalityById)).await?;
            municipalities(rc, &sel, &list).await?;
        }
        let sel = la.field("policeArea");
        if sel.exists() {
            let keys = dedup(rows.iter().map(|r| r.police_area_id));
            let list: Vec<police_area::Model> =
                values(rc, keys.into_iter().map(PoliceAreaById)).await?;
            police_areas(rc, &sel, &list).await?;
        }
        let sel = la.field("focusAreas");
        if sel.exists() {
            let found = rc
                .load_many(ids.iter().copied().map(FocusAreasOfPledge).collect())
                .await?;
            if sel.field("focusArea").exists() || sel.field("specialFocus").exists() {
                let codes = dedup(found.values().flatten().flat_map(|f| {
                    let mut codes = strings(&f.special_focus);
                    codes.push(f.focus_area_code.clone());
                    codes
                }));
                rc.load_many(codes.into_iter().map(FocusAreaByCode).collect())
                    .await?;
            }
        }
        if la.field("signatories").exists() {
            rc.load_many(ids.iter().copied().map(SignatoriesOfPledge).collect())
                .await?;
        }
        let sel = la.field("commitments");
        if sel.exists() {
            let list: Vec<commitment::Model> =
                flattened(rc, ids.iter().copied().map(CommitmentsOfPledge)).await?;
            commitments(rc, &sel, &list).await?;
        }
        let sel = la.field("followUps");
        if sel.exists() {
            let list: Vec<follow_up_report::Model> =
                flattened(rc, ids.iter().copied().map(FollowUpsOfPledge)).await?;
            follow_ups(rc, &sel, &list).await?;
        }
        let sel = la.field("supersedes");
        if sel.exists() {
            let keys = dedup(rows.iter().filter_map(|r| r.supersedes_id));
            let list: Vec<pledge::Model> = values(rc, keys.into_iter().map(PledgeById)).await?;
            pledges(rc, &sel, &list).await?;
        }
        Ok(())
    })
}

/// Warms what `la` selects of `rows` (follow-up reports whose content the
/// caller may see).
pub(crate) fn follow_ups<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [follow_up_report::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        let pledge_sel = la.field("pledge");
        if pledge_sel.exists() || la.field("cumulative").exists() {
            let keys = dedup(rows.iter().map(|r| r.pledge_id));
            let list: Vec<pledge::Model> = values(rc, keys.into_iter().map(PledgeById)).await?;
            pledges(rc, &pledge_sel, &list).await?;
        }
        let sel = la.field("progress");
        if sel.exists() {
            let found = rc
                .load_many(rows.iter().map(|r| ProgressOfReport(r.id)).collect())
                .await?;
            let commitment_sel = sel.field("commitment");
            if commitment_sel.exists() {
                let keys = dedup(found.values().flatten().map(|p| p.commitment_id));
                let list: Vec<commitment::Model> =
                    values(rc, keys.into_iter().map(CommitmentById)).await?;
                commitments(rc, &commitment_sel, &list).await?;
            }
            if sel.field("countedActivities").exists() {
                let keys = dedup(found.values().flatten().map(|p| p.commitment_id));
                rc.load_many(keys.into_iter().map(ActivitiesOfCommitment).collect())
                    .await?;
            }
        }
        Ok(())
    })
}

/// Warms what `la` selects of `rows` (commitments).
pub(crate) fn commitments<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [commitment::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        if la.field("focusAreas").exists() {
            let found = rc
                .load_many(
                    ids.iter()
                        .copied()
                        .map(FocusAreaCodesOfCommitment)
                        .collect(),
                )
                .await?;
            let codes = dedup(found.into_values().flatten());
            rc.load_many(codes.into_iter().map(FocusAreaByCode).collect())
                .await?;
        }
        if la.field("places").exists() {
            rc.load_many(ids.iter().copied().map(PlacesOfCommitment).collect())
                .await?;
        }
        let sel = la.field("activities");
        if sel.exists() {
            let list: Vec<activity::Model> =
                flattened(rc, ids.iter().copied().map(ActivitiesOfCommitment)).await?;
            activities(rc, &sel, &list).await?;
        }
        if la.field("latestProgress").exists() || la.field("progressHistory").exists() {
            rc.load_many(ids.iter().copied().map(ProgressOfCommitment).collect())
                .await?;
        }
        if la.field("outcome").exists() {
            rc.load_many(ids.iter().copied().map(OutcomeOfCommitment).collect())
                .await?;
        }
        let sel = la.field("pledge");
        if sel.exists() {
            let keys = dedup(rows.iter().map(|r| r.pledge_id));
            let list: Vec<pledge::Model> = values(rc, keys.into_iter().map(PledgeById)).await?;
            pledges(rc, &sel, &list).await?;
        }
        Ok(())
    })
}

/// Warms what `la` selects of `rows` (activities).
pub(crate) fn activities<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [activity::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        if la.field("place").exists() {
            let keys = dedup(rows.iter().filter_map(|r| r.place_id));
            rc.load_many(keys.into_iter().map(PlaceById).collect())
                .await?;
        }
        let sel = la.field("commitment");
        if sel.exists() {
            let keys = dedup(rows.iter().filter_map(|r| r.commitment_id));
            let list: Vec<commitment::Model> =
                values(rc, keys.into_iter().map(CommitmentById)).await?;
            commitments(rc, &sel, &list).await?;
        }
        Ok(())
    })
}

/// Warms what `la` selects of `rows` (municipalities).
pub(crate) fn municipalities<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [municipality::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        if la.field("county").exists() {
            let keys = dedup(rows.iter().map(|r| r.county_code.clone()));
            rc.load_many(keys.into_iter().map(CountyByCode).collect())
                .await?;
        }
        let sel = la.field("policeArea");
        if sel.exists() {
            let list: Vec<police_area::Model> =
                values(rc, ids.iter().copied().map(PoliceAreaOfMunicipality)).await?;
            police_areas(rc, &sel, &list).await?;
        }
        let sel = la.field("pledges");
        if sel.exists() {
            let list: Vec<pledge::Model> =
                flattened(rc, ids.iter().copied().map(PledgesOfMunicipality)).await?;
            pledges(rc, &sel, &list).await?;
        }
        Ok(())
    })
}

/// Warms what `la` selects of `rows` (police areas).
pub(crate) fn police_areas<'a, 'b: 'a>(
    rc: &'a RequestContext,
    la: &'a Lookahead<'b>,
    rows: &'a [police_area::Model],
) -> BoxFuture<'a, ApiResult<()>> {
    Box::pin(async move {
        if rows.is_empty() || !la.exists() {
            return Ok(());
        }
        let sel = la.field("municipalities");
        if sel.exists() {
            let keys = dedup(rows.iter().map(|r| r.id));
            let list: Vec<municipality::Model> =
                flattened(rc, keys.into_iter().map(MunicipalitiesOfPoliceArea)).await?;
            municipalities(rc, &sel, &list).await?;
        }
        Ok(())
    })
}
