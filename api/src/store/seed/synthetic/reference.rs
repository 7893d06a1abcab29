//! The real reference data a synthetic load stands on: the national
//! reference data (`seed::national`) and the focus-area catalogue of the
//! source documents (synthetic police areas: `police`). Whatever the
//! database already holds is reused by code.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::police::{self, Span};
use super::{Ids, SyntheticSpec};
use crate::store::entities::{focus_area, municipality, place, pledge};
use crate::store::insert::insert_all;
use crate::store::seed::format::SeedFile;
use crate::store::seed::{SOURCE_DOCUMENTS, national};

pub(super) use crate::store::seed::national::{Official, official};

/// A municipality the load writes pledges for.
#[derive(Debug)]
pub(super) struct Target {
    pub(super) id: Uuid,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) coverage: Vec<Span>,
}

impl Target {
    /// The police area covering the municipality on `day`, the one with the
    /// latest start when spans overlap; `None` when none does.
    pub(super) fn police_area_on(&self, day: NaiveDate) -> Option<Uuid> {
        self.coverage
            .iter()
            .filter(|s| s.from <= day && s.to.is_none_or(|to| day <= to))
            .max_by_key(|s| (s.from, s.police_area_id))
            .map(|s| s.police_area_id)
    }
}

/// Everything generation needs to know about the database.
#[derive(Debug)]
pub(super) struct World {
    /// The spec's municipalities, in the official list's order.
    pub(super) municipalities: Vec<Target>,
    /// The focus-area catalogue: code and Swedish name.
    pub(super) focus_areas: Vec<(String, String)>,
    /// (municipality, year) pairs that already have a pledge.
    pub(super) existing_pledges: HashSet<(Uuid, i32)>,
    /// Places already there, by (municipality, name).
    pub(super) existing_places: HashMap<(Uuid, String), Uuid>,
    /// Police areas this load added.
    pub(super) police_areas_added: usize,
}

/// Writes the reference rows that are missing and reads what generation
/// builds on. Statements are few and whole-table: reference tables are small.
pub(super) async fn prepare(
    db: &impl ConnectionTrait,
    spec: &SyntheticSpec,
    ids: &Ids,
    official: &[Official],
) -> anyhow::Result<World> {
    let selected = official.get(..spec.municipalities).unwrap_or(official);
    let file: SeedFile = toml::from_str(SOURCE_DOCUMENTS).context("parsing the seed file")?;

    // The real reference data first: every municipality and county, and
    // the police areas a source names with their coverage.
    national::load(db).await?;
    let municipality_ids: HashMap<String, Uuid> = municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.code, m.id))
        .collect();

    let catalogue: HashSet<String> = focus_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.code)
        .collect();
    let mut new_areas = Vec::new();
    for f in &file.focus_areas {
        domain::FocusAreaCode::parse(&f.code)?;
        if !catalogue.contains(&f.code) {
            new_areas.push(focus_area::Model {
                code: f.code.clone(),
                name_sv: f.name_sv.clone(),
                name_en: f.name_en.clone(),
            });
        }
    }
    insert_all(db, new_areas).await?;

    let targets: Vec<(&Official, Uuid)> = selected
        .iter()
        .map(|m| {
            municipality_ids
                .get(&m.code)
                .map(|id| (m, *id))
                .with_context(|| format!("municipality {} has no row", m.code))
        })
        .collect::<anyhow::Result<_>>()?;
    let (coverage, police_areas_added) =
        police::police_coverage(db, ids, official, &targets).await?;

    let keys: Vec<Uuid> = targets.iter().map(|(_, id)| *id).collect();
    let existing_pledges = pledge::Entity::find()
        .select_only()
        .column(pledge::Column::MunicipalityId)
        .column(pledge::Column::Year)
        .filter(pledge::Column::MunicipalityId.is_in(keys.clone()))
        .filter(pledge::Column::Year.between(spec.first_year(), spec.last_year))
        .into_tuple::<(Uuid, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let existing_places = place::Entity::find()
        .filter(place::Column::MunicipalityId.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .map(|p| ((p.municipality_id, p.name), p.id))
        .collect();

    let mut coverage = coverage;
    let municipalities = targets
        .into_iter()
        .map(|(m, id)| Target {
            id,
            code: m.code.clone(),
            name: m.name.clone(),
            coverage: coverage.remove(&id).unwrap_or_default(),
        })
        .collect();
    let focus_areas = file
        .focus_areas
        .iter()
        .map(|f| (f.code.clone(), f.name_sv.clone()))
        .collect();
    Ok(World {
        municipalities,
        focus_areas,
        existing_pledges,
        existing_places,
        police_areas_added,
    })
}
