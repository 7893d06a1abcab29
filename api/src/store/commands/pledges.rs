//! Creating and editing pledges, and moving them through their lifecycle
//! (see `domain::lifecycle`).

use chrono::NaiveDate;
use domain::{Approval, BasisKind, Lifecycle, PledgeStatus, Transition, ValidityPeriod};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use serde::Serialize;
use uuid::Uuid;

use super::audit::{self, Action, Entity};
use super::{Actor, Change, Write, expect_version, require_edit};
use crate::error::{ApiError, ApiResult};
use crate::store::entities::{pledge, pledge_focus_area, signatory};
use crate::store::{Writer, pledges, reference};

/// The free-text sections of a pledge.
#[derive(Debug, Clone, Default)]
pub struct PledgeTexts {
    pub introduction: Change<String>,
    pub promise_statement: Change<String>,
    pub situation_picture: Change<String>,
    pub expected_effect: Change<String>,
    pub background: Change<String>,
    pub follow_up_plan: Change<String>,
    pub prepared_by: Change<String>,
    pub source_title: Change<String>,
    pub source_url: Change<String>,
}

/// A focus area of a pledge with the pledge's own text about it.
#[derive(Debug, Clone)]
pub struct FocusAreaEntry {
    pub code: domain::FocusAreaCode,
    pub heading: Option<String>,
    pub problem_text: Option<String>,
    pub special_focus: Vec<domain::FocusAreaCode>,
}

/// A person who signs for one side.
#[derive(Debug, Clone)]
pub struct SignatoryEntry {
    pub name: String,
    pub title: Option<String>,
    pub party: domain::Party,
    pub signed_on: Option<NaiveDate>,
}

/// `createPledge`, validated.
#[derive(Debug, Clone)]
pub struct NewPledge {
    pub municipality: domain::MunicipalityCode,
    pub police_area: domain::PoliceAreaCode,
    pub year: domain::Year,
    pub title: domain::Title,
    pub period: ValidityPeriod,
    pub texts: PledgeTexts,
    pub basis_kinds: Vec<BasisKind>,
    pub focus_areas: Vec<FocusAreaEntry>,
    pub signatories: Vec<SignatoryEntry>,
    pub supersedes: Option<Uuid>,
}

/// `updatePledge`, validated: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct PledgeChanges {
    pub police_area: Option<domain::PoliceAreaCode>,
    pub year: Option<domain::Year>,
    pub title: Option<domain::Title>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub texts: PledgeTexts,
    pub basis_kinds: Option<Vec<BasisKind>>,
    pub focus_areas: Option<Vec<FocusAreaEntry>>,
    pub signatories: Option<Vec<SignatoryEntry>>,
    pub supersedes: Change<Uuid>,
}

/// What the audit log keeps of a pledge.
#[derive(Debug, Serialize)]
struct Snapshot {
    #[serde(flatten)]
    pledge: pledge::Model,
    focus_areas: Vec<pledge_focus_area::Model>,
    signatories: Vec<signatory::Model>,
}

async fn snapshot(db: &impl ConnectionTrait, row: &pledge::Model) -> ApiResult<Snapshot> {
    let (focus_areas, signatories) = pledges::parts_of(db, row.id).await?;
    Ok(Snapshot {
        pledge: row.clone(),
        focus_areas,
        signatories,
    })
}

fn lifecycle(row: &pledge::Model) -> ApiResult<Lifecycle> {
    let status = PledgeStatus::parse(&row.status)
        .map_err(|e| ApiError::internal(format!("stored pledge status: {e}")))?;
    Ok(Lifecycle {
        status,
        municipality_approved: row.municipality_approved_at.is_some(),
        police_approved: row.police_approved_at.is_some(),
        signed_on: row.signed_on,
    })
}

/// The key of police area `code`; unknown is `BAD_USER_INPUT`.
async fn police_area_key(
    db: &impl ConnectionTrait,
    code: &domain::PoliceAreaCode,
) -> ApiResult<Uuid> {
    Ok(reference::police_area_by_code(db, code)
        .await?
        .ok_or_else(|| ApiError::bad_input("policeArea", format!("unknown police area {code}")))?
        .id)
}

/// Fails unless police area `area` covers `municipality` on `day`.
async fn require_coverage(
    db: &impl ConnectionTrait,
    area: Uuid,
    municipality: Uuid,
    day: NaiveDate,
) -> ApiResult<()> {
    if reference::police_area_covering(db, municipality, day).await? == Some(area) {
        Ok(())
    } else {
        Err(ApiError::bad_input(
            "policeArea",
            format!("the police area does not cover the municipality on {day}"),
        ))
    }
}

async fn check_focus_codes(db: &impl ConnectionTrait, entries: &[FocusAreaEntry]) -> ApiResult<()> {
    let mut codes: Vec<String> = Vec::new();
    for entry in entries {
        codes.push(entry.code.as_str().to_owned());
        codes.extend(entry.special_focus.iter().map(|c| c.as_str().to_owned()));
    }
    codes.sort();
    codes.dedup();
    if let Some(missing) = reference::first_unknown_focus_area(db, &codes).await? {
        return Err(ApiError::bad_input(
            "focusAreas",
            format!("unknown focus area {missing}"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = entries.iter().find(|e| !seen.insert(e.code.as_str())) {
        return Err(ApiError::bad_input(
            "focusAreas",
            format!("focus area {} is listed twice", dup.code),
        ));
    }
    Ok(())
}

async fn replace_focus_areas(
    db: &impl ConnectionTrait,
    pledge_id: Uuid,
    entries: &[FocusAreaEntry],
) -> ApiResult<()> {
    pledge_focus_area::Entity::delete_many()
        .filter(pledge_focus_area::Column::PledgeId.eq(pledge_id))
        .exec(db)
        .await?;
    for (i, e) in entries.iter().enumerate() {
        pledge_focus_area::Entity::insert(pledge_focus_area::ActiveModel {
            pledge_id: Set(pledge_id),
            focus_area_code: Set(e.code.as_str().to_owned()),
            position: Set(i as i32 + 1),
            heading: Set(e.heading.clone()),
            problem_text: Set(e.problem_text.clone()),
            special_focus: Set(serde_json::Value::from(
                e.special_focus
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect::<Vec<_>>(),
            )),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

async fn replace_signatories(
    db: &impl ConnectionTrait,
    pledge_id: Uuid,
    entries: &[SignatoryEntry],
) -> ApiResult<()> {
    signatory::Entity::delete_many()
        .filter(signatory::Column::PledgeId.eq(pledge_id))
        .exec(db)
        .await?;
    for (i, e) in entries.iter().enumerate() {
        signatory::Entity::insert(signatory::ActiveModel {
            id: Set(Uuid::new_v4()),
            pledge_id: Set(pledge_id),
            position: Set(i as i32 + 1),
            name: Set(e.name.clone()),
            title: Set(e.title.clone()),
            party: Set(e.party.as_str().to_owned()),
            signed_on: Set(e.signed_on),
            signed_on_stated: Set(true),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

fn basis_json(kinds: &[BasisKind]) -> serde_json::Value {
    serde_json::Value::from(
        kinds
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect::<Vec<_>>(),
    )
}

/// A pledge that `supersedes` may point at: visible, same municipality.
async fn check_supersedes(
    db: &impl ConnectionTrait,
    actor: &Actor<'_>,
    municipality: Uuid,
    id: Uuid,
    own_id: Option<Uuid>,
) -> ApiResult<()> {
    let earlier = pledges::find_visible(db, actor.scope, id)
        .await?
        .ok_or_else(|| ApiError::bad_input("supersedes", "no such pledge"))?;
    if earlier.municipality_id != municipality || Some(earlier.id) == own_id {
        return Err(ApiError::bad_input(
            "supersedes",
            "a pledge can only supersede another pledge of the same municipality",
        ));
    }
    Ok(())
}

/// `createPledge`: a new DRAFT.
pub async fn create(
    writer: &Writer,
    actor: &Actor<'_>,
    new: NewPledge,
) -> ApiResult<pledge::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let municipality = reference::municipality_by_code(txn, &new.municipality)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input(
                "municipality",
                format!("unknown municipality {}", new.municipality),
            )
        })?;
    require_edit(actor, municipality.id)?;
    let area = police_area_key(txn, &new.police_area).await?;
    require_coverage(txn, area, municipality.id, new.period.from()).await?;
    check_focus_codes(txn, &new.focus_areas).await?;
    if let Some(earlier) = new.supersedes {
        check_supersedes(txn, actor, municipality.id, earlier, None).await?;
    }
    let id = Uuid::new_v4();
    let t = new.texts;
    let row = pledge::ActiveModel {
        id: Set(id),
        municipality_id: Set(municipality.id),
        police_area_id: Set(area),
        year: Set(new.year.get()),
        title: Set(new.title.as_str().to_owned()),
        valid_from: Set(new.period.from()),
        valid_to: Set(new.period.to()),
        status: Set(PledgeStatus::Draft.as_str().to_owned()),
        signed_on: Set(None),
        introduction: Set(t.introduction.apply(None)),
        promise_statement: Set(t.promise_statement.apply(None)),
        situation_picture: Set(t.situation_picture.apply(None)),
        expected_effect: Set(t.expected_effect.apply(None)),
        background: Set(t.background.apply(None)),
        basis_kinds: Set(basis_json(&new.basis_kinds)),
        follow_up_plan: Set(t.follow_up_plan.apply(None)),
        prepared_by: Set(t.prepared_by.apply(None)),
        source_title: Set(t.source_title.apply(None)),
        source_url: Set(t.source_url.apply(None)),
        municipality_approved_at: Set(None),
        municipality_approved_by: Set(None),
        police_approved_at: Set(None),
        police_approved_by: Set(None),
        withdrawn_reason: Set(None),
        supersedes_id: Set(new.supersedes),
        version: Set(1),
        created_at: Set(actor.now),
        updated_at: Set(actor.now),
        // Written here: its dates are the editors' own, nothing inferred.
        provenance: Set(domain::Provenance::Recorded.as_str().to_owned()),
        validity_stated: Set(true),
        signed_on_stated: Set(true),
        inference_note: Set(None),
        source_notes: Set(serde_json::Value::Array(Vec::new())),
    }
    .insert(txn)
    .await?;
    replace_focus_areas(txn, id, &new.focus_areas).await?;
    replace_signatories(txn, id, &new.signatories).await?;
    let after = snapshot(txn, &row).await?;
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::Pledge,
        id,
        Action::Create,
        None,
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(row)
}

/// `updatePledge`: changes text of a DRAFT at `expected_version`.
pub async fn update(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    expected_version: i32,
    changes: PledgeChanges,
) -> ApiResult<pledge::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = pledges::lock_for_edit(txn, actor.scope, id).await?;
    require_edit(actor, row.municipality_id)?;
    expect_version(row.version, expected_version)?;
    let state = lifecycle(&row)?.apply(Transition::EditText)?;
    let before = snapshot(txn, &row).await?;

    let period = ValidityPeriod::new(
        changes.valid_from.unwrap_or(row.valid_from),
        changes.valid_to.unwrap_or(row.valid_to),
    )?;
    let area = match &changes.police_area {
        Some(code) => police_area_key(txn, code).await?,
        None => row.police_area_id,
    };
    if area != row.police_area_id || period.from() != row.valid_from {
        require_coverage(txn, area, row.municipality_id, period.from()).await?;
    }
    if let Some(entries) = &changes.focus_areas {
        check_focus_codes(txn, entries).await?;
    }
    if let Change::Set(earlier) = changes.supersedes {
        check_supersedes(txn, actor, row.municipality_id, earlier, Some(row.id)).await?;
    }

    let t = changes.texts;
    let mut am: pledge::ActiveModel = row.clone().into();
    am.police_area_id = Set(area);
    if let Some(year) = changes.year {
        am.year = Set(year.get());
    }
    if let Some(title) = changes.title {
        am.title = Set(title.as_str().to_owned());
    }
    am.valid_from = Set(period.from());
    am.valid_to = Set(period.to());
    am.introduction = Set(t.introduction.apply(row.introduction.clone()));
    am.promise_statement = Set(t.promise_statement.apply(row.promise_statement.clone()));
    am.situation_picture = Set(t.situation_picture.apply(row.situation_picture.clone()));
    am.expected_effect = Set(t.expected_effect.apply(row.expected_effect.clone()));
    am.background = Set(t.background.apply(row.background.clone()));
    am.follow_up_plan = Set(t.follow_up_plan.apply(row.follow_up_plan.clone()));
    am.prepared_by = Set(t.prepared_by.apply(row.prepared_by.clone()));
    am.source_title = Set(t.source_title.apply(row.source_title.clone()));
    am.source_url = Set(t.source_url.apply(row.source_url.clone()));
    if let Some(kinds) = &changes.basis_kinds {
        am.basis_kinds = Set(basis_json(kinds));
    }
    am.supersedes_id = Set(changes.supersedes.apply(row.supersedes_id));
    clear_approvals_unless(&mut am, &state);
    am.version = Set(row.version + 1);
    am.updated_at = Set(actor.now);
    let updated = am.update(txn).await?;
    if let Some(entries) = &changes.focus_areas {
        replace_focus_areas(txn, id, entries).await?;
    }
    if let Some(entries) = &changes.signatories {
        replace_signatories(txn, id, entries).await?;
    }
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::Pledge,
        id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(updated)
}

/// Editing a draft withdraws earlier approvals (see `domain::lifecycle`).
fn clear_approvals_unless(am: &mut pledge::ActiveModel, state: &Lifecycle) {
    if !state.municipality_approved {
        am.municipality_approved_at = Set(None);
        am.municipality_approved_by = Set(None);
    }
    if !state.police_approved {
        am.police_approved_at = Set(None);
        am.police_approved_by = Set(None);
    }
}

/// Records that a pledge's content changed through one of its parts
/// (commitments): the version moves, approvals of a draft are withdrawn.
pub(crate) async fn touch_for_edit(
    txn: &impl ConnectionTrait,
    actor: &Actor<'_>,
    row: &pledge::Model,
) -> ApiResult<pledge::Model> {
    let state = lifecycle(row)?.apply(Transition::EditText)?;
    let mut am: pledge::ActiveModel = row.clone().into();
    clear_approvals_unless(&mut am, &state);
    am.version = Set(row.version + 1);
    am.updated_at = Set(actor.now);
    Ok(am.update(txn).await?)
}

/// Fails with `INVALID_STATE` unless the pledge's text may change.
pub(crate) fn require_editable(row: &pledge::Model) -> ApiResult<()> {
    lifecycle(row)?.apply(Transition::EditText).map(|_| ())?;
    Ok(())
}

/// `approvePledge`: one side approves; both -> SIGNED.
pub async fn approve(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    side: Option<Approval>,
) -> ApiResult<pledge::Model> {
    let caller = actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = pledges::lock(txn, actor.scope, id).await?;
    let sides = actor
        .scope
        .approval_sides(row.municipality_id, row.police_area_id);
    let side = match (side, sides.as_slice()) {
        (_, []) => {
            return Err(ApiError::Forbidden(
                "only editors of the pledge's municipality or of the police area on the pledge can approve it"
                    .to_owned(),
            ));
        }
        (Some(wanted), allowed) if allowed.contains(&wanted) => wanted,
        (Some(_), _) => {
            return Err(ApiError::Forbidden(
                "you cannot approve for that side".to_owned(),
            ));
        }
        (None, [only]) => *only,
        (None, _) => {
            return Err(ApiError::bad_input(
                "side",
                "you can approve for both sides; say which with `side`",
            ));
        }
    };
    // Two-party signing needs two people: the side not yet approved cannot
    // be approved by whoever approved the other one.
    let other_approver = match side {
        Approval::Municipality => row.police_approved_by.as_deref(),
        Approval::Police => row.municipality_approved_by.as_deref(),
    };
    if other_approver == Some(caller.subject.as_str()) {
        return Err(ApiError::Forbidden(
            "you approved the other side; a second person must sign this one".to_owned(),
        ));
    }
    let acting = *actor;
    let actor = &acting.acting_as(match side {
        Approval::Municipality => domain::Role::MunicipalityEditor,
        Approval::Police => domain::Role::PoliceEditor,
    });
    if side == Approval::Police {
        // Only the police area covering the municipality on the pledge's
        // start date co-signs.
        let covering =
            reference::police_area_covering(txn, row.municipality_id, row.valid_from).await?;
        if covering != Some(row.police_area_id) {
            return Err(ApiError::Forbidden(
                "the pledge's police area does not cover the municipality on its start date"
                    .to_owned(),
            ));
        }
    }
    let state = lifecycle(&row)?.apply(Transition::Approve(side, actor.today))?;
    let before = snapshot(txn, &row).await?;
    let mut am: pledge::ActiveModel = row.clone().into();
    match side {
        Approval::Municipality => {
            am.municipality_approved_at = Set(Some(actor.now));
            am.municipality_approved_by = Set(Some(caller.subject.clone()));
        }
        Approval::Police => {
            am.police_approved_at = Set(Some(actor.now));
            am.police_approved_by = Set(Some(caller.subject.clone()));
        }
    }
    am.status = Set(state.status.as_str().to_owned());
    am.signed_on = Set(state.signed_on);
    am.version = Set(row.version + 1);
    am.updated_at = Set(actor.now);
    let updated = am.update(txn).await?;
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::Pledge,
        id,
        Action::Approve,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(updated)
}

/// `publishPledge` and `withdrawPledge`: lifecycle moves by an editor, at
/// `expected_version` when the caller names one (optional, for clients
/// written before the argument existed). Returns the pledge and the status
/// it had before (a withdrawn pledge that was PUBLISHED leaves the public).
pub async fn transition(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    expected_version: Option<i32>,
    transition: Transition,
    withdraw_reason: Option<String>,
) -> ApiResult<(pledge::Model, PledgeStatus)> {
    actor.caller()?;
    let action = match transition {
        Transition::Publish => Action::Publish,
        Transition::Withdraw => Action::Withdraw,
        _ => {
            return Err(ApiError::internal(
                "transition() is for publish and withdraw",
            ));
        }
    };
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = pledges::lock_for_edit(txn, actor.scope, id).await?;
    require_edit(actor, row.municipality_id)?;
    if let Some(expected) = expected_version {
        expect_version(row.version, expected)?;
    }
    let was = lifecycle(&row)?;
    let state = was.apply(transition)?;
    let before = snapshot(txn, &row).await?;
    let mut am: pledge::ActiveModel = row.clone().into();
    am.status = Set(state.status.as_str().to_owned());
    if let Some(reason) = withdraw_reason {
        am.withdrawn_reason = Set(Some(reason));
    }
    am.version = Set(row.version + 1);
    am.updated_at = Set(actor.now);
    let updated = am.update(txn).await?;
    if transition == Transition::Withdraw {
        // Its published follow-ups leave the public view with it.
        super::follow_ups::touch_reports_of(txn, actor, id).await?;
    }
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::Pledge,
        id,
        action,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok((updated, was.status))
}
