//! Seed data: the national reference data (`national`) and the five
//! source documents as rows. `load` is idempotent: rows
//! are keyed by natural codes or by UUIDs derived from stable seed keys, and
//! anything already present is left as it is (an edited pledge is never
//! overwritten by a re-seed). One exception (`refresh`): a pledge still
//! marked as imported takes the file's current account of its document,
//! so a database seeded before the file said so stops presenting inferred
//! dates as stated.

mod format;
mod national;
mod refresh;
pub mod synthetic;

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, TransactionTrait,
};
use uuid::Uuid;

use crate::store::entities::{
    activity, commitment, commitment_focus_area, commitment_place, focus_area, municipality, place,
    pledge, pledge_focus_area, police_area, signatory,
};
use crate::store::rows::SourceNoteRow;
use format::SeedFile;

/// The transcribed source documents, compiled in so `api seed` works from
/// any working directory.
const SOURCE_DOCUMENTS: &str = include_str!("source-documents.toml");

/// Namespace of the UUIDs derived from seed keys (UUIDv5).
const SEED_NAMESPACE: Uuid = Uuid::from_u128(0x6d65_6462_6f72_6761_726c_6f66_7465_6e00);

/// What a seeding run added.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub pledges_added: usize,
    /// Imported pledges already there whose import metadata changed.
    pub pledges_refreshed: usize,
    pub activities_added: usize,
}

/// Whether `db` holds no municipality yet: a first start, which gets the
/// source documents.
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(municipality::Entity::find().count(db).await? == 0)
}

/// Parses the seed file (checking every code, enum and date through the
/// domain types) and inserts what is missing, in one transaction.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let file: SeedFile = toml::from_str(SOURCE_DOCUMENTS).context("parsing the seed file")?;
    let txn = db.begin().await?;
    let report = load_into(&txn, &file).await?;
    // Reference rows may be new: instances re-read them and drop cached answers.
    crate::store::data_version::bump(&txn, crate::store::data_version::Changed::Reference)
        .await
        .map_err(|_| anyhow::anyhow!("bumping the data version"))?;
    crate::store::figures::refresh_every(&txn)
        .await
        .map_err(|err| anyhow::anyhow!("computing the comparison figures: {err:?}"))?;
    txn.commit().await?;
    Ok(report)
}

pub(super) fn derived_id(kind: &str, key: &str) -> Uuid {
    Uuid::new_v5(&SEED_NAMESPACE, format!("{kind}:{key}").as_bytes())
}

/// The key of the commitment named "<pledge key>:<position>".
fn commitment_key(reference: &str) -> anyhow::Result<Uuid> {
    let (pledge, position) = reference
        .rsplit_once(':')
        .with_context(|| format!("commitment {reference:?} is not \"<pledge key>:<position>\""))?;
    let position: usize = position
        .parse()
        .with_context(|| format!("commitment {reference:?} has no position"))?;
    Ok(derived_id("commitment", &format!("{pledge}:{position}")))
}

fn date(raw: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").with_context(|| format!("bad date {raw:?}"))
}

fn opt_date(raw: &Option<String>) -> anyhow::Result<Option<NaiveDate>> {
    raw.as_deref().map(date).transpose()
}

pub(super) fn json_strings(values: &[String]) -> serde_json::Value {
    serde_json::Value::from(values.to_vec())
}

/// The methods a seeded commitment names, checked by the domain.
pub(super) fn methods(c: &format::Commitment) -> anyhow::Result<domain::CommitmentMethods> {
    let named = c
        .methods
        .iter()
        .map(|m| domain::Method::parse(m))
        .collect::<Result<_, _>>()?;
    Ok(domain::CommitmentMethods::parse(None, Some(named))?)
}

/// `notes` in the stored shape of `pledges.source_notes`.
pub(super) fn source_notes(notes: &[format::SourceNote]) -> anyhow::Result<serde_json::Value> {
    let rows: Vec<SourceNoteRow> = notes
        .iter()
        .map(|n| SourceNoteRow {
            text: n.text.clone(),
            said_by: n.said_by.clone(),
            source_title: n.source_title.clone(),
            source_url: n.source_url.clone(),
        })
        .collect();
    Ok(serde_json::to_value(rows)?)
}

async fn load_into(db: &impl ConnectionTrait, file: &SeedFile) -> anyhow::Result<SeedReport> {
    let now = Utc::now();

    national::load(db).await?;
    // Codes the documents name, as keys (one read per table).
    let municipality_ids: HashMap<String, Uuid> = municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.code, m.id))
        .collect();
    let area_ids: HashMap<String, Uuid> = police_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let municipality_id = |code: &str| {
        municipality_ids
            .get(code)
            .copied()
            .with_context(|| format!("unknown municipality {code:?} in seed file"))
    };
    let area_id = |code: &str| {
        area_ids
            .get(code)
            .copied()
            .with_context(|| format!("unknown police area {code:?} in seed file"))
    };

    for f in &file.focus_areas {
        domain::FocusAreaCode::parse(&f.code)?;
        if focus_area::Entity::find_by_id(f.code.clone())
            .one(db)
            .await?
            .is_none()
        {
            focus_area::Entity::insert(focus_area::ActiveModel {
                code: Set(f.code.clone()),
                name_sv: Set(f.name_sv.clone()),
                name_en: Set(f.name_en.clone()),
            })
            .exec_without_returning(db)
            .await?;
        }
    }

    let mut place_ids = HashMap::new();
    for p in &file.places {
        domain::PlaceKind::parse(&p.kind)?;
        let owner = municipality_id(&p.municipality)?;
        let existing = place::Entity::find()
            .filter(place::Column::MunicipalityId.eq(owner))
            .filter(place::Column::Name.eq(&p.name))
            .one(db)
            .await?;
        let id = match existing {
            Some(row) => row.id,
            None => {
                let id = derived_id("place", &format!("{}:{}", p.municipality, p.name));
                place::Entity::insert(place::ActiveModel {
                    id: Set(id),
                    municipality_id: Set(owner),
                    name: Set(p.name.clone()),
                    kind: Set(p.kind.clone()),
                    latitude: Set(None),
                    longitude: Set(None),
                })
                .exec_without_returning(db)
                .await?;
                id
            }
        };
        place_ids.insert((p.municipality.clone(), p.name.clone()), id);
    }
    let place_id = |municipality: &str, name: &str| {
        place_ids
            .get(&(municipality.to_owned(), name.to_owned()))
            .copied()
            .with_context(|| format!("place {name:?} of {municipality} is not under [[places]]"))
    };

    let mut report = SeedReport::default();
    for p in &file.pledges {
        let id = derived_id("pledge", &p.key);
        let inferred = !p.validity_stated
            || !p.signed_on_stated
            || p.signatories.iter().any(|s| !s.signed_on_stated);
        if inferred != p.inference_note.is_some() {
            bail!(
                "pledge {}: an inference_note is needed exactly when a date is inferred",
                p.key
            );
        }
        let supersedes = match &p.supersedes {
            None => None,
            Some(key) => {
                let earlier = file
                    .pledges
                    .iter()
                    .find(|e| &e.key == key)
                    .with_context(|| format!("pledge {} supersedes unknown {key:?}", p.key))?;
                if earlier.municipality != p.municipality || earlier.year >= p.year {
                    bail!(
                        "pledge {} can only supersede an earlier pledge of its municipality",
                        p.key
                    );
                }
                Some(derived_id("pledge", key))
            }
        };
        if let Some(row) = pledge::Entity::find_by_id(id).one(db).await? {
            if refresh::pledge(db, row, p, supersedes, now).await? {
                report.pledges_refreshed += 1;
            }
            continue;
        }
        domain::Title::parse(&p.title)?;
        domain::Year::parse(p.year)?;
        let period = domain::ValidityPeriod::new(date(&p.valid_from)?, date(&p.valid_to)?)?;
        let status = domain::PledgeStatus::parse(&p.status)?;
        for kind in &p.basis_kinds {
            domain::BasisKind::parse(kind)?;
        }
        let owner = municipality_id(&p.municipality)?;
        pledge::Entity::insert(pledge::ActiveModel {
            id: Set(id),
            municipality_id: Set(owner),
            police_area_id: Set(area_id(&p.police_area)?),
            year: Set(p.year),
            title: Set(p.title.clone()),
            valid_from: Set(period.from()),
            valid_to: Set(period.to()),
            status: Set(status.as_str().to_owned()),
            signed_on: Set(opt_date(&p.signed_on)?),
            introduction: Set(p.introduction.clone()),
            promise_statement: Set(p.promise_statement.clone()),
            situation_picture: Set(p.situation_picture.clone()),
            expected_effect: Set(p.expected_effect.clone()),
            background: Set(p.background.clone()),
            basis_kinds: Set(json_strings(&p.basis_kinds)),
            follow_up_plan: Set(p.follow_up_plan.clone()),
            prepared_by: Set(p.prepared_by.clone()),
            source_title: Set(p.source_title.clone()),
            source_url: Set(p.source_url.clone()),
            municipality_approved_at: Set(None),
            municipality_approved_by: Set(None),
            police_approved_at: Set(None),
            police_approved_by: Set(None),
            withdrawn_reason: Set(None),
            supersedes_id: Set(supersedes),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            // Taken from a published document: signed there, not here, so
            // no approvals are recorded.
            provenance: Set(domain::Provenance::Imported.as_str().to_owned()),
            validity_stated: Set(p.validity_stated),
            signed_on_stated: Set(p.signed_on_stated),
            inference_note: Set(p.inference_note.clone()),
            source_notes: Set(source_notes(&p.source_notes)?),
        })
        .exec_without_returning(db)
        .await?;

        for (i, s) in p.signatories.iter().enumerate() {
            let party = domain::Party::parse(&s.party)?;
            if party == domain::Party::Joint {
                bail!("signatory {} of {} must sign for one side", s.name, p.key);
            }
            signatory::Entity::insert(signatory::ActiveModel {
                id: Set(derived_id("signatory", &format!("{}:{i}", p.key))),
                pledge_id: Set(id),
                position: Set(i as i32 + 1),
                name: Set(s.name.clone()),
                title: Set(s.title.clone()),
                party: Set(party.as_str().to_owned()),
                signed_on: Set(opt_date(&s.signed_on)?),
                signed_on_stated: Set(s.signed_on_stated),
            })
            .exec_without_returning(db)
            .await?;
        }

        for (i, f) in p.focus_areas.iter().enumerate() {
            domain::FocusAreaCode::parse(&f.code)?;
            for code in &f.special_focus {
                domain::FocusAreaCode::parse(code)?;
            }
            pledge_focus_area::Entity::insert(pledge_focus_area::ActiveModel {
                pledge_id: Set(id),
                focus_area_code: Set(f.code.clone()),
                position: Set(i as i32 + 1),
                heading: Set(f.heading.clone()),
                problem_text: Set(f.problem_text.clone()),
                special_focus: Set(json_strings(&f.special_focus)),
            })
            .exec_without_returning(db)
            .await?;
        }

        for (i, c) in p.commitments.iter().enumerate() {
            let commitment_id = derived_id("commitment", &format!("{}:{}", p.key, i + 1));
            let text = domain::CommitmentText::parse(&c.text)?;
            let responsible = domain::Party::parse(&c.responsible)?;
            let methods = methods(c)?;
            commitment::Entity::insert(commitment::ActiveModel {
                id: Set(commitment_id),
                pledge_id: Set(id),
                municipality_id: Set(owner),
                position: Set(i as i32 + 1),
                text: Set(text.as_str().to_owned()),
                responsible: Set(responsible.as_str().to_owned()),
                method: Set(methods.first().map(|m| m.as_str().to_owned())),
                partners: Set(json_strings(&c.partners)),
                target_groups: Set(json_strings(&c.target_groups)),
                target_quantity: Set(None),
                target_unit: Set(None),
                target_period: Set(None),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(db)
            .await?;
            crate::store::commands::commitments::replace_methods(db, commitment_id, &methods)
                .await?;
            for code in &c.focus_areas {
                domain::FocusAreaCode::parse(code)?;
                commitment_focus_area::Entity::insert(commitment_focus_area::ActiveModel {
                    commitment_id: Set(commitment_id),
                    focus_area_code: Set(code.clone()),
                })
                .exec_without_returning(db)
                .await?;
            }
            for name in &c.places {
                commitment_place::Entity::insert(commitment_place::ActiveModel {
                    commitment_id: Set(commitment_id),
                    place_id: Set(place_id(&p.municipality, name)?),
                })
                .exec_without_returning(db)
                .await?;
            }
        }
        report.pledges_added += 1;
    }

    for a in &file.activities {
        let id = derived_id("activity", &a.key);
        if let Some(row) = activity::Entity::find_by_id(id).one(db).await? {
            refresh::activity(db, row, a, now).await?;
            continue;
        }
        let kind = domain::Method::parse(&a.kind)?;
        activity::Entity::insert(activity::ActiveModel {
            id: Set(id),
            municipality_id: Set(municipality_id(&a.municipality)?),
            commitment_id: Set(a.commitment.as_deref().map(commitment_key).transpose()?),
            kind: Set(kind.as_str().to_owned()),
            date: Set(opt_date(&a.date)?),
            place_id: Set(a
                .place
                .as_deref()
                .map(|name| place_id(&a.municipality, name))
                .transpose()?),
            description: Set(a.description.clone()),
            participants: Set(json_strings(&a.participants)),
            source_title: Set(a.source_title.clone()),
            source_url: Set(a.source_url.clone()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            people: Set(json_strings(&a.people)),
        })
        .exec_without_returning(db)
        .await?;
        report.activities_added += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_file_parses_and_keeps_every_document() {
        let file: SeedFile = toml::from_str(SOURCE_DOCUMENTS).expect("seed file parses");
        let commitments: Vec<(&str, usize)> = file
            .pledges
            .iter()
            .map(|p| (p.key.as_str(), p.commitments.len()))
            .collect();
        assert_eq!(
            commitments,
            [
                ("varnamo-2022", 4),
                ("varnamo-2024", 4),
                ("vaggeryd-2023", 3),
                ("almhult-2023", 8)
            ]
        );
        assert!(file.pledges.iter().all(|p| p.status == "PUBLISHED"));
    }

    #[test]
    fn derived_ids_are_stable() {
        assert_eq!(derived_id("pledge", "x"), derived_id("pledge", "x"));
        assert_ne!(derived_id("pledge", "x"), derived_id("activity", "x"));
    }
}
