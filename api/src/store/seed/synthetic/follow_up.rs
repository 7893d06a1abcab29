//! A synthetic pledge's follow-up: three published tertial reports (T1
//! January–April, T2 May–August, T3 September–December) with one progress
//! entry per commitment each, and the activities that are their evidence.

use chrono::{Duration, NaiveDate};
use domain::{FollowUpStatus, Method, PeriodKind, ProgressStatus, ReportPeriod, ValidityPeriod};
use rand::RngExt;
use rand::seq::IndexedRandom;
use rand_pcg::Pcg64Mcg;
use serde_json::Value;

use super::generate::{Batch, CommitmentRef, PlaceRef, moment_after};
use super::pledge::Pledge;
use super::texts;
use crate::store::entities::{activity, commitment_progress, follow_up_report};

/// The tertials, with their first and last months.
const TERTIALS: [(PeriodKind, u32, u32); 3] = [
    (PeriodKind::T1, 1, 4),
    (PeriodKind::T2, 5, 8),
    (PeriodKind::T3, 9, 12),
];

/// First and last day of months `first..=last` of `year`.
fn months(year: i32, first: u32, last: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, first, 1)?;
    let end = match last {
        12 => NaiveDate::from_ymd_opt(year, 12, 31)?,
        _ => NaiveDate::from_ymd_opt(year, last + 1, 1)?.pred_opt()?,
    };
    Some((start, end))
}

/// How one commitment goes over the year: its progress percent in T1, T2
/// and T3 (never falling), and whether it runs into trouble.
struct Course {
    percent: [u8; 3],
    troubled: bool,
}

impl Course {
    fn draw(rng: &mut Pcg64Mcg) -> Self {
        let roll = rng.random_range(0..100);
        let (last, troubled): (u32, bool) = match roll {
            0..55 => (100, false),
            55..80 => (rng.random_range(50..=95), false),
            80..93 => (rng.random_range(10..=45), false),
            _ => (rng.random_range(0..=30), true),
        };
        let first = last * rng.random_range(10..=50) / 100;
        let second = first + (last - first) * rng.random_range(40..=90) / 100;
        let percent = [first, second, last].map(|p| u8::try_from(p.min(100)).unwrap_or(100));
        Self { percent, troubled }
    }

    /// The status in tertial `index` (0 = T1): T3 is the year's verdict.
    fn status(&self, rng: &mut Pcg64Mcg, index: usize) -> ProgressStatus {
        let percent = self.percent.get(index).copied().unwrap_or(0);
        let pick = |rng: &mut Pcg64Mcg, options: &[ProgressStatus]| {
            options
                .choose(rng)
                .copied()
                .unwrap_or(ProgressStatus::Ongoing)
        };
        match (index, percent) {
            (_, 100) => ProgressStatus::Completed,
            (2, _) if self.troubled => pick(
                rng,
                &[
                    ProgressStatus::NotDone,
                    ProgressStatus::Cancelled,
                    ProgressStatus::Stalled,
                ],
            ),
            (2, p) if p >= 10 => ProgressStatus::PartlyCompleted,
            (2, _) => ProgressStatus::NotDone,
            (_, 0) => pick(rng, &[ProgressStatus::NotStarted, ProgressStatus::Planned]),
            _ if self.troubled => pick(rng, &[ProgressStatus::Delayed, ProgressStatus::Stalled]),
            _ => pick(rng, &[ProgressStatus::InProgress, ProgressStatus::Ongoing]),
        }
    }
}

/// The three tertial reports of `pledge`, published a week or three after
/// each tertial ends, each with an entry for every commitment.
pub(super) fn reports(
    pledge: &Pledge<'_>,
    batch: &mut Batch,
    rng: &mut Pcg64Mcg,
    commitments: &[CommitmentRef],
) {
    let courses: Vec<Course> = commitments.iter().map(|_| Course::draw(rng)).collect();
    let Ok(validity) = ValidityPeriod::new(pledge.from, pledge.to) else {
        return;
    };
    for (index, (kind, first, last)) in TERTIALS.into_iter().enumerate() {
        let Some((start, end)) = months(pledge.year, first, last) else {
            continue;
        };
        // The domain's own rule check: a generator slip fails loudly in
        // tests instead of writing a report the API would refuse.
        let Ok(period) = ReportPeriod::new(kind, start, end, &validity) else {
            debug_assert!(false, "{kind} {start}..{end} is not a valid tertial");
            continue;
        };
        let id = pledge
            .ids
            .id("report", &format!("{}:{}", pledge.key, kind.as_str()));
        let published = moment_after(rng, end, 7..=21);
        let mut completed = 0;
        for (c, course) in commitments.iter().zip(&courses) {
            let status = course.status(rng, index);
            completed += usize::from(status == ProgressStatus::Completed);
            let percent = course.percent.get(index).copied().unwrap_or(0);
            batch.progress.push(commitment_progress::Model {
                report_id: id,
                commitment_id: c.id,
                status: status.as_str().to_owned(),
                progress_percent: Some(i32::from(percent)),
                actual_quantity: c
                    .target_quantity
                    .map(|q| (q * f64::from(percent) / 100.0).round()),
                comment: rng.random_bool(0.4).then(|| {
                    format!(
                        "Syntetisk kommentar: {} procent genomfört {} (genererad testdata).",
                        percent,
                        kind.as_str()
                    )
                }),
            });
        }
        batch.reports.push(follow_up_report::Model {
            id,
            pledge_id: pledge.id(),
            municipality_id: pledge.municipality.id,
            year: pledge.year,
            period_kind: period.kind().as_str().to_owned(),
            period_start: period.start(),
            period_end: period.end(),
            status: FollowUpStatus::Published.as_str().to_owned(),
            summary: Some(format!(
                "Syntetisk uppföljning {} {} för {}: {completed} av {} åtaganden genomförda (genererad testdata).",
                kind.as_str(),
                pledge.year,
                pledge.municipality.name,
                commitments.len()
            )),
            presented_to: Some(texts::PRESENTED_TO.to_owned()),
            source_url: None,
            published_at: Some(published),
            withdrawn_reason: None,
            version: 1,
            created_at: published,
            updated_at: published,
        });
    }
}

/// Activities of the pledge's year: about half the commitments get one of
/// their method's kind, and the municipality holds up to two more of its own.
pub(super) fn activities(
    pledge: &Pledge<'_>,
    batch: &mut Batch,
    rng: &mut Pcg64Mcg,
    commitments: &[CommitmentRef],
    places: &[PlaceRef],
) {
    let days = (pledge.to - pledge.from).num_days() + 1;
    let mut planned: Vec<(Option<&CommitmentRef>, Method)> = Vec::new();
    for c in commitments {
        if rng.random_bool(0.5) {
            planned.push((Some(c), c.method.unwrap_or(Method::Other)));
        }
    }
    for _ in 0..rng.random_range(0..=2) {
        let kind = Method::ALL.choose(rng).copied().unwrap_or(Method::Other);
        planned.push((None, kind));
    }
    for (n, (c, kind)) in planned.into_iter().enumerate() {
        let date = pledge.from + Duration::days(rng.random_range(0..days));
        let place = match c {
            Some(c) if !c.places.is_empty() => c.places.choose(rng).copied(),
            _ if rng.random_bool(0.3) => places.choose(rng).copied(),
            _ => None,
        };
        let mut participants: Vec<&str> = texts::PARTICIPANTS.to_vec();
        participants.extend(c.map(|c| c.partners.clone()).unwrap_or_default());
        let recorded = moment_after(rng, date, 0..=3);
        batch.activities.push(activity::Model {
            id: pledge
                .ids
                .id("activity", &format!("{}:{}", pledge.key, n + 1)),
            municipality_id: pledge.municipality.id,
            commitment_id: c.map(|c| c.id),
            kind: kind.as_str().to_owned(),
            date: Some(date),
            place_id: place.map(|p| p.id),
            description: format!(
                "Syntetisk aktivitet: {} i {} (genererad testdata).",
                texts::method_words(kind).1,
                pledge.municipality.name
            ),
            participants: Value::from(
                participants
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            ),
            source_title: Some(texts::SOURCE_TITLE.to_owned()),
            source_url: None,
            version: 1,
            created_at: recorded,
            updated_at: recorded,
            people: Value::Array(Vec::new()),
        });
    }
}
