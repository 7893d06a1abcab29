//! The `Query` root. Each resolver starts from the request's scope; codes
//! and IDs from arguments are parsed through the domain before any lookup.

use async_graphql::{Context, ID, InputObject, Object};

use super::context::request;
use super::enums::{FollowUpStatus, PledgeStatus};
use super::scalars::Date;
use super::types::activity::Activity;
use super::types::audit_entry::AuditEntry;
use super::types::commitment::Commitment;
use super::types::comparison::RegionalComparison;
use super::types::connection::{
    AuditEntryConnection, DEFAULT_PAGE, FollowUpConnection, MAX_PAGE, PledgeConnection, Total,
};
use super::types::focus_area::FocusArea;
use super::types::follow_up::FollowUpReport;
use super::types::municipality::Municipality;
use super::types::node::Node;
use super::types::pledge::Pledge;
use super::types::police_area::PoliceArea;
use super::types::police_organisation::{PoliceDistrict, PoliceRegion};
use super::types::viewer::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::RequestContext;
use crate::ids::{self, NodeKind, TimeCursor, TimeList, YearCursor};
use crate::store::audit::AuditFilter;
use crate::store::comparison::{Among, PledgeRows, calendar_year};
use crate::store::directory::Selection;
use crate::store::follow_ups::FollowUpFilter;
use crate::store::pledges::PledgeFilter;

/// Entry point of every read.
#[derive(Debug, Default)]
pub struct Query;

/// Which pledges to list. All given conditions must hold.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "PledgeFilter")]
pub struct PledgeFilterInput {
    /// Municipality code, e.g. "0683".
    pub municipality: Option<String>,
    /// Police-area code, e.g. "lpo-varnamo".
    pub police_area: Option<String>,
    /// Pledge year.
    pub year: Option<i32>,
    /// Lifecycle status.
    pub status: Option<PledgeStatus>,
    /// Focus-area code, e.g. "NARKOTIKA": pledges that name this area.
    pub focus_area: Option<String>,
    /// Pledges in force on this day (validFrom <= day <= validTo).
    pub in_force_on: Option<Date>,
}

impl PledgeFilterInput {
    /// Parses codes through the domain and resolves them to keys. An
    /// unknown code is the caller's mistake: `BAD_USER_INPUT`.
    fn resolve(self, rc: &RequestContext) -> ApiResult<PledgeFilter> {
        let mut filter = PledgeFilter {
            status: self.status.map(Into::into),
            in_force_on: self.in_force_on.map(|d| d.0),
            ..PledgeFilter::default()
        };
        if let Some(raw) = self.municipality {
            filter.municipality_id = Some(rc.reference.municipality_key(&raw)?);
        }
        if let Some(raw) = self.police_area {
            let code = domain::PoliceAreaCode::parse(&raw)?;
            let row = rc
                .reference
                .police_area_by_code(code.as_str())
                .ok_or_else(|| {
                    ApiError::bad_input("policeArea", format!("unknown police-area code {raw:?}"))
                })?;
            filter.police_area_id = Some(row.id);
        }
        if let Some(year) = self.year {
            filter.year = Some(domain::Year::parse(year)?.get());
        }
        if let Some(raw) = self.focus_area {
            let code = domain::FocusAreaCode::parse(&raw)?;
            if rc.reference.focus_area(code.as_str()).is_none() {
                return Err(ApiError::bad_input(
                    "focusArea",
                    format!("unknown focus-area code {raw:?}"),
                ));
            }
            filter.focus_area = Some(code);
        }
        Ok(filter)
    }
}

/// Which follow-up reports to list. All given conditions must hold.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "FollowUpFilter")]
pub struct FollowUpFilterInput {
    /// Municipality code, e.g. "0683".
    pub municipality: Option<String>,
    /// Global ID of the pledge.
    pub pledge: Option<ID>,
    /// The pledge's year.
    pub year: Option<i32>,
    /// Report status.
    pub status: Option<FollowUpStatus>,
    /// Reports that changed at or after this time (inclusive), removals
    /// included: pass the newest `updatedAt` you have seen.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

impl FollowUpFilterInput {
    pub(crate) fn resolve(self, rc: &RequestContext) -> ApiResult<FollowUpFilter> {
        let municipality_id = self
            .municipality
            .map(|raw| rc.reference.municipality_key(&raw))
            .transpose()?;
        let pledge_id = self
            .pledge
            .map(|id| ids::decode(&id, NodeKind::Pledge, "pledge"))
            .transpose()?;
        let year = self
            .year
            .map(domain::Year::parse)
            .transpose()?
            .map(|y| y.get());
        Ok(FollowUpFilter {
            municipality_id,
            pledge_id,
            year,
            status: self.status.map(Into::into),
            updated_since: self.updated_since,
        })
    }
}

/// Which audit entries to list. All given conditions must hold.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "AuditFilter")]
pub struct AuditFilterInput {
    /// Municipality code, e.g. "0683".
    pub municipality: Option<String>,
    /// PLEDGE or COMMITMENT.
    pub entity_type: Option<String>,
    /// Global ID of the entity.
    pub entity_id: Option<ID>,
    /// CREATE, UPDATE, DELETE, APPROVE, PUBLISH or WITHDRAW.
    pub action: Option<String>,
    /// Token subject of whoever made the change.
    pub subject: Option<String>,
    /// Entries at or after this time.
    pub since: Option<chrono::DateTime<chrono::Utc>>,
}

impl AuditFilterInput {
    fn resolve(self, rc: &RequestContext) -> ApiResult<AuditFilter> {
        let municipality_id = self
            .municipality
            .map(|raw| rc.reference.municipality_key(&raw))
            .transpose()?;
        let entity_id = self
            .entity_id
            .map(|id| ids::decode_any(&id, "entityId").map(|(_, key)| key))
            .transpose()?;
        Ok(AuditFilter {
            municipality_id,
            entity_type: self.entity_type,
            entity_id,
            action: self.action,
            subject: self.subject,
            since: self.since,
        })
    }
}

/// Cost of a list field: its items' cost times the page size asked for.
fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.map_or(DEFAULT_PAGE as usize, |n| {
        n.clamp(1, MAX_PAGE as i32) as usize
    });
    size.saturating_mul(child_complexity.max(1))
}

/// Checks a page size: 1..=MAX_PAGE, default DEFAULT_PAGE.
fn page_size(first: Option<i32>) -> ApiResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE as i32).contains(&n) => Ok(n as u64),
        Some(n) => Err(ApiError::bad_input(
            "first",
            format!("first must be between 1 and {MAX_PAGE}, got {n}"),
        )),
    }
}

/// Entry point of every read.
#[Object]
impl Query {
    /// Fetches any object by its global ID. An ID the caller may not see is
    /// not found, exactly like one that never existed.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let rc = request(ctx)?;
        let (kind, key) = ids::decode_any(&id, "id")?;
        let found = match kind {
            NodeKind::Municipality => rc
                .reference
                .municipality(key)
                .cloned()
                .and_then(|m| Municipality::list(vec![m]).pop())
                .map(Node::Municipality),
            NodeKind::PoliceArea => rc
                .reference
                .police_area(key)
                .cloned()
                .map(|a| Node::PoliceArea(PoliceArea::one(a))),
            NodeKind::Pledge => rc
                .reader
                .pledges_by_ids(&[key])
                .await?
                .pop()
                .map(|p| Node::Pledge(Pledge::one(p))),
            NodeKind::Commitment => rc
                .reader
                .commitments_by_ids(&[key])
                .await?
                .pop()
                .map(|c| Node::Commitment(Commitment::one(c))),
            NodeKind::FollowUpReport => rc
                .reader
                .follow_ups_by_ids(&[key])
                .await?
                .pop()
                .map(|r| Node::FollowUpReport(FollowUpReport::one(r))),
            NodeKind::Activity => rc
                .reader
                .activities_by_ids(&[key])
                .await?
                .pop()
                .map(|a| Node::Activity(Activity::one(a))),
            NodeKind::ReferenceRecord => None,
        };
        Ok(Some(found.ok_or(ApiError::NotFound)?))
    }

    /// All municipalities, by name.
    async fn municipalities(&self, ctx: &Context<'_>) -> ApiResult<Vec<Municipality>> {
        let rc = request(ctx)?;
        Ok(Municipality::list(rc.reference.municipalities().to_vec()))
    }

    /// One municipality by SCB code, e.g. "0683".
    async fn municipality(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<Option<Municipality>> {
        let rc = request(ctx)?;
        let code = domain::MunicipalityCode::parse(&code).map_err(ApiError::from)?;
        let row = rc
            .reference
            .municipality_by_code(code.as_str())
            .cloned()
            .ok_or(ApiError::NotFound)?;
        Ok(Municipality::list(vec![row]).pop())
    }

    /// All local police areas, by name.
    async fn police_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceArea>> {
        let rc = request(ctx)?;
        Ok(PoliceArea::list(rc.reference.police_areas().to_vec()))
    }

    /// Municipalities of a selection compared for `year` and the year
    /// before: the pledge in force and figures about it, only what the
    /// caller may read. Select by at most one of `policeArea`,
    /// `policeDistrict` (municipalities covered at any time during the
    /// year), `policeRegion` or `county` (codes); none = every
    /// municipality.
    async fn regional_comparison(
        &self,
        ctx: &Context<'_>,
        year: i32,
        police_area: Option<String>,
        police_district: Option<String>,
        police_region: Option<String>,
        county: Option<String>,
    ) -> ApiResult<RegionalComparison> {
        let rc = request(ctx)?;
        let year = domain::Year::parse(year).map_err(ApiError::from)?.get();
        let mut given = [
            ("policeArea", police_area.map(Selection::PoliceArea)),
            (
                "policeDistrict",
                police_district.map(Selection::PoliceDistrict),
            ),
            ("policeRegion", police_region.map(Selection::PoliceRegion)),
            ("county", county.map(Selection::County)),
        ]
        .into_iter()
        .filter_map(|(field, s)| Some((field, s?)));
        let selection = given.next().map_or(Selection::All, |(_, s)| s);
        if let Some((field, _)) = given.next() {
            return Err(ApiError::bad_input(
                field,
                "select by at most one of policeArea, policeDistrict, policeRegion and county",
            ));
        }
        let period = calendar_year(year)
            .ok_or_else(|| ApiError::bad_input("year", format!("year {year} is out of range")))?;
        let among = Among {
            every: matches!(selection, Selection::All),
            municipalities: rc.reference.select(&selection, &period)?,
        };
        // The pledges' own rows are read only for a query that shows them,
        // and only their heads when it shows nothing else of them.
        let shown = ctx.look_ahead().field("municipalities").field("pledge");
        let pledges = if !shown.exists() {
            PledgeRows::None
        } else if shown.selection_fields().iter().all(|pledge| {
            pledge
                .selection_set()
                .all(|field| Pledge::HEAD_FIELDS.contains(&field.name()))
        }) {
            PledgeRows::Heads
        } else {
            PledgeRows::Whole
        };
        let comparison = rc.reader.regional_comparison(year, among, pledges).await?;
        Ok(RegionalComparison::new(comparison))
    }

    /// The seven police regions, by name.
    async fn police_regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceRegion>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .police_regions()
            .iter()
            .cloned()
            .map(PoliceRegion)
            .collect())
    }

    /// The police districts (polisområden) a source names, by name.
    async fn police_districts(&self, ctx: &Context<'_>) -> ApiResult<Vec<PoliceDistrict>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .police_districts()
            .iter()
            .cloned()
            .map(PoliceDistrict)
            .collect())
    }

    /// The focus-area catalogue, by code.
    async fn focus_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<FocusArea>> {
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .focus_areas()
            .iter()
            .cloned()
            .map(FocusArea)
            .collect())
    }

    /// Pledges the caller may see, newest year first. `first` is 1..=100
    /// (default 20); pass `pageInfo.endCursor` as `after` for the next page.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn pledges(
        &self,
        ctx: &Context<'_>,
        filter: Option<PledgeFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<PledgeConnection> {
        let rc = request(ctx)?;
        let first = page_size(first)?;
        let after = after.as_deref().map(YearCursor::decode).transpose()?;
        let filter = filter.unwrap_or_default().resolve(rc)?;
        let (rows, has_next) = rc.reader.pledge_page(&filter, after, first).await?;
        let items = Pledge::list(rows)
            .into_iter()
            .map(|pledge| {
                let cursor = YearCursor {
                    year: pledge.row().year,
                    id: pledge.row().id,
                };
                (cursor.encode(), pledge)
            })
            .collect();
        Ok(PledgeConnection::new(
            items,
            has_next,
            after.is_some(),
            Total::Pledges(filter),
        ))
    }

    /// The audit log, newest first: every write with who, what, when and
    /// the entity before and after. Admins and analysts read all entries;
    /// others the entries of the municipalities they reach.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<AuditEntryConnection> {
        let rc = request(ctx)?;
        if rc.scope.caller().is_none() {
            return Err(ApiError::Unauthenticated(
                "sign in to read the audit log".to_owned(),
            ));
        }
        let first = page_size(first)?;
        let after = after
            .as_deref()
            .map(|raw| TimeCursor::decode(raw, TimeList::Audit))
            .transpose()?;
        let filter = filter.unwrap_or_default().resolve(rc)?;
        let (rows, has_next) = rc.reader.audit_page(&filter, after, first).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                (
                    TimeCursor {
                        at: row.occurred_at,
                        id: row.id,
                    }
                    .encode(TimeList::Audit),
                    AuditEntry(row),
                )
            })
            .collect();
        Ok(AuditEntryConnection::new(
            items,
            has_next,
            after.is_some(),
            Total::Audit(filter),
        ))
    }

    /// Follow-up reports the caller may see, in the order they last changed
    /// (oldest first). With `updatedSince` this is the sync feed for
    /// integrations: it also returns reports the caller may no longer see
    /// as `removed: true`, so a poller ends with exactly the server's view.
    #[graphql(complexity = "page_cost(first, child_complexity)")]
    async fn follow_ups(
        &self,
        ctx: &Context<'_>,
        filter: Option<FollowUpFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<FollowUpConnection> {
        let rc = request(ctx)?;
        let first = page_size(first)?;
        let after = after
            .as_deref()
            .map(|raw| TimeCursor::decode(raw, TimeList::FollowUps))
            .transpose()?;
        let filter = filter.unwrap_or_default().resolve(rc)?;
        let (rows, has_next) = rc.reader.follow_up_page(&filter, after, first).await?;
        let items = FollowUpReport::list(rows)
            .into_iter()
            .map(|report| (report.cursor(), report))
            .collect();
        Ok(FollowUpConnection::new(
            items,
            has_next,
            after.is_some(),
            Total::FollowUps(filter),
        ))
    }

    /// The caller as the server sees it; null for anonymous callers.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<Viewer>> {
        let rc = request(ctx)?;
        Ok(rc.scope.caller().map(|_| Viewer(rc.scope.clone())))
    }

    /// One pledge by global ID.
    async fn pledge(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Pledge>> {
        let rc = request(ctx)?;
        let key = ids::decode(&id, NodeKind::Pledge, "id")?;
        let row = rc
            .reader
            .pledges_by_ids(&[key])
            .await?
            .pop()
            .ok_or(ApiError::NotFound)?;
        Ok(Some(Pledge::one(row)))
    }
}

#[cfg(test)]
mod tests {
    use super::page_size;

    #[test]
    fn page_size_is_one_to_a_hundred_with_a_default() {
        assert_eq!(page_size(None).expect("default"), 20);
        assert_eq!(page_size(Some(1)).expect("min"), 1);
        assert_eq!(page_size(Some(100)).expect("max"), 100);
        for bad in [0, -1, 101, 1000, i32::MIN] {
            let err = page_size(Some(bad)).expect_err("refused");
            assert_eq!(err.code(), "BAD_USER_INPUT");
        }
    }
}
