//! The national reference data, shipped in `reference/` with its sources
//! (`reference/SOURCES.md`): Sweden's 290 municipalities and 21 counties,
//! the county → police region mapping, and the police districts, local
//! police areas and coverage that a public source names
//! (`reference/police-organisation.toml`).
//!
//! Loading is idempotent and cheap enough for every first start: one read
//! per table for the keys already present, then multi-row inserts of what is
//! missing. Rows already there are kept as they are (an admin may have
//! renamed or re-dated them); only links an older schema could not hold
//! (a county's region, a police area's district and region) are filled in
//! where they are still empty.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Context, bail, ensure};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use super::derived_id;
use crate::store::entities::{
    county, coverage, district_coverage, municipality, police_area, police_district, police_region,
};
use crate::store::insert::insert_all;

/// `code,name,county_code,county_name`, one row per municipality (SCB).
pub(super) const MUNICIPALITIES_CSV: &str = include_str!("reference/municipalities.csv");
/// `county_code,county_name,region`: every county's police region.
const REGIONS_BY_COUNTY_CSV: &str = include_str!("reference/police_regions_by_county.csv");
/// Regions, districts, local police areas and their coverage, with dates.
const ORGANISATION_TOML: &str = include_str!("reference/police-organisation.toml");

/// One row of the official municipality list.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Official {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) county_code: String,
    pub(super) county_name: String,
}

/// The official list, every code checked through the domain types.
pub(super) fn official() -> anyhow::Result<Vec<Official>> {
    let mut rows = Vec::new();
    for row in csv::Reader::from_reader(MUNICIPALITIES_CSV.as_bytes()).deserialize() {
        let row: Official = row.context("reading the municipality list")?;
        let code = domain::MunicipalityCode::parse(&row.code)?;
        domain::CountyCode::parse(&row.county_code)?;
        ensure!(
            code.county().as_str() == row.county_code,
            "municipality {} is listed in county {}",
            row.code,
            row.county_code
        );
        rows.push(row);
    }
    Ok(rows)
}

#[derive(Debug, Deserialize)]
struct RegionOfCounty {
    county_code: String,
    #[allow(dead_code)] // Read for the file's shape; the name comes from the municipality list.
    county_name: String,
    region: String,
}

/// `reference/police-organisation.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Organisation {
    pub(super) regions: Vec<Region>,
    pub(super) districts: Vec<District>,
    pub(super) areas: Vec<Area>,
    pub(super) area_coverage: Vec<AreaCoverage>,
    pub(super) district_coverage: Vec<DistrictCoverage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Region {
    pub(super) code: String,
    pub(super) name: String,
    /// The name as `police_regions_by_county.csv` writes it.
    pub(super) source_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct District {
    pub(super) code: String,
    pub(super) name: String,
    /// The name as `police_areas.csv` writes it (checked against it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) source_name: String,
    pub(super) region: String,
    pub(super) valid_from: Option<NaiveDate>,
    pub(super) valid_to: Option<NaiveDate>,
    #[allow(dead_code)] // Documentation in the file; SOURCES.md has the full citation.
    pub(super) source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Area {
    pub(super) code: String,
    pub(super) name: String,
    /// The name as `police_areas.csv` writes it (checked against it).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) source_name: String,
    pub(super) district: Option<String>,
    pub(super) region: String,
    #[allow(dead_code)] // Documentation in the file; SOURCES.md has the full citation.
    pub(super) source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AreaCoverage {
    pub(super) area: String,
    pub(super) municipality: String,
    pub(super) valid_from: NaiveDate,
    pub(super) valid_to: Option<NaiveDate>,
    pub(super) inferred: bool,
    pub(super) source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DistrictCoverage {
    pub(super) district: String,
    pub(super) municipality: String,
    pub(super) valid_from: NaiveDate,
    pub(super) valid_to: Option<NaiveDate>,
    pub(super) inferred: bool,
    pub(super) source: String,
}

/// The organisation file, checked: codes well-formed and unique, every
/// reference resolvable, no period ending before it starts.
pub(super) fn organisation(official: &[Official]) -> anyhow::Result<Organisation> {
    let org: Organisation =
        toml::from_str(ORGANISATION_TOML).context("parsing police-organisation.toml")?;
    let mut codes = HashSet::new();
    for code in org
        .regions
        .iter()
        .map(|r| &r.code)
        .chain(org.districts.iter().map(|d| &d.code))
        .chain(org.areas.iter().map(|a| &a.code))
    {
        domain::PoliceAreaCode::parse(code)?;
        ensure!(codes.insert(code.as_str()), "code {code} is used twice");
    }
    let region = |code: &str| org.regions.iter().any(|r| r.code == code);
    let district = |code: &str| org.districts.iter().any(|d| d.code == code);
    let area = |code: &str| org.areas.iter().any(|a| a.code == code);
    let municipality = |code: &str| official.iter().any(|m| m.code == code);
    for d in &org.districts {
        ensure!(
            region(&d.region),
            "district {}: unknown region {}",
            d.code,
            d.region
        );
        if let (Some(from), Some(to)) = (d.valid_from, d.valid_to) {
            ensure!(from <= to, "district {} ends before it starts", d.code);
        }
    }
    for a in &org.areas {
        ensure!(
            region(&a.region),
            "area {}: unknown region {}",
            a.code,
            a.region
        );
        if let Some(d) = &a.district {
            ensure!(district(d), "area {}: unknown district {d}", a.code);
        }
    }
    for c in &org.area_coverage {
        ensure!(area(&c.area), "coverage: unknown area {}", c.area);
        ensure!(
            municipality(&c.municipality),
            "coverage: unknown municipality {}",
            c.municipality
        );
        ensure!(
            c.valid_to.is_none_or(|to| c.valid_from <= to),
            "coverage of {} by {} ends before it starts",
            c.municipality,
            c.area
        );
    }
    for c in &org.district_coverage {
        ensure!(
            district(&c.district),
            "coverage: unknown district {}",
            c.district
        );
        ensure!(
            municipality(&c.municipality),
            "coverage: unknown municipality {}",
            c.municipality
        );
        ensure!(
            c.valid_to.is_none_or(|to| c.valid_from <= to),
            "coverage of {} by {} ends before it starts",
            c.municipality,
            c.district
        );
    }
    Ok(org)
}

/// Region code of every county, from `police_regions_by_county.csv`.
fn regions_by_county(org: &Organisation) -> anyhow::Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    for row in csv::Reader::from_reader(REGIONS_BY_COUNTY_CSV.as_bytes()).deserialize() {
        let row: RegionOfCounty = row.context("reading police_regions_by_county.csv")?;
        let region = org
            .regions
            .iter()
            .find(|r| r.source_name == row.region)
            .with_context(|| {
                format!("county {}: unknown region {}", row.county_code, row.region)
            })?;
        map.insert(row.county_code, region.code.clone());
    }
    Ok(map)
}

/// What a load added.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct NationalReport {
    pub(super) municipalities_added: usize,
    pub(super) police_areas_added: usize,
}

/// Inserts the national reference rows that are missing (see the module
/// comment), inside the caller's transaction.
pub(super) async fn load(db: &impl ConnectionTrait) -> anyhow::Result<NationalReport> {
    let official = official()?;
    let org = organisation(&official)?;
    let region_of_county = regions_by_county(&org)?;
    let mut report = NationalReport::default();

    let regions: HashSet<String> = police_region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();
    let new_regions = org
        .regions
        .iter()
        .filter(|r| !regions.contains(&r.code))
        .map(|r| police_region::Model {
            code: r.code.clone(),
            name: r.name.clone(),
        })
        .collect();
    insert_all(db, new_regions).await?;

    let mut counties: BTreeMap<&str, &str> = BTreeMap::new();
    for m in &official {
        counties.insert(&m.county_code, &m.county_name);
    }
    let existing: HashMap<String, county::Model> = county::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.code.clone(), c))
        .collect();
    let mut new_counties = Vec::new();
    for (code, name) in counties {
        let region = region_of_county
            .get(code)
            .with_context(|| format!("county {code} has no police region"))?;
        match existing.get(code) {
            None => new_counties.push(county::Model {
                code: code.to_owned(),
                name: name.to_owned(),
                police_region_code: Some(region.clone()),
            }),
            Some(row) if row.police_region_code.is_none() => {
                county::Entity::update_many()
                    .col_expr(county::Column::PoliceRegionCode, region.clone().into())
                    .filter(county::Column::Code.eq(code))
                    .exec(db)
                    .await?;
            }
            Some(_) => {}
        }
    }
    insert_all(db, new_counties).await?;

    let districts: HashSet<String> = police_district::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.code)
        .collect();
    let new_districts = org
        .districts
        .iter()
        .filter(|d| !districts.contains(&d.code))
        .map(|d| police_district::Model {
            code: d.code.clone(),
            name: d.name.clone(),
            region_code: d.region.clone(),
            valid_from: d.valid_from,
            valid_to: d.valid_to,
        })
        .collect();
    insert_all(db, new_districts).await?;

    let mut municipality_ids: HashMap<String, Uuid> = municipality::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.code, m.id))
        .collect();
    let mut new_municipalities = Vec::new();
    for m in &official {
        if !municipality_ids.contains_key(&m.code) {
            let id = derived_id("municipality", &m.code);
            municipality_ids.insert(m.code.clone(), id);
            new_municipalities.push(municipality::Model {
                id,
                code: m.code.clone(),
                name: m.name.clone(),
                county_code: m.county_code.clone(),
            });
        }
    }
    report.municipalities_added = new_municipalities.len();
    insert_all(db, new_municipalities).await?;

    let existing: HashMap<String, police_area::Model> = police_area::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.code.clone(), a))
        .collect();
    let mut area_ids = HashMap::new();
    let mut new_areas = Vec::new();
    for a in &org.areas {
        match existing.get(&a.code) {
            None => {
                let id = derived_id("police_area", &a.code);
                new_areas.push(police_area::Model {
                    id,
                    code: a.code.clone(),
                    name: a.name.clone(),
                    district_code: a.district.clone(),
                    region_code: Some(a.region.clone()),
                });
                area_ids.insert(a.code.as_str(), id);
            }
            Some(row) => {
                area_ids.insert(a.code.as_str(), row.id);
                if row.region_code.is_none() {
                    police_area::Entity::update_many()
                        .col_expr(police_area::Column::RegionCode, a.region.clone().into())
                        .col_expr(police_area::Column::DistrictCode, a.district.clone().into())
                        .filter(police_area::Column::Id.eq(row.id))
                        .exec(db)
                        .await?;
                }
            }
        }
    }
    report.police_areas_added = new_areas.len();
    insert_all(db, new_areas).await?;

    let municipality_id = |code: &str| {
        municipality_ids
            .get(code)
            .copied()
            .with_context(|| format!("municipality {code} has no row"))
    };
    let coverage_ids: HashSet<Uuid> = coverage::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut new_coverage = Vec::new();
    for c in &org.area_coverage {
        let id = coverage_id(&c.area, &c.municipality, c.valid_from);
        if coverage_ids.contains(&id) {
            continue;
        }
        let Some(&area_id) = area_ids.get(c.area.as_str()) else {
            bail!("area {} has no row", c.area);
        };
        new_coverage.push(coverage::Model {
            id,
            police_area_id: area_id,
            municipality_id: municipality_id(&c.municipality)?,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            inferred: c.inferred,
            source: Some(c.source.clone()),
        });
    }
    insert_all(db, new_coverage).await?;

    let district_coverage_ids: HashSet<Uuid> = district_coverage::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut new_district_coverage = Vec::new();
    for c in &org.district_coverage {
        let id = derived_id(
            "district_coverage",
            &format!("{}:{}:{}", c.district, c.municipality, c.valid_from),
        );
        if district_coverage_ids.contains(&id) {
            continue;
        }
        new_district_coverage.push(district_coverage::Model {
            id,
            district_code: c.district.clone(),
            municipality_id: municipality_id(&c.municipality)?,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            inferred: c.inferred,
            source: Some(c.source.clone()),
        });
    }
    insert_all(db, new_district_coverage).await?;
    Ok(report)
}

/// The key of a coverage row, as every seed derives it (so the source
/// documents' coverage of earlier versions is recognised).
pub(super) fn coverage_id(area: &str, municipality: &str, from: NaiveDate) -> Uuid {
    derived_id("coverage", &format!("{area}:{municipality}:{from}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `police_areas.csv`: `region,police_district,local_police_area,municipality_code`.
    #[derive(Debug, Deserialize)]
    struct CsvRow {
        region: String,
        police_district: String,
        local_police_area: String,
        municipality_code: String,
    }

    fn csv_rows() -> Vec<CsvRow> {
        csv::Reader::from_reader(include_str!("reference/police_areas.csv").as_bytes())
            .deserialize()
            .map(|r| r.expect("police_areas.csv row"))
            .collect()
    }

    #[test]
    fn the_organisation_file_agrees_with_the_sourced_table() {
        let official = official().expect("municipality list");
        let org = organisation(&official).expect("organisation file");
        let regions = regions_by_county(&org).expect("regions by county");
        let rows = csv_rows();
        let mut districts_today = HashSet::new();
        let mut areas_today = HashSet::new();
        for row in &rows {
            let county = &row.municipality_code[..2];
            let region = org
                .regions
                .iter()
                .find(|r| r.code == regions[county])
                .expect("listed");
            assert_eq!(region.source_name, row.region, "{}", row.municipality_code);
            if !row.police_district.is_empty() {
                districts_today
                    .insert((row.police_district.clone(), row.municipality_code.clone()));
            }
            if !row.local_police_area.is_empty() {
                areas_today.insert((row.local_police_area.clone(), row.municipality_code.clone()));
            }
        }
        let name_of_district = |code: &str| {
            org.districts
                .iter()
                .find(|d| d.code == code)
                .expect("listed")
                .source_name
                .clone()
        };
        let name_of_area = |code: &str| {
            org.areas
                .iter()
                .find(|a| a.code == code)
                .expect("listed")
                .source_name
                .clone()
        };
        let open_districts: HashSet<(String, String)> = org
            .district_coverage
            .iter()
            .filter(|c| c.valid_to.is_none())
            .map(|c| (name_of_district(&c.district), c.municipality.clone()))
            .collect();
        let open_areas: HashSet<(String, String)> = org
            .area_coverage
            .iter()
            .filter(|c| c.valid_to.is_none())
            .map(|c| (name_of_area(&c.area), c.municipality.clone()))
            .collect();
        assert_eq!(open_districts, districts_today);
        assert_eq!(open_areas, areas_today);
        // Every municipality is in the table, and every table row names one.
        let listed: HashSet<&str> = rows.iter().map(|r| r.municipality_code.as_str()).collect();
        assert_eq!(listed.len(), 290);
        assert!(official.iter().all(|m| listed.contains(m.code.as_str())));
    }

    #[test]
    fn an_area_in_a_district_covers_municipalities_the_district_covers() {
        let official = official().expect("municipality list");
        let org = organisation(&official).expect("organisation file");
        for c in &org.area_coverage {
            let area = org.areas.iter().find(|a| a.code == c.area).expect("listed");
            let Some(district) = &area.district else {
                continue;
            };
            if c.valid_to.is_some() {
                continue;
            }
            assert!(
                org.district_coverage.iter().any(|d| &d.district == district
                    && d.municipality == c.municipality
                    && d.valid_to.is_none()),
                "{} covers {} but its district {district} does not",
                c.area,
                c.municipality
            );
        }
    }

    #[test]
    fn the_2018_reorganisation_of_region_syd_is_dated() {
        let official = official().expect("municipality list");
        let org = organisation(&official).expect("organisation file");
        let day = NaiveDate::from_ymd_opt(2018, 9, 24).expect("listed");
        let osby = org
            .area_coverage
            .iter()
            .find(|c| c.area == "lpo-ljungby" && c.municipality == "1273")
            .expect("Osby was in Ljungby");
        assert_eq!(osby.valid_to, day.pred_opt());
        let old = org
            .districts
            .iter()
            .find(|d| d.code == "po-sydostra-gotaland")
            .expect("listed");
        let new = org
            .districts
            .iter()
            .find(|d| d.code == "po-kalmar-kronoberg")
            .expect("listed");
        assert_eq!(old.valid_to, day.pred_opt());
        assert_eq!(new.valid_from, Some(day));
    }
}
