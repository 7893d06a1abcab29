//! `Pledge` (medborgarlöfte) and `Signatory`.

use std::collections::HashMap;

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::graphql::batch::{Children, Item, keyed, once};
use crate::graphql::context::request;
use crate::graphql::enums::{BasisKind, Party, PledgeStatus, Provenance};
use crate::graphql::scalars::Date;
use crate::ids::{self, NodeKind};
use crate::store::follow_ups::Listed as ListedReport;
use crate::store::rows::{
    CommitmentRow, PledgeFocusAreaRow, PledgeRow, SignatoryRow, SourceNoteRow,
};
use crate::store::{Listed, Visible};

use super::commitment::{Commitment, CommitmentLoaded};
use super::focus_area::PledgeFocusArea;
use super::follow_up::{FollowUpLoaded, FollowUpReport};
use super::municipality::Municipality;
use super::police_area::PoliceArea;
use super::{stored, strings};

/// What has been loaded for a batch of pledges, one cell per relation.
#[derive(Debug, Default)]
pub(crate) struct PledgeLoaded {
    municipalities: OnceCell<HashMap<Uuid, Municipality>>,
    police_areas: OnceCell<HashMap<Uuid, PoliceArea>>,
    supersedes: OnceCell<HashMap<Uuid, Pledge>>,
    focus_areas: OnceCell<Children<PledgeFocusAreaRow, ()>>,
    commitments: OnceCell<Children<Visible<CommitmentRow>, CommitmentLoaded>>,
    signatories: OnceCell<Children<SignatoryRow, ()>>,
    follow_ups: OnceCell<Children<ListedReport, FollowUpLoaded>>,
}

/// A citizen pledge (medborgarlöfte): what a municipality and its local
/// police area promise their residents for a period, and why. In a
/// `pledgeChanged` event, a pledge the subscriber can no longer see comes
/// with `removed: true` and its identity only (see `removed`).
#[derive(Debug, Clone)]
pub struct Pledge(pub(crate) Item<Listed<PledgeRow>, PledgeLoaded>);

impl Pledge {
    /// One object per row, resolved together.
    pub(crate) fn list(rows: Vec<Visible<PledgeRow>>) -> Vec<Self> {
        Item::all(shown(rows)).into_iter().map(Self).collect()
    }

    pub(crate) fn one(row: Visible<PledgeRow>) -> Self {
        Self(Item::one(Listed::Shown(row)))
    }

    /// A pledge of a subscription event: shown, or a removal.
    pub(crate) fn event(entry: Listed<PledgeRow>) -> Self {
        Self(Item::one(entry))
    }

    /// One batch of `rows`, by id.
    pub(crate) fn keyed(rows: Vec<Visible<PledgeRow>>) -> HashMap<Uuid, Self> {
        keyed(shown(rows), |p| p.row().id, Self)
    }

    /// One batch of `rows`, grouped by `parent`.
    pub(crate) fn children(
        rows: Vec<Visible<PledgeRow>>,
        parent: impl Fn(&PledgeRow) -> Uuid,
    ) -> Children<Listed<PledgeRow>, PledgeLoaded> {
        Children::new(shown(rows), |p| parent(p.row()))
    }

    pub(crate) fn row(&self) -> &PledgeRow {
        self.0.row().row()
    }

    /// The row, when the caller may see its content (not a removal).
    fn content(&self) -> Option<&PledgeRow> {
        self.0.row().shown().map(|row| &**row)
    }

    /// The rows of the batch the caller may see, for loading children: a
    /// removal has none to show.
    fn visible_siblings(&self) -> impl Iterator<Item = &Visible<PledgeRow>> {
        self.0.siblings().iter().filter_map(Listed::shown)
    }

    /// The fields resolved from a pledge's head columns alone (those of
    /// `store::comparison::PledgeHead`): a list that asks for nothing else
    /// may read the heads instead of whole rows. A field belongs here only
    /// if its resolver reads no other column; the comparison tests check
    /// every one against a whole row.
    pub const HEAD_FIELDS: &'static [&'static str] = &[
        "__typename",
        "id",
        "year",
        "title",
        "status",
        "validFrom",
        "validTo",
        "inForce",
        "signedOn",
        "version",
        "municipality",
        "policeArea",
        "removed",
    ];
}

fn shown(rows: Vec<Visible<PledgeRow>>) -> Vec<Listed<PledgeRow>> {
    rows.into_iter().map(Listed::Shown).collect()
}

/// A citizen pledge (medborgarlöfte): what a municipality and its local
/// police area promise their residents for a period, and why.
#[Object]
impl Pledge {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Pledge, self.row().id)
    }

    /// The year the pledge is for.
    async fn year(&self) -> i32 {
        self.row().year
    }

    /// Title, as the document gives it.
    async fn title(&self) -> &str {
        &self.row().title
    }

    /// Lifecycle status.
    async fn status(&self) -> ApiResult<PledgeStatus> {
        Ok(stored(domain::PledgeStatus::parse(&self.row().status))?.into())
    }

    /// First day the pledge applies.
    async fn valid_from(&self) -> Date {
        self.row().valid_from.into()
    }

    /// Last day the pledge applies (inclusive).
    async fn valid_to(&self) -> Date {
        self.row().valid_to.into()
    }

    /// Whether today falls within the validity period.
    async fn in_force(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let today = request(ctx)?.today;
        Ok(self.row().valid_from <= today && today <= self.row().valid_to)
    }

    /// Day both sides had signed; null when not signed or not known.
    async fn signed_on(&self) -> Option<Date> {
        self.row().signed_on.map(Date)
    }

    /// Version for optimistic concurrency; send it back when editing.
    async fn version(&self) -> i32 {
        self.row().version
    }

    /// The municipality (tenant) making the pledge.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Municipality> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().municipalities, || async {
            let mut ids: Vec<Uuid> = self
                .0
                .siblings()
                .iter()
                .map(|p| p.row().municipality_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let reference = rc
                .reference_knowing(|r| ids.iter().all(|id| r.municipality(*id).is_some()))
                .await?;
            let rows = ids
                .iter()
                .filter_map(|id| reference.municipality(*id).cloned())
                .collect();
            Ok(keyed(rows, |m| m.id, Municipality))
        })
        .await?;
        Ok(all
            .get(&self.row().municipality_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("pledge without municipality"))?)
    }

    /// The local police area making the pledge.
    async fn police_area(&self, ctx: &Context<'_>) -> ApiResult<PoliceArea> {
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().police_areas, || async {
            let mut ids: Vec<Uuid> = self
                .0
                .siblings()
                .iter()
                .map(|p| p.row().police_area_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let reference = rc
                .reference_knowing(|r| ids.iter().all(|id| r.police_area(*id).is_some()))
                .await?;
            let rows = ids
                .iter()
                .filter_map(|id| reference.police_area(*id).cloned())
                .collect();
            Ok(keyed(rows, |a| a.id, PoliceArea))
        })
        .await?;
        Ok(all
            .get(&self.row().police_area_id)
            .cloned()
            .ok_or_else(|| ApiError::internal("pledge without police area"))?)
    }

    /// Opening text explaining the pledge, before the promise itself.
    async fn introduction(&self) -> Option<&str> {
        self.content().and_then(|row| row.introduction.as_deref())
    }

    /// The promise ("… lovar att …"), verbatim.
    async fn promise_statement(&self) -> Option<&str> {
        self.content()
            .and_then(|row| row.promise_statement.as_deref())
    }

    /// The general situation picture (lägesbild).
    async fn situation_picture(&self) -> Option<&str> {
        self.content()
            .and_then(|row| row.situation_picture.as_deref())
    }

    /// The expected effect (effekt).
    async fn expected_effect(&self) -> Option<&str> {
        self.content()
            .and_then(|row| row.expected_effect.as_deref())
    }

    /// Background (bakgrund): how the pledge came about.
    async fn background(&self) -> Option<&str> {
        self.content().and_then(|row| row.background.as_deref())
    }

    /// Kinds of evidence the pledge is built on (underlag).
    async fn basis_kinds(&self) -> ApiResult<Vec<BasisKind>> {
        let Some(row) = self.content() else {
            return Ok(Vec::new());
        };
        strings(&row.basis_kinds)
            .iter()
            .map(|k| Ok(stored(domain::BasisKind::parse(k))?.into()))
            .collect()
    }

    /// How the pledge is followed up (uppföljning).
    async fn follow_up_plan(&self) -> Option<&str> {
        self.content().and_then(|row| row.follow_up_plan.as_deref())
    }

    /// Who prepared the pledge, as the document names them.
    async fn prepared_by(&self) -> Option<&str> {
        self.content().and_then(|row| row.prepared_by.as_deref())
    }

    /// Title of the source document.
    async fn source_title(&self) -> Option<&str> {
        self.content().and_then(|row| row.source_title.as_deref())
    }

    /// Where the source document is published.
    async fn source_url(&self) -> Option<&str> {
        self.content().and_then(|row| row.source_url.as_deref())
    }

    /// Where this record comes from: IMPORTED from the published document
    /// named by `sourceTitle`/`sourceUrl` (signed there; no approvals are
    /// recorded here), or RECORDED through this API.
    async fn provenance(&self) -> ApiResult<Provenance> {
        Ok(stored(domain::Provenance::parse(&self.row().provenance))?.into())
    }

    /// Whether the source gives `validFrom` and `validTo`. False when
    /// either is inferred; `inferenceNote` says which and why.
    async fn validity_stated(&self) -> bool {
        self.row().validity_stated
    }

    /// Whether the source gives `signedOn`. False when the date is
    /// inferred (in part); `inferenceNote` says why. True when `signedOn`
    /// is null: nothing is inferred then.
    async fn signed_on_stated(&self) -> bool {
        self.row().signed_on_stated
    }

    /// What in this record was inferred rather than taken from its source,
    /// and why; null when nothing was.
    async fn inference_note(&self) -> Option<&str> {
        self.content().and_then(|row| row.inference_note.as_deref())
    }

    /// Text about the pledge from other published documents (a news
    /// article), verbatim, each with its source.
    async fn source_notes(&self) -> ApiResult<Vec<SourceNote>> {
        let Some(row) = self.content() else {
            return Ok(Vec::new());
        };
        let notes: Vec<SourceNoteRow> =
            stored_json(&row.source_notes).map_err(ApiError::internal)?;
        Ok(notes.into_iter().map(SourceNote).collect())
    }

    /// Why the pledge was withdrawn, when it was.
    async fn withdrawn_reason(&self) -> Option<&str> {
        self.content()
            .and_then(|row| row.withdrawn_reason.as_deref())
    }

    /// The earlier pledge this one replaces, if the caller may see it.
    async fn supersedes(&self, ctx: &Context<'_>) -> ApiResult<Option<Pledge>> {
        let Some(id) = self.content().and_then(|row| row.supersedes_id) else {
            return Ok(None);
        };
        let rc = request(ctx)?;
        let all = once(&self.0.loaded().supersedes, || async {
            let ids: Vec<Uuid> = self
                .visible_siblings()
                .filter_map(|p| p.supersedes_id)
                .collect();
            let rows = rc.reader.pledges_by_ids(&ids).await?;
            Ok(Pledge::keyed(rows))
        })
        .await?;
        Ok(all.get(&id).cloned())
    }

    /// The focus areas with the pledge's own text about each, in order.
    async fn focus_areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<PledgeFocusArea>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().focus_areas, || async {
            let rows = rc
                .reader
                .pledge_focus_areas_of(self.visible_siblings())
                .await?;
            Ok(Children::new(rows, |f| f.pledge_id))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(PledgeFocusArea)
            .collect())
    }

    /// The commitments ("Detta gör vi genom att …"), ordered by position.
    async fn commitments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Commitment>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().commitments, || async {
            let rows = rc.reader.commitments_of(self.visible_siblings()).await?;
            Ok(Children::new(rows, |c| c.pledge_id))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(Commitment)
            .collect())
    }

    /// The people who signed, municipality side first as in the documents.
    async fn signatories(&self, ctx: &Context<'_>) -> ApiResult<Vec<Signatory>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().signatories, || async {
            let rows = rc.reader.signatories_of(self.visible_siblings()).await?;
            Ok(Children::new(rows, |s| s.pledge_id))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(Signatory)
            .collect())
    }

    /// Follow-up reports the caller may see, by period.
    async fn follow_ups(&self, ctx: &Context<'_>) -> ApiResult<Vec<FollowUpReport>> {
        let rc = request(ctx)?;
        let children = once(&self.0.loaded().follow_ups, || async {
            let rows = rc.reader.follow_ups_of(self.visible_siblings()).await?;
            Ok(Children::new(
                rows.into_iter().map(ListedReport::Shown).collect(),
                |r| r.row().pledge_id,
            ))
        })
        .await?;
        Ok(children
            .of(self.row().id)
            .into_iter()
            .map(FollowUpReport)
            .collect())
    }

    /// True in a `pledgeChanged` event when the subscriber could see the
    /// pledge before the change and cannot after it (for the public: it
    /// was withdrawn): drop your copy. Such an event carries the pledge's
    /// identity, status and version only; its texts are null and its
    /// lists empty. False everywhere else.
    async fn removed(&self) -> bool {
        self.content().is_none()
    }

    /// When the pledge was created here.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row().created_at
    }

    /// When the pledge last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row().updated_at
    }
}

/// A person who signed a pledge for one side.
#[derive(Debug, Clone)]
pub struct Signatory(pub(crate) Item<SignatoryRow, ()>);

/// A person who signed a pledge for one side.
#[Object]
impl Signatory {
    /// Full name.
    async fn name(&self) -> &str {
        &self.0.row().name
    }

    /// Title, e.g. "Kommunstyrelsens ordförande".
    async fn title(&self) -> Option<&str> {
        self.0.row().title.as_deref()
    }

    /// The side signed for: MUNICIPALITY or POLICE.
    async fn party(&self) -> ApiResult<Party> {
        Ok(stored(domain::Party::parse(&self.0.row().party))?.into())
    }

    /// Day of signing; null when the document does not say.
    async fn signed_on(&self) -> Option<Date> {
        self.0.row().signed_on.map(Date)
    }

    /// Whether the source gives `signedOn`; false when it is inferred
    /// (the pledge's `inferenceNote` says why), true when it is null.
    async fn signed_on_stated(&self) -> bool {
        self.0.row().signed_on_stated
    }
}

/// Text about a pledge from another published document, verbatim.
#[derive(Debug, Clone)]
pub struct SourceNote(SourceNoteRow);

/// Text about a pledge from another published document, verbatim.
#[Object]
impl SourceNote {
    /// The text, as the document writes it.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// Who the document attributes the text to, with the role it gives
    /// them, e.g. "säkerhetssamordnare Marcus Skytt".
    async fn said_by(&self) -> Option<&str> {
        self.0.said_by.as_deref()
    }

    /// Title of the document.
    async fn source_title(&self) -> &str {
        &self.0.source_title
    }

    /// Where the document is published.
    async fn source_url(&self) -> Option<&str> {
        self.0.source_url.as_deref()
    }
}

/// A JSON column in its stored shape; anything else was written around
/// the API.
fn stored_json<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|e| format!("stored JSON rejected: {e}"))
}
