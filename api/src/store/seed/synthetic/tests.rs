//! Generation without a database: the official list, the synthetic police
//! areas, and every generated row checked against the domain's rules.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::generate::{Batch, batch};
use super::police::{Span, synthetic_areas};
use super::reference::{Official, Target, World, official};
use super::{Ids, SyntheticSpec};

fn spec(municipalities: usize, seed: u64) -> SyntheticSpec {
    SyntheticSpec {
        municipalities,
        years: 3,
        seed,
        last_year: 2024,
    }
}

/// The first `n` municipalities, each covered by one police area since
/// 2015, and the catalogue of the source documents.
fn world(n: usize) -> World {
    let list = official().expect("the official list parses");
    let municipalities = list
        .iter()
        .take(n)
        .map(|m| Target {
            id: Uuid::new_v5(&Uuid::NAMESPACE_OID, m.code.as_bytes()),
            code: m.code.clone(),
            name: m.name.clone(),
            coverage: vec![Span {
                police_area_id: Uuid::nil(),
                from: NaiveDate::from_ymd_opt(2015, 1, 1).expect("date"),
                to: None,
            }],
        })
        .collect();
    let focus_areas = [
        "TRYGGHET",
        "NARKOTIKA",
        "BEDRAGERIER",
        "TRAFIK",
        "VALDSBROTT",
    ]
    .map(|code| (code.to_owned(), code.to_lowercase()))
    .to_vec();
    World {
        municipalities,
        focus_areas,
        existing_pledges: HashSet::new(),
        existing_places: HashMap::new(),
        police_areas_added: 0,
    }
}

fn generate(n: usize, seed: u64) -> Batch {
    let world = world(n);
    batch(
        &spec(n, seed),
        &Ids::new(seed),
        &world,
        &world.municipalities,
    )
}

#[test]
fn the_official_list_has_290_municipalities_in_21_counties() {
    let list = official().expect("the official list parses");
    assert_eq!(list.len(), 290);
    let counties: HashSet<&str> = list.iter().map(|m| m.county_code.as_str()).collect();
    assert_eq!(counties.len(), 21);
    assert_eq!(list[0].code, "0114", "in code order, Upplands Väsby first");
}

#[test]
fn synthetic_police_areas_join_three_to_five_neighbours_of_one_county() {
    let list = official().expect("the official list parses");
    let documented: HashSet<&str> = ["0617", "0662", "0665", "0683", "0765"].into();
    let areas = synthetic_areas(&Ids::new(1), &list, &documented);
    assert_eq!(areas.len(), 290 - documented.len());
    let by_code: HashMap<&str, &Official> = list.iter().map(|m| (m.code.as_str(), m)).collect();
    let mut members: BTreeMap<&str, Vec<&Official>> = BTreeMap::new();
    for (municipality, area) in &areas {
        domain::PoliceAreaCode::parse(&area.code).expect("a valid police-area code");
        assert!(area.code.starts_with("lpo-syn-"), "{}", area.code);
        assert!(area.name.starts_with("Syntetiskt lokalpolisområde "));
        assert!(area.name.chars().count() <= 200, "{}", area.name);
        members
            .entry(&area.code)
            .or_default()
            .push(by_code[municipality.as_str()]);
    }
    for (code, group) in members {
        let county = &group[0].county_code;
        assert!(group.iter().all(|m| &m.county_code == county), "{code}");
        let in_county = list
            .iter()
            .filter(|m| &m.county_code == county && !documented.contains(m.code.as_str()))
            .count();
        assert!(
            (3..=5).contains(&group.len()) || group.len() == in_county,
            "{code} has {} municipalities",
            group.len()
        );
    }
}

#[test]
fn generation_repeats_exactly_and_a_pledge_does_not_depend_on_n() {
    let twenty = generate(20, 7);
    assert_eq!(twenty, generate(20, 7));
    assert_ne!(twenty, generate(20, 8));
    let five = generate(5, 7);
    assert!(five.pledges.iter().all(|p| twenty.pledges.contains(p)));
    assert!(five.progress.iter().all(|p| twenty.progress.contains(p)));
}

#[test]
fn every_generated_row_obeys_the_domain_and_says_it_is_synthetic() {
    let b = generate(20, 1);
    assert_eq!(b.pledges.len(), 60);
    assert_eq!(b.skipped, 0);
    let mut ids = HashSet::new();
    for id in b
        .pledges
        .iter()
        .map(|p| p.id)
        .chain(b.commitments.iter().map(|c| c.id))
    {
        assert!(ids.insert(id), "{id} is used twice");
    }
    for id in b
        .reports
        .iter()
        .map(|r| r.id)
        .chain(b.activities.iter().map(|a| a.id))
    {
        assert!(ids.insert(id), "{id} is used twice");
    }

    for p in &b.pledges {
        domain::Title::parse(&p.title).expect("a valid title");
        assert!(p.title.starts_with("Syntetiskt medborgarlöfte "));
        assert_eq!(p.status, "PUBLISHED");
        let validity = domain::ValidityPeriod::new(p.valid_from, p.valid_to).expect("validity");
        let signed = p.signed_on.expect("signed");
        assert!(signed < p.valid_from);
        let (m, police) = (p.municipality_approved_at, p.police_approved_at);
        assert!(p.created_at < m.expect("approved") && m < police);
        assert!(police.expect("approved") < p.updated_at);

        let commitments: Vec<_> = b
            .commitments
            .iter()
            .filter(|c| c.pledge_id == p.id)
            .collect();
        assert!((5..=12).contains(&commitments.len()));
        for c in &commitments {
            domain::CommitmentText::parse(&c.text).expect("a valid text");
            assert!(c.text.starts_with("Syntetiskt åtagande "));
            domain::Party::parse(&c.responsible).expect("a party");
            c.method
                .as_deref()
                .map(domain::Method::parse)
                .transpose()
                .expect("a method");
        }
        let areas = b
            .pledge_focus_areas
            .iter()
            .filter(|f| f.pledge_id == p.id)
            .count();
        assert!((1..=4).contains(&areas));

        let reports: Vec<_> = b.reports.iter().filter(|r| r.pledge_id == p.id).collect();
        let kinds: Vec<&str> = reports.iter().map(|r| r.period_kind.as_str()).collect();
        assert_eq!(kinds, ["T1", "T2", "T3"]);
        let mut periods = Vec::new();
        let mut last_percent: HashMap<Uuid, i32> = HashMap::new();
        for r in &reports {
            let kind = domain::PeriodKind::parse(&r.period_kind).expect("a kind");
            let period = domain::ReportPeriod::new(kind, r.period_start, r.period_end, &validity)
                .expect("a valid tertial");
            assert!(periods.iter().all(|o| period.compatible_with(o)));
            periods.push(period);
            assert!(
                r.updated_at.date_naive() > r.period_end,
                "published after the period"
            );
            assert!(
                r.summary
                    .as_deref()
                    .is_some_and(|s| s.starts_with("Syntetisk "))
            );
            let entries: Vec<_> = b.progress.iter().filter(|e| e.report_id == r.id).collect();
            let reported: HashSet<Uuid> = entries.iter().map(|e| e.commitment_id).collect();
            let own: HashSet<Uuid> = commitments.iter().map(|c| c.id).collect();
            assert_eq!(reported, own, "one entry per commitment");
            for e in entries {
                domain::ProgressStatus::parse(&e.status).expect("a status");
                let percent = e.progress_percent.expect("a percent");
                assert!((0..=100).contains(&percent));
                let before = last_percent.insert(e.commitment_id, percent).unwrap_or(0);
                assert!(before <= percent, "progress never falls");
            }
        }
    }
    let commitment_pledge: HashMap<Uuid, Uuid> =
        b.commitments.iter().map(|c| (c.id, c.pledge_id)).collect();
    for a in &b.activities {
        domain::Method::parse(&a.kind).expect("a kind");
        assert!(a.description.starts_with("Syntetisk aktivitet: "));
        let date = a.date.expect("dated");
        if let Some(c) = a.commitment_id {
            let pledge = &b
                .pledges
                .iter()
                .find(|p| Some(&p.id) == commitment_pledge.get(&c));
            let pledge = pledge.expect("the activity's commitment is generated");
            assert!(pledge.valid_from <= date && date <= pledge.valid_to);
        }
    }
}
