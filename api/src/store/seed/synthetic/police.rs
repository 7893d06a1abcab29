//! Which police area co-signs each municipality's pledges: coverage already
//! in the database, else the source documents' own police areas, else a
//! synthetic police area, clearly named so, shared by a few neighbouring
//! municipalities of one county.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDate;
use rand::RngExt;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::reference::Official;
use super::write::insert_all;
use super::{FIRST_YEAR, Ids};
use crate::store::entities::{coverage, police_area};
use crate::store::seed::format::SeedFile;
use crate::store::seed::{date, derived_id, opt_date};

/// A police area covering a municipality from `from` until `to` (inclusive).
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub(super) police_area_id: Uuid,
    pub(super) from: NaiveDate,
    pub(super) to: Option<NaiveDate>,
}

/// The coverage of every target, adding what is missing: a municipality
/// without coverage gets the police area the source documents name for it,
/// or else its synthetic one. Returns the spans by municipality and how
/// many police areas were added.
pub(super) async fn police_coverage(
    db: &impl ConnectionTrait,
    ids: &Ids,
    official: &[Official],
    targets: &[(&Official, Uuid)],
    file: &SeedFile,
) -> anyhow::Result<(HashMap<Uuid, Vec<Span>>, usize)> {
    let mut area_ids: HashMap<String, Uuid> = police_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code, a.id))
        .collect();
    let mut spans: HashMap<Uuid, Vec<Span>> = HashMap::new();
    for row in coverage::Entity::find().all(db).await? {
        spans.entry(row.municipality_id).or_default().push(Span {
            police_area_id: row.police_area_id,
            from: row.valid_from,
            to: row.valid_to,
        });
    }

    let documented: HashSet<&str> = file
        .coverage
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
        let mut wanted: Vec<(police_area::Model, NaiveDate, Option<NaiveDate>)> = Vec::new();
        for c in file.coverage.iter().filter(|c| c.municipality == m.code) {
            let area = file
                .police_areas
                .iter()
                .find(|a| a.code == c.police_area)
                .with_context(|| {
                    format!("police area {} is not in the seed file", c.police_area)
                })?;
            let from = date(&c.valid_from)?;
            let to = opt_date(&c.valid_to)?;
            wanted.push((
                police_area::Model {
                    id: derived_id("police_area", &area.code),
                    code: area.code.clone(),
                    name: area.name.clone(),
                    district: area.district.clone(),
                    region: area.region.clone(),
                },
                from,
                to,
            ));
        }
        if wanted.is_empty()
            && let Some(area) = groups.get(&m.code)
        {
            wanted.push((area.clone(), start, None));
        }
        for (area, from, to) in wanted {
            domain::PoliceAreaCode::parse(&area.code)?;
            let area_id = match area_ids.get(&area.code) {
                Some(id) => *id,
                None => {
                    area_ids.insert(area.code.clone(), area.id);
                    let id = area.id;
                    new_areas.push(area.clone());
                    id
                }
            };
            new_coverage.push(coverage::Model {
                id: derived_id("coverage", &format!("{}:{}:{}", area.code, m.code, from)),
                police_area_id: area_id,
                municipality_id: *municipality_id,
                valid_from: from,
                valid_to: to,
            });
            spans.entry(*municipality_id).or_default().push(Span {
                police_area_id: area_id,
                from,
                to,
            });
        }
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
                district: format!("Syntetiskt polisområde {}", first.county_name),
                region: "Syntetisk polisregion".to_owned(),
            };
            for m in group {
                areas.insert(m.code.clone(), area.clone());
            }
        }
    }
    areas
}
