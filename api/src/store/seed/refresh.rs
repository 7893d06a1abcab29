//! Rows seeded by an earlier version of the seed file, brought up to what
//! the file now says about its documents. An imported pledge mirrors a
//! published document and cannot be edited through the API (its text is
//! frozen), so the file stays the authority on it: when the file corrects
//! its account — what was inferred and why, notes from other documents,
//! the pledge it continues, signatory titles as spelled, the methods and
//! target groups commitments name, the people an activity names — a
//! re-seed carries the correction over. Only those columns change, and
//! only on pledges still marked IMPORTED; everything else stays as it is.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::format;
use super::{derived_id, json_strings, methods, source_notes};
use crate::store::commands::commitments::{methods_of, replace_methods};
use crate::store::entities::{activity, commitment, pledge, signatory};

/// Refreshes an existing seeded pledge and its signatories and
/// commitments; whether anything changed (the pledge's version moves then).
pub(super) async fn pledge(
    db: &impl ConnectionTrait,
    row: pledge::Model,
    p: &format::Pledge,
    supersedes: Option<Uuid>,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    if row.provenance != domain::Provenance::Imported.as_str() {
        return Ok(false);
    }
    let mut changed = signatories(db, p).await?;
    changed |= commitments(db, p, now).await?;
    let notes = source_notes(&p.source_notes)?;
    let supersedes = row.supersedes_id.or(supersedes);
    changed |= row.validity_stated != p.validity_stated
        || row.signed_on_stated != p.signed_on_stated
        || row.inference_note != p.inference_note
        || row.source_notes != notes
        || row.supersedes_id != supersedes;
    if !changed {
        return Ok(false);
    }
    let version = row.version;
    let mut am: pledge::ActiveModel = row.into();
    am.validity_stated = Set(p.validity_stated);
    am.signed_on_stated = Set(p.signed_on_stated);
    am.inference_note = Set(p.inference_note.clone());
    am.source_notes = Set(notes);
    am.supersedes_id = Set(supersedes);
    am.version = Set(version + 1);
    am.updated_at = Set(now);
    am.update(db).await?;
    Ok(true)
}

async fn signatories(db: &impl ConnectionTrait, p: &format::Pledge) -> anyhow::Result<bool> {
    let mut changed = false;
    for (i, s) in p.signatories.iter().enumerate() {
        let id = derived_id("signatory", &format!("{}:{i}", p.key));
        let Some(row) = signatory::Entity::find_by_id(id).one(db).await? else {
            continue;
        };
        if row.title == s.title && row.signed_on_stated == s.signed_on_stated {
            continue;
        }
        let mut am: signatory::ActiveModel = row.into();
        am.title = Set(s.title.clone());
        am.signed_on_stated = Set(s.signed_on_stated);
        am.update(db).await?;
        changed = true;
    }
    Ok(changed)
}

async fn commitments(
    db: &impl ConnectionTrait,
    p: &format::Pledge,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let mut changed = false;
    for (i, c) in p.commitments.iter().enumerate() {
        let id = derived_id("commitment", &format!("{}:{}", p.key, i + 1));
        let Some(row) = commitment::Entity::find_by_id(id).one(db).await? else {
            continue;
        };
        let named = methods(c)?;
        let method = named.first().map(|m| m.as_str().to_owned());
        let stored = methods_of(db, id).await?;
        let wanted: Vec<&str> = named.as_slice().iter().map(|m| m.as_str()).collect();
        let groups = json_strings(&c.target_groups);
        if row.method == method && stored == wanted && row.target_groups == groups {
            continue;
        }
        replace_methods(db, id, &named).await?;
        let version = row.version;
        let mut am: commitment::ActiveModel = row.into();
        am.method = Set(method);
        am.target_groups = Set(groups);
        am.version = Set(version + 1);
        am.updated_at = Set(now);
        am.update(db).await?;
        changed = true;
    }
    Ok(changed)
}

/// Refreshes the people of an existing seeded activity.
pub(super) async fn activity(
    db: &impl ConnectionTrait,
    row: activity::Model,
    a: &format::Activity,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let people = json_strings(&a.people);
    if row.people == people {
        return Ok(());
    }
    let version = row.version;
    let mut am: activity::ActiveModel = row.into();
    am.people = Set(people);
    am.version = Set(version + 1);
    am.updated_at = Set(now);
    am.update(db).await?;
    Ok(())
}
