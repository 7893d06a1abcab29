//! One synthetic pledge: the pledge row with its signatories, focus areas
//! and commitments, then (through `follow_up`) its reports and activities.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::{BasisKind, Method, Party, PeriodKind, PledgeStatus};
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_pcg::Pcg64Mcg;
use serde_json::Value;
use uuid::Uuid;

use super::generate::{Batch, CommitmentRef, PlaceRef, moment, moment_after, some, strings};
use super::reference::{Target, World};
use super::texts::{self, PledgeTexts};
use super::{Ids, follow_up};
use crate::store::entities::{
    commitment, commitment_focus_area, commitment_method, commitment_place, pledge,
    pledge_focus_area, signatory,
};

/// One pledge being generated.
pub(super) struct Pledge<'a> {
    pub(super) ids: &'a Ids,
    pub(super) municipality: &'a Target,
    pub(super) year: i32,
    /// The validity: the calendar year.
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    /// "<municipality code>:<year>", the stem of every key below it.
    pub(super) key: String,
    /// The police area covering the municipality on 1 January: the co-signer.
    pub(super) police_area_id: Uuid,
}

impl Pledge<'_> {
    /// The pledge's UUID, which its reports' rows refer to.
    pub(super) fn id(&self) -> Uuid {
        self.ids.id("pledge", &self.key)
    }

    /// The pledge and everything under it, into `batch`.
    pub(super) fn generate(
        self,
        batch: &mut Batch,
        rng: &mut Pcg64Mcg,
        world: &World,
        places: &[PlaceRef],
    ) {
        let (from, to) = (self.from, self.to);
        // Drafted in the autumn before, approved by the municipality in
        // December, then by the police (signing), then published.
        let autumn = from - Duration::days(92);
        let created = moment_after(rng, autumn, 0..=29);
        let approved_day = from - Duration::days(31) + Duration::days(rng.random_range(0..10));
        let municipality_approved = moment(rng, approved_day);
        let signed_on = approved_day + Duration::days(rng.random_range(1..=5));
        let police_approved = moment(rng, signed_on);
        let published = moment_after(rng, signed_on, 1..=10);

        let area_count = rng.random_range(1..=4);
        let areas: Vec<&(String, String)> = world.focus_areas.sample(rng, area_count).collect();
        let area_names: Vec<&str> = areas.iter().map(|(_, name)| name.as_str()).collect();
        let text = PledgeTexts::new(&self.municipality.name, self.year, &area_names.join(", "));
        let basis_count = rng.random_range(1..=4);
        let basis: Vec<&str> = some(rng, BasisKind::ALL, basis_count)
            .into_iter()
            .map(BasisKind::as_str)
            .collect();
        let id = self.id();
        batch.pledges.push(pledge::Model {
            id,
            municipality_id: self.municipality.id,
            police_area_id: self.police_area_id,
            year: self.year,
            title: text.title,
            valid_from: from,
            valid_to: to,
            status: PledgeStatus::Published.as_str().to_owned(),
            signed_on: Some(signed_on),
            introduction: Some(text.introduction),
            promise_statement: Some(text.promise_statement),
            situation_picture: Some(text.situation_picture),
            expected_effect: Some(text.expected_effect),
            background: Some(text.background),
            basis_kinds: strings(&basis),
            follow_up_plan: Some(text.follow_up_plan),
            prepared_by: Some(texts::SOURCE_TITLE.to_owned()),
            source_title: Some(texts::SOURCE_TITLE.to_owned()),
            source_url: None,
            municipality_approved_at: Some(municipality_approved),
            municipality_approved_by: Some(texts::MUNICIPALITY_APPROVER.to_owned()),
            police_approved_at: Some(police_approved),
            police_approved_by: Some(texts::POLICE_APPROVER.to_owned()),
            withdrawn_reason: None,
            supersedes_id: None,
            version: 1,
            created_at: created,
            updated_at: published,
            // Generated as if written and signed here: approvals are set.
            provenance: domain::Provenance::Recorded.as_str().to_owned(),
            validity_stated: true,
            signed_on_stated: true,
            inference_note: None,
            source_notes: Value::Array(Vec::new()),
        });
        for (position, (party, title)) in [
            (
                Party::Municipality,
                "Kommunstyrelsens ordförande (syntetisk)",
            ),
            (Party::Police, "Lokalpolisområdeschef (syntetisk)"),
        ]
        .into_iter()
        .enumerate()
        {
            let position = position as i32 + 1;
            batch.signatories.push(signatory::Model {
                id: self
                    .ids
                    .id("signatory", &format!("{}:{position}", self.key)),
                pledge_id: id,
                position,
                name: format!("Syntetisk undertecknare {position}"),
                title: Some(title.to_owned()),
                party: party.as_str().to_owned(),
                signed_on: Some(signed_on),
                signed_on_stated: true,
            });
        }
        for (position, (code, name)) in areas.iter().enumerate() {
            batch.pledge_focus_areas.push(pledge_focus_area::Model {
                pledge_id: id,
                focus_area_code: code.clone(),
                position: position as i32 + 1,
                heading: Some(format!("Syntetiskt fokusområde: {name}")),
                problem_text: Some(format!(
                    "Syntetisk problembild om {} i {} {}: genererad testdata som inte beskriver verkliga förhållanden.",
                    name.to_lowercase(),
                    self.municipality.name,
                    self.year
                )),
                special_focus: Value::Array(Vec::new()),
            });
        }

        let count = rng.random_range(5..=12);
        let commitments: Vec<CommitmentRef> = (1..=count)
            .map(|position| self.commitment(batch, rng, position, &areas, places, created))
            .collect();
        follow_up::reports(&self, batch, rng, &commitments);
        follow_up::activities(&self, batch, rng, &commitments, places);
    }

    /// Commitment number `position`, into `batch`.
    fn commitment(
        &self,
        batch: &mut Batch,
        rng: &mut Pcg64Mcg,
        position: i32,
        areas: &[&(String, String)],
        places: &[PlaceRef],
        created: DateTime<Utc>,
    ) -> CommitmentRef {
        let id = self
            .ids
            .id("commitment", &format!("{}:{position}", self.key));
        let method = (!rng.random_bool(0.1))
            .then(|| Method::ALL.choose(rng).copied())
            .flatten();
        let responsible = match rng.random_range(0..4) {
            0 => Party::Police,
            1 => Party::Municipality,
            _ => Party::Joint,
        };
        let served_count = rng.random_range(1..=areas.len().min(2));
        let served = some(rng, areas, served_count);
        let served_names: Vec<String> = served.iter().map(|(_, n)| n.to_lowercase()).collect();
        let how = method.map_or("gemensamma insatser", |m| texts::method_words(m).0);
        let text = format!(
            "Syntetiskt åtagande {position}: {how} med inriktning på {} (genererad testdata).",
            served_names.join(" och ")
        );
        let partner_count = rng.random_range(0..=2);
        let partners = some(rng, &texts::PARTNERS, partner_count);
        let group_count = rng.random_range(0..=2);
        let groups = some(rng, &texts::TARGET_GROUPS, group_count);
        let place_count = if rng.random_bool(0.4) {
            rng.random_range(1..=2)
        } else {
            0
        };
        let chosen = some(rng, places, place_count);
        let target = rng
            .random_bool(0.4)
            .then(|| f64::from(rng.random_range(2..=12_u32)));
        batch.commitments.push(commitment::Model {
            id,
            pledge_id: self.id(),
            municipality_id: self.municipality.id,
            position,
            text,
            responsible: responsible.as_str().to_owned(),
            method: method.map(|m| m.as_str().to_owned()),
            partners: strings(&partners),
            target_groups: strings(&groups),
            target_quantity: target,
            target_unit: target.map(|_| "tillfällen".to_owned()),
            target_period: target.map(|_| PeriodKind::YearEnd.as_str().to_owned()),
            version: 1,
            created_at: created,
            updated_at: created,
        });
        if let Some(m) = method {
            batch.commitment_methods.push(commitment_method::Model {
                commitment_id: id,
                position: 1,
                method: m.as_str().to_owned(),
            });
        }
        for (code, _) in served {
            batch
                .commitment_focus_areas
                .push(commitment_focus_area::Model {
                    commitment_id: id,
                    focus_area_code: code.clone(),
                });
        }
        for p in &chosen {
            batch.commitment_places.push(commitment_place::Model {
                commitment_id: id,
                place_id: p.id,
            });
        }
        CommitmentRef {
            id,
            method,
            target_quantity: target,
            places: chosen,
            partners,
        }
    }
}
