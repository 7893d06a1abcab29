//! Generating the rows of one transaction: which pledges a municipality
//! gets, its places, and the helpers the generators share (a pledge's rows:
//! `pledge`; its follow-up and activities: `follow_up`). Pure: rows come
//! from the spec, the world and the PRNG streams, never from the database
//! or the clock.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::Method;
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_pcg::Pcg64Mcg;
use serde_json::Value;
use uuid::Uuid;

use super::pledge::Pledge;
use super::reference::{Target, World};
use super::texts;
use super::{Ids, SyntheticSpec};
use crate::store::entities::{
    activity, commitment, commitment_focus_area, commitment_method, commitment_place,
    commitment_progress, follow_up_report, place, pledge, pledge_focus_area, signatory,
};

/// The rows of one transaction, in the order they are written.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Batch {
    pub(super) places: Vec<place::Model>,
    pub(super) pledges: Vec<pledge::Model>,
    pub(super) signatories: Vec<signatory::Model>,
    pub(super) pledge_focus_areas: Vec<pledge_focus_area::Model>,
    pub(super) commitments: Vec<commitment::Model>,
    pub(super) commitment_methods: Vec<commitment_method::Model>,
    pub(super) commitment_focus_areas: Vec<commitment_focus_area::Model>,
    pub(super) commitment_places: Vec<commitment_place::Model>,
    pub(super) reports: Vec<follow_up_report::Model>,
    pub(super) progress: Vec<commitment_progress::Model>,
    pub(super) activities: Vec<activity::Model>,
    /// (municipality, year) pairs left out.
    pub(super) skipped: usize,
}

/// A place a municipality's commitments and activities may name.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlaceRef {
    pub(super) id: Uuid,
}

/// A commitment as follow-up generation needs it.
#[derive(Debug)]
pub(super) struct CommitmentRef {
    pub(super) id: Uuid,
    pub(super) method: Option<Method>,
    pub(super) target_quantity: Option<f64>,
    pub(super) places: Vec<PlaceRef>,
    pub(super) partners: Vec<&'static str>,
}

/// The rows for the municipalities of `chunk`.
pub(super) fn batch(spec: &SyntheticSpec, ids: &Ids, world: &World, chunk: &[Target]) -> Batch {
    let mut batch = Batch::default();
    for m in chunk {
        let mut pledges = Vec::new();
        for year in spec.pledge_years() {
            let area = first_of_january(year).and_then(|day| m.police_area_on(day));
            match area {
                Some(area) if !world.existing_pledges.contains(&(m.id, year)) => {
                    pledges.push((year, area));
                }
                _ => batch.skipped += 1,
            }
        }
        if pledges.is_empty() {
            continue;
        }
        let places = places(&mut batch, ids, world, m);
        for (year, area) in pledges {
            let (Some(from), Some(to)) = (
                first_of_january(year),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                continue;
            };
            let mut rng = ids.rng(&format!("pledge:{}:{year}", m.code));
            let pledge = Pledge {
                ids,
                municipality: m,
                year,
                from,
                to,
                key: format!("{}:{year}", m.code),
                police_area_id: area,
            };
            pledge.generate(&mut batch, &mut rng, world, &places);
        }
    }
    batch
}

/// 1 January of `year`, the first day of a synthetic pledge.
pub(super) fn first_of_january(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

/// A working-hours moment on `day` (07:00–15:00 UTC, the same calendar
/// day in Sweden), from the PRNG rather than the clock.
pub(super) fn moment(rng: &mut Pcg64Mcg, day: NaiveDate) -> DateTime<Utc> {
    let seconds: i64 = rng.random_range(7 * 3600..15 * 3600);
    day.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::seconds(seconds)
}

/// A working-hours moment on a day `offsets` days after `day`.
pub(super) fn moment_after(
    rng: &mut Pcg64Mcg,
    day: NaiveDate,
    offsets: std::ops::RangeInclusive<i64>,
) -> DateTime<Utc> {
    let offset = rng.random_range(offsets);
    moment(rng, day + Duration::days(offset))
}

/// `count` distinct items of `items`, in random order.
pub(super) fn some<T: Copy>(rng: &mut Pcg64Mcg, items: &[T], count: usize) -> Vec<T> {
    items.sample(rng, count).copied().collect()
}

/// A JSON list of strings, as list columns store them.
pub(super) fn strings(items: &[&str]) -> Value {
    Value::from(items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
}

/// The municipality's synthetic places (3–6 of the fixed list), reusing a
/// row already there by name; new ones join the batch.
fn places(batch: &mut Batch, ids: &Ids, world: &World, m: &Target) -> Vec<PlaceRef> {
    let mut rng = ids.rng(&format!("places:{}", m.code));
    let count = rng.random_range(3..=6);
    let mut chosen = Vec::new();
    for (label, kind) in some(&mut rng, &texts::PLACES, count) {
        let name = texts::place_name(label);
        let id = match world.existing_places.get(&(m.id, name.clone())) {
            Some(id) => *id,
            None => {
                let id = ids.id("place", &format!("{}:{label}", m.code));
                batch.places.push(place::Model {
                    id,
                    municipality_id: m.id,
                    name,
                    kind: kind.as_str().to_owned(),
                    latitude: None,
                    longitude: None,
                });
                id
            }
        };
        chosen.push(PlaceRef { id });
    }
    chosen
}
