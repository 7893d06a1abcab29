//! Which police area co-signs each municipality's pledges: coverage already
//! in the database (the national reference data's, where a source names
//! the area), else a synthetic police area, clearly named so, shared by a
//! few neighbouring municipalities of one county, in the county's real
//! police region and in no district.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDate;
use rand::RngExt;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::reference::Official;
use super::{FIRST_YEAR, Ids};
use crate::store::entities::{county, coverage, police_area};
use crate::store::insert::insert_all;
use crate::store::seed::{derived_id, national};

/// A police area covering a municipality from `from` until `to` (inclusive).
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) police_area_id: Uuid,
    pub(super) from: NaiveDate,
    pub(super) to: Option<NaiveDate>,
}

/// The coverage of every target, adding what is missing: a municipality
/// without coverage gets its synthetic police area from `FIRST_YEAR` on.
/// Returns the spans by municipality and how many police areas were added.
pub(super) async fn police_coverage(
    db: &impl ConnectionTrait,
    ids: &Ids,
    official: &[Official],
    targets: &[(&Official, Uuid)],
) -> anyhow::Result<(HashMap<Uuid, Vec<Span>>, usize)> {
    let mut area_ids: HashMap<String, Uuid> = police_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let regions: HashMap<String, Option<String>> = county::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.police_region_code))
        .collect();
    let mut spans: HashMap<Uuid, Vec<Span>> = HashMap::new();
    for row in coverage::Entity::find().all(db).await? {
        spans.entry(row.municipality_id).or_default().push(Span {
            police_area_id: row.police_area_id,
            from: row.valid_from,
            to: row.valid_to,
        });
    }

    // Municipalities the national data gives an area are left out of the
    // synthetic grouping, whichever N is asked for.
    let organisation = national::organisation(official)?;
    let documented: HashSet<&str> = organisation
        .area_coverage
        .iter()
        .map(|c| c.municipality.as_str())
        .collect();
    let groups = synthetic_areas(ids, official, &documented);
    let start = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).context("first year")?;

    let mut new_areas: Vec<police_area::Model> = Vec::new();
    let mut new_coverage = Vec::new();
    for (m, municipality_id) in targets {
        if spans.contains_key(municipality_id) {
            continue;
        }
        let Some(area) = groups.get(&m.code) else {
            continue;
        };
        domain::PoliceAreaCode::parse(&area.code)?;
        let area_id = match area_ids.get(&area.code) {
            Some(id) => *id,
            None => {
                let mut area = area.clone();
                area.region_code = regions.get(&m.county_code).cloned().flatten();
                area_ids.insert(area.code.clone(), area.id);
                let id = area.id;
                new_areas.push(area);
                id
            }
        };
        new_coverage.push(coverage::Model {
            id: national::coverage_id(&area.code, &m.code, start),
            police_area_id: area_id,
            municipality_id: *municipality_id,
            valid_from: start,
            valid_to: None,
            inferred: false,
            source: Some("synthetic".to_owned()),
        });
        spans.entry(*municipality_id).or_default().push(Span {
            police_area_id: area_id,
            from: start,
            to: None,
        });
    }
    let added = new_areas.len();
    insert_all(db, new_areas).await?;
    insert_all(db, new_coverage).await?;
    Ok((spans, added))
}

/// Synthetic police areas for the whole official list (so that a
/// municipality's area does not depend on N): within each county, runs of
/// 3–5 neighbouring codes share one area; a county of five or fewer has one.
/// Municipalities the source documents cover are left out. Keyed by
/// municipality code.
pub(super) fn synthetic_areas(
    ids: &Ids,
    official: &[Official],
    documented: &HashSet<&str>,
) -> HashMap<String, police_area::Model> {
    let mut rng = ids.rng("police-areas");
    let mut by_county: BTreeMap<&str, Vec<&Official>> = BTreeMap::new();
    for m in official
        .iter()
        .filter(|m| !documented.contains(m.code.as_str()))
    {
        by_county.entry(&m.county_code).or_default().push(m);
    }
    let mut areas = HashMap::new();
    for members in by_county.values() {
        let mut rest = members.as_slice();
        while !rest.is_empty() {
            let size = if rest.len() <= 5 {
                rest.len()
            } else {
                // Never leave fewer than three for the county's last area.
                let size: usize = rng.random_range(3..=5);
                size.min(rest.len() - 3)
            };
            let (group, tail) = rest.split_at(size);
            rest = tail;
            let first = group[0];
            let code = format!("lpo-syn-{}", first.code);
            let names: Vec<&str> = group.iter().map(|m| m.name.as_str()).collect();
            let area = police_area::Model {
                id: derived_id("police_area", &code),
                code,
                name: format!("Syntetiskt lokalpolisområde {}", names.join(", ")),
                district_code: None,
                // The county's real region, filled in when the area is written.
                region_code: None,
            };
            for m in group {
                areas.insert(m.code.clone(), area.clone());
            }
        }
    }
    areas
}
