//! Reference data in memory: counties, municipalities, police areas, which
//! police area covers which municipality when, and the focus-area catalogue.
//! It is public, small and changes rarely, so every request reads it from
//! one snapshot instead of from the database: tokens become scopes, codes
//! in filters become keys, and every nested `municipality`, `county`,
//! `policeArea` and `focusArea` resolves without SQL.
//!
//! A snapshot is immutable; a refresh builds a new one and swaps it in, so
//! a request that took the snapshot at its start sees one consistent
//! version throughout. The snapshot records the reference version it was
//! read at (see `data_version`), so a reader that knows the database has a
//! newer one can refresh before answering.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use domain::swedish_sort_key;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::data_version;
use super::entities::{
    county, coverage, district_coverage, focus_area, municipality, police_area, police_district,
    police_region,
};
use super::rows::{
    CountyRow, FocusAreaRow, MunicipalityRow, PoliceAreaRow, PoliceDistrictRow, PoliceRegionRow,
};
use crate::error::{ApiError, ApiResult};

/// One consistent, immutable copy of the reference data.
#[derive(Debug, Default)]
pub struct Reference {
    /// The reference version this copy was read at.
    version: i64,
    /// In Swedish name order (sorted here: database collations differ).
    municipalities: Vec<Arc<MunicipalityRow>>,
    municipality_by_id: HashMap<Uuid, usize>,
    municipality_by_code: HashMap<String, usize>,
    counties: HashMap<String, Arc<CountyRow>>,
    /// In Swedish name order.
    police_areas: Vec<Arc<PoliceAreaRow>>,
    police_area_by_id: HashMap<Uuid, usize>,
    police_area_by_code: HashMap<String, usize>,
    coverage: Vec<coverage::Model>,
    /// In Swedish name order.
    police_regions: Vec<Arc<PoliceRegionRow>>,
    /// In Swedish name order.
    police_districts: Vec<Arc<PoliceDistrictRow>>,
    district_coverage: Vec<district_coverage::Model>,
    /// In code order.
    focus_areas: Vec<Arc<FocusAreaRow>>,
    focus_area_by_code: HashMap<String, usize>,
}

fn index_by<T, K: std::hash::Hash + Eq>(
    rows: &[Arc<T>],
    key: impl Fn(&T) -> K,
) -> HashMap<K, usize> {
    rows.iter().enumerate().map(|(i, r)| (key(r), i)).collect()
}

/// Whether a coverage row is in force on `day`.
fn in_force(c: &coverage::Model, day: NaiveDate) -> bool {
    c.valid_from <= day && c.valid_to.is_none_or(|to| day <= to)
}

/// Whether the period `from..=to` (open `to`: still in force) overlaps `days`.
fn overlaps(from: NaiveDate, to: Option<NaiveDate>, days: &Period) -> bool {
    from <= days.last && to.is_none_or(|to| days.first <= to)
}

/// A run of days, both ends included: a calendar year, for selections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// Which municipalities a regional selection takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    County(String),
    PoliceRegion(String),
    PoliceDistrict(String),
    PoliceArea(String),
}

impl Reference {
    /// Reads every reference table (eight statements plus the version).
    async fn read(db: &impl ConnectionTrait) -> ApiResult<Self> {
        let version = data_version::current(db).await?.reference;
        let mut municipalities: Vec<Arc<MunicipalityRow>> = municipality::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        municipalities.sort_by_cached_key(|m| swedish_sort_key(&m.name));
        let mut police_areas: Vec<Arc<PoliceAreaRow>> = police_area::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        police_areas.sort_by_cached_key(|a| swedish_sort_key(&a.name));
        let mut focus_areas: Vec<Arc<FocusAreaRow>> = focus_area::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        focus_areas.sort_by(|a, b| a.code.cmp(&b.code));
        let counties = county::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.code.clone(), Arc::new(c)))
            .collect();
        let coverage = coverage::Entity::find().all(db).await?;
        let mut police_regions: Vec<Arc<PoliceRegionRow>> = police_region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        police_regions.sort_by_cached_key(|r| swedish_sort_key(&r.name));
        let mut police_districts: Vec<Arc<PoliceDistrictRow>> = police_district::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(Arc::new)
            .collect();
        police_districts.sort_by_cached_key(|d| swedish_sort_key(&d.name));
        let district_coverage = district_coverage::Entity::find().all(db).await?;
        Ok(Self {
            police_regions,
            police_districts,
            district_coverage,
            version,
            municipality_by_id: index_by(&municipalities, |m| m.id),
            municipality_by_code: index_by(&municipalities, |m| m.code.clone()),
            municipalities,
            counties,
            police_area_by_id: index_by(&police_areas, |a| a.id),
            police_area_by_code: index_by(&police_areas, |a| a.code.clone()),
            police_areas,
            coverage,
            focus_area_by_code: index_by(&focus_areas, |f| f.code.clone()),
            focus_areas,
        })
    }

    /// The reference version this copy was read at.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Every municipality, in Swedish name order.
    pub fn municipalities(&self) -> &[Arc<MunicipalityRow>] {
        &self.municipalities
    }

    pub fn municipality(&self, id: Uuid) -> Option<&Arc<MunicipalityRow>> {
        self.municipality_by_id
            .get(&id)
            .map(|&i| &self.municipalities[i])
    }

    pub fn municipality_by_code(&self, code: &str) -> Option<&Arc<MunicipalityRow>> {
        self.municipality_by_code
            .get(code)
            .map(|&i| &self.municipalities[i])
    }

    /// The key of the municipality with code `raw`, for filters and inputs:
    /// a malformed or unknown code is the caller's mistake, `BAD_USER_INPUT`.
    pub fn municipality_key(&self, raw: &str) -> ApiResult<Uuid> {
        let code = domain::MunicipalityCode::parse(raw)?;
        self.municipality_by_code(code.as_str())
            .map(|m| m.id)
            .ok_or_else(|| {
                ApiError::bad_input("municipality", format!("unknown municipality code {raw:?}"))
            })
    }

    pub fn county(&self, code: &str) -> Option<&Arc<CountyRow>> {
        self.counties.get(code)
    }

    /// Every local police area, in Swedish name order.
    pub fn police_areas(&self) -> &[Arc<PoliceAreaRow>] {
        &self.police_areas
    }

    pub fn police_area(&self, id: Uuid) -> Option<&Arc<PoliceAreaRow>> {
        self.police_area_by_id
            .get(&id)
            .map(|&i| &self.police_areas[i])
    }

    pub fn police_area_by_code(&self, code: &str) -> Option<&Arc<PoliceAreaRow>> {
        self.police_area_by_code
            .get(code)
            .map(|&i| &self.police_areas[i])
    }

    /// The police area covering `municipality` on `day`, if any.
    pub fn police_area_covering(
        &self,
        municipality: Uuid,
        day: NaiveDate,
    ) -> Option<&Arc<PoliceAreaRow>> {
        self.coverage
            .iter()
            .find(|c| c.municipality_id == municipality && in_force(c, day))
            .and_then(|c| self.police_area(c.police_area_id))
    }

    /// The municipalities `area` covers on `day`, in Swedish name order.
    pub fn municipalities_covered_by(
        &self,
        area: Uuid,
        day: NaiveDate,
    ) -> Vec<Arc<MunicipalityRow>> {
        let mut positions: Vec<usize> = self
            .coverage
            .iter()
            .filter(|c| c.police_area_id == area && in_force(c, day))
            .filter_map(|c| self.municipality_by_id.get(&c.municipality_id).copied())
            .collect();
        // Positions follow name order already.
        positions.sort_unstable();
        positions.dedup();
        positions
            .into_iter()
            .map(|i| self.municipalities[i].clone())
            .collect()
    }

    /// The focus-area catalogue, in code order.
    pub fn focus_areas(&self) -> &[Arc<FocusAreaRow>] {
        &self.focus_areas
    }

    pub fn focus_area(&self, code: &str) -> Option<&Arc<FocusAreaRow>> {
        self.focus_area_by_code
            .get(code)
            .map(|&i| &self.focus_areas[i])
    }

    /// Keys of the municipalities with these codes; unknown codes are skipped.
    pub fn municipality_ids(&self, codes: &[String]) -> BTreeSet<Uuid> {
        codes
            .iter()
            .filter_map(|c| self.municipality_by_code(c).map(|m| m.id))
            .collect()
    }

    /// Keys of the police areas with these codes; unknown codes are skipped.
    pub fn police_area_ids(&self, codes: &[String]) -> BTreeSet<Uuid> {
        codes
            .iter()
            .filter_map(|c| self.police_area_by_code(c).map(|a| a.id))
            .collect()
    }

    /// The municipalities `areas` cover on `day`.
    pub fn covered_by(&self, areas: &BTreeSet<Uuid>, day: NaiveDate) -> BTreeSet<Uuid> {
        self.coverage
            .iter()
            .filter(|c| areas.contains(&c.police_area_id) && in_force(c, day))
            .map(|c| c.municipality_id)
            .collect()
    }

    /// Every coverage of `municipality` by a local police area, oldest first.
    pub fn coverage_of(&self, municipality: Uuid) -> Vec<coverage::Model> {
        let mut rows: Vec<coverage::Model> = self
            .coverage
            .iter()
            .filter(|c| c.municipality_id == municipality)
            .cloned()
            .collect();
        rows.sort_by_key(|c| (c.valid_from, c.police_area_id));
        rows
    }

    /// Every police region, in Swedish name order.
    pub fn police_regions(&self) -> &[Arc<PoliceRegionRow>] {
        &self.police_regions
    }

    pub fn police_region(&self, code: &str) -> Option<&Arc<PoliceRegionRow>> {
        self.police_regions.iter().find(|r| r.code == code)
    }

    /// Every police district, in Swedish name order.
    pub fn police_districts(&self) -> &[Arc<PoliceDistrictRow>] {
        &self.police_districts
    }

    pub fn police_district(&self, code: &str) -> Option<&Arc<PoliceDistrictRow>> {
        self.police_districts.iter().find(|d| d.code == code)
    }

    /// The districts of `region`, in Swedish name order.
    pub fn districts_of_region(&self, region: &str) -> Vec<Arc<PoliceDistrictRow>> {
        self.police_districts
            .iter()
            .filter(|d| d.region_code == region)
            .cloned()
            .collect()
    }

    /// The local police areas of `district`, in Swedish name order.
    pub fn areas_of_district(&self, district: &str) -> Vec<Arc<PoliceAreaRow>> {
        self.police_areas
            .iter()
            .filter(|a| a.district_code.as_deref() == Some(district))
            .cloned()
            .collect()
    }

    /// The region of a police area: its own link, else its district's.
    pub fn region_of_area(&self, area: &PoliceAreaRow) -> Option<&Arc<PoliceRegionRow>> {
        let code = area.region_code.as_deref().or_else(|| {
            area.district_code
                .as_deref()
                .and_then(|d| self.police_district(d))
                .map(|d| d.region_code.as_str())
        })?;
        self.police_region(code)
    }

    /// The police region of a municipality, by its county.
    pub fn region_of_municipality(&self, m: &MunicipalityRow) -> Option<&Arc<PoliceRegionRow>> {
        self.county(&m.county_code)
            .and_then(|c| c.police_region_code.as_deref())
            .and_then(|code| self.police_region(code))
    }

    /// The police district covering `municipality` on `day`: by the
    /// district's own coverage, else by the district of the local police
    /// area covering it.
    pub fn district_covering(
        &self,
        municipality: Uuid,
        day: NaiveDate,
    ) -> Option<&Arc<PoliceDistrictRow>> {
        let own = self
            .district_coverage
            .iter()
            .find(|c| {
                c.municipality_id == municipality
                    && c.valid_from <= day
                    && c.valid_to.is_none_or(|to| day <= to)
            })
            .map(|c| c.district_code.as_str());
        let code = own.or_else(|| {
            self.police_area_covering(municipality, day)
                .and_then(|a| a.district_code.as_deref())
        })?;
        self.police_district(code)
    }

    /// The municipalities of `selection` at any time during `days`, in
    /// Swedish name order. An unknown code is the caller's mistake,
    /// `BAD_USER_INPUT` on the argument that named it.
    pub fn select(
        &self,
        selection: &Selection,
        days: &Period,
    ) -> ApiResult<Vec<Arc<MunicipalityRow>>> {
        let unknown = |field: &'static str, code: &str| {
            ApiError::bad_input(field, format!("unknown {field} code {code:?}"))
        };
        let keep: Box<dyn Fn(&MunicipalityRow) -> bool + '_> = match selection {
            Selection::All => Box::new(|_| true),
            Selection::County(code) => {
                if self.county(code).is_none() {
                    return Err(unknown("county", code));
                }
                Box::new(move |m| &m.county_code == code)
            }
            Selection::PoliceRegion(code) => {
                if self.police_region(code).is_none() {
                    return Err(unknown("policeRegion", code));
                }
                Box::new(move |m| {
                    self.region_of_municipality(m)
                        .is_some_and(|r| &r.code == code)
                })
            }
            Selection::PoliceDistrict(code) => {
                if self.police_district(code).is_none() {
                    return Err(unknown("policeDistrict", code));
                }
                let areas: BTreeSet<Uuid> =
                    self.areas_of_district(code).iter().map(|a| a.id).collect();
                let mut members: BTreeSet<Uuid> = self
                    .district_coverage
                    .iter()
                    .filter(|c| {
                        &c.district_code == code && overlaps(c.valid_from, c.valid_to, days)
                    })
                    .map(|c| c.municipality_id)
                    .collect();
                members.extend(
                    self.coverage
                        .iter()
                        .filter(|c| {
                            areas.contains(&c.police_area_id)
                                && overlaps(c.valid_from, c.valid_to, days)
                        })
                        .map(|c| c.municipality_id),
                );
                Box::new(move |m| members.contains(&m.id))
            }
            Selection::PoliceArea(code) => {
                let Some(area) = self.police_area_by_code(code) else {
                    return Err(unknown("policeArea", code));
                };
                let members: BTreeSet<Uuid> = self
                    .coverage
                    .iter()
                    .filter(|c| {
                        c.police_area_id == area.id && overlaps(c.valid_from, c.valid_to, days)
                    })
                    .map(|c| c.municipality_id)
                    .collect();
                Box::new(move |m| members.contains(&m.id))
            }
        };
        Ok(self
            .municipalities
            .iter()
            .filter(|m| keep(m))
            .cloned()
            .collect())
    }
}

/// The current reference snapshot, swapped whole on refresh.
#[derive(Debug, Default)]
pub struct Directory {
    current: RwLock<Arc<Reference>>,
}

impl Directory {
    /// Reads the reference data from the database.
    pub async fn load(db: &impl ConnectionTrait) -> ApiResult<Self> {
        Ok(Self {
            current: RwLock::new(Arc::new(Reference::read(db).await?)),
        })
    }

    /// The snapshot to answer one request from.
    pub fn current(&self) -> Arc<Reference> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            // A writer panicked while swapping an Arc: the old value is intact.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the reference data and swaps the new snapshot in.
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> ApiResult<Arc<Reference>> {
        let fresh = Arc::new(Reference::read(db).await?);
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Two refreshes may race; never replace a newer copy by an older one.
        if fresh.version >= guard.version {
            *guard = fresh.clone();
        }
        Ok(guard.clone())
    }

    /// The snapshot, re-read first when the database holds a newer
    /// reference version than it (`reference_version` read by the caller).
    pub async fn at_least(
        &self,
        db: &impl ConnectionTrait,
        reference_version: i64,
    ) -> ApiResult<Arc<Reference>> {
        let current = self.current();
        if current.version >= reference_version {
            return Ok(current);
        }
        self.refresh(db).await
    }
}
