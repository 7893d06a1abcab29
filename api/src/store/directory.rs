//! The code-to-key directory: municipality and police-area codes, and which
//! police area covers which municipality when. Tokens name codes; turning
//! them into a scope must not cost SQL on every request (nor run any for a
//! request that is refused before it starts), so the directory is read at
//! start-up and refreshed in the background. Reference data changes rarely.

use std::collections::{BTreeSet, HashMap};
use std::sync::RwLock;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::entities::{coverage, municipality, police_area};
use crate::error::ApiResult;

#[derive(Debug, Default)]
struct Snapshot {
    municipalities: HashMap<String, Uuid>,
    police_areas: HashMap<String, Uuid>,
    coverage: Vec<coverage::Model>,
}

/// Reference codes and coverage, in memory.
#[derive(Debug, Default)]
pub struct Directory {
    snapshot: RwLock<Snapshot>,
}

impl Directory {
    /// Reads the directory from the database.
    pub async fn load(db: &impl ConnectionTrait) -> ApiResult<Self> {
        let directory = Self::default();
        directory.refresh(db).await?;
        Ok(directory)
    }

    /// Re-reads the directory (three statements).
    pub async fn refresh(&self, db: &impl ConnectionTrait) -> ApiResult<()> {
        let municipalities = municipality::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.code, m.id))
            .collect();
        let police_areas = police_area::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.code, a.id))
            .collect();
        let coverage = coverage::Entity::find().all(db).await?;
        if let Ok(mut snapshot) = self.snapshot.write() {
            *snapshot = Snapshot {
                municipalities,
                police_areas,
                coverage,
            };
        }
        Ok(())
    }

    /// Keys of the municipalities with these codes; unknown codes are skipped.
    pub fn municipality_ids(&self, codes: &[String]) -> BTreeSet<Uuid> {
        self.snapshot
            .read()
            .map(|s| {
                codes
                    .iter()
                    .filter_map(|c| s.municipalities.get(c).copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Keys of the police areas with these codes; unknown codes are skipped.
    pub fn police_area_ids(&self, codes: &[String]) -> BTreeSet<Uuid> {
        self.snapshot
            .read()
            .map(|s| {
                codes
                    .iter()
                    .filter_map(|c| s.police_areas.get(c).copied())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The municipalities `areas` cover on `day`.
    pub fn covered_by(&self, areas: &BTreeSet<Uuid>, day: NaiveDate) -> BTreeSet<Uuid> {
        self.snapshot
            .read()
            .map(|s| {
                s.coverage
                    .iter()
                    .filter(|c| areas.contains(&c.police_area_id))
                    .filter(|c| c.valid_from <= day && c.valid_to.is_none_or(|to| day <= to))
                    .map(|c| c.municipality_id)
                    .collect()
            })
            .unwrap_or_default()
    }
}
