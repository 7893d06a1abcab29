//! Mutation inputs and their parsing into the validated shapes that
//! `store::commands` takes. Every rule lives in the domain types; errors
//! name the field.

use async_graphql::{ID, InputObject, MaybeUndefined};
use domain::{BoundedText, CommitmentText, FocusAreaCode, ValidityPeriod};

use super::enums::{BasisKind, Method, Party, PeriodKind, ProgressStatus};
use super::scalars::Date;
use crate::error::{ApiError, ApiResult};
use crate::ids::{self, NodeKind};
use crate::store::commands::Change;
use crate::store::commands::activities::NewActivity;
use crate::store::commands::commitments::CommitmentFields;
use crate::store::commands::follow_ups::{ProgressEntry, ReportFields};
use crate::store::commands::pledges::{
    FocusAreaEntry, NewPledge, PledgeChanges, PledgeTexts, SignatoryEntry,
};

/// Longest free text (a situation picture, a background).
const LONG_TEXT: usize = 20_000;
/// Longest short text (names, titles, headings, units).
const SHORT_TEXT: usize = 300;
/// Most entries in one list input.
const MAX_LIST: usize = 50;

fn long(field: &'static str, raw: String) -> ApiResult<String> {
    Ok(BoundedText::parse(field, &raw, LONG_TEXT)?.into_string())
}

fn short(field: &'static str, raw: String) -> ApiResult<String> {
    Ok(BoundedText::parse(field, &raw, SHORT_TEXT)?.into_string())
}

fn url(raw: String) -> ApiResult<String> {
    // One rule for every source address.
    let text = BoundedText::parse("sourceUrl", &raw, 2000)?.into_string();
    if text.starts_with("https://") || text.starts_with("http://") {
        Ok(text)
    } else {
        Err(ApiError::bad_input(
            "sourceUrl",
            "must be an http(s) address",
        ))
    }
}

fn list<T>(field: &'static str, items: Vec<T>) -> ApiResult<Vec<T>> {
    if items.len() > MAX_LIST {
        return Err(ApiError::bad_input(
            field,
            format!("at most {MAX_LIST} entries"),
        ));
    }
    Ok(items)
}

fn shorts(field: &'static str, items: Option<Vec<String>>) -> ApiResult<Vec<String>> {
    list(field, items.unwrap_or_default())?
        .into_iter()
        .map(|s| short(field, s))
        .collect()
}

fn codes(field: &'static str, items: Option<Vec<String>>) -> ApiResult<Vec<FocusAreaCode>> {
    list(field, items.unwrap_or_default())?
        .iter()
        .map(|c| FocusAreaCode::parse(c).map_err(|e| ApiError::bad_input(field, e.to_string())))
        .collect()
}

/// A nullable text field of an update: absent keeps, null clears.
fn change(
    field: &'static str,
    value: MaybeUndefined<String>,
    parse: fn(&'static str, String) -> ApiResult<String>,
) -> ApiResult<Change<String>> {
    Ok(match value {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Clear,
        MaybeUndefined::Value(v) => Change::Set(parse(field, v)?),
    })
}

fn create_text(
    field: &'static str,
    value: Option<String>,
    parse: fn(&'static str, String) -> ApiResult<String>,
) -> ApiResult<Change<String>> {
    Ok(match value {
        None => Change::Keep,
        Some(v) => Change::Set(parse(field, v)?),
    })
}

/// A focus area of a pledge, with the pledge's own text about it.
#[derive(InputObject, Debug)]
pub struct PledgeFocusAreaInput {
    /// Catalogue code, e.g. "NARKOTIKA".
    pub code: String,
    /// Heading of the area's own section, if any.
    pub heading: Option<String>,
    /// The pledge's text about the area (its lägesbild).
    pub problem_text: Option<String>,
    /// Narrower catalogue areas singled out within this one.
    pub special_focus: Option<Vec<String>>,
}

/// A person who signs for one side.
#[derive(InputObject, Debug)]
pub struct SignatoryInput {
    /// Full name.
    pub name: String,
    /// Title, e.g. "Kommunstyrelsens ordförande".
    pub title: Option<String>,
    /// MUNICIPALITY or POLICE.
    pub party: Party,
    /// Day of signing, when known.
    pub signed_on: Option<Date>,
}

fn focus_entries(items: Option<Vec<PledgeFocusAreaInput>>) -> ApiResult<Vec<FocusAreaEntry>> {
    list("focusAreas", items.unwrap_or_default())?
        .into_iter()
        .map(|f| {
            Ok(FocusAreaEntry {
                code: FocusAreaCode::parse(&f.code)
                    .map_err(|e| ApiError::bad_input("focusAreas", e.to_string()))?,
                heading: f.heading.map(|h| short("heading", h)).transpose()?,
                problem_text: f.problem_text.map(|t| long("problemText", t)).transpose()?,
                special_focus: codes("specialFocus", f.special_focus)?,
            })
        })
        .collect()
}

fn signatory_entries(items: Option<Vec<SignatoryInput>>) -> ApiResult<Vec<SignatoryEntry>> {
    list("signatories", items.unwrap_or_default())?
        .into_iter()
        .map(|s| {
            let party: domain::Party = s.party.into();
            if party == domain::Party::Joint {
                return Err(ApiError::bad_input(
                    "party",
                    "a signatory signs for MUNICIPALITY or POLICE",
                ));
            }
            Ok(SignatoryEntry {
                name: short("name", s.name)?,
                title: s.title.map(|t| short("title", t)).transpose()?,
                party,
                signed_on: s.signed_on.map(|d| d.0),
            })
        })
        .collect()
}

fn basis(items: Option<Vec<BasisKind>>) -> ApiResult<Option<Vec<domain::BasisKind>>> {
    items
        .map(|kinds| {
            Ok(list("basisKinds", kinds)?
                .into_iter()
                .map(Into::into)
                .collect())
        })
        .transpose()
}

/// A new pledge. It starts as a DRAFT.
#[derive(InputObject, Debug)]
pub struct CreatePledgeInput {
    /// Municipality code, e.g. "0683". You must be allowed to edit it.
    pub municipality: String,
    /// Police-area code, e.g. "lpo-varnamo": the area covering the
    /// municipality on `validFrom`.
    pub police_area: String,
    /// The year the pledge is for.
    pub year: i32,
    /// Title.
    pub title: String,
    /// First day the pledge applies.
    pub valid_from: Date,
    /// Last day the pledge applies (inclusive), not before `validFrom`.
    pub valid_to: Date,
    /// Opening text explaining the pledge.
    pub introduction: Option<String>,
    /// The promise itself.
    pub promise_statement: Option<String>,
    /// The situation picture (lägesbild).
    pub situation_picture: Option<String>,
    /// The expected effect.
    pub expected_effect: Option<String>,
    /// Background: how the pledge came about.
    pub background: Option<String>,
    /// How the pledge is followed up.
    pub follow_up_plan: Option<String>,
    /// Who prepared the pledge.
    pub prepared_by: Option<String>,
    /// Title of the published document.
    pub source_title: Option<String>,
    /// Where the document is published (http or https).
    pub source_url: Option<String>,
    /// Kinds of evidence the pledge is built on.
    pub basis_kinds: Option<Vec<BasisKind>>,
    /// Focus areas with the pledge's own texts, in order.
    pub focus_areas: Option<Vec<PledgeFocusAreaInput>>,
    /// The people who sign, in order.
    pub signatories: Option<Vec<SignatoryInput>>,
    /// An earlier pledge of the same municipality that this one replaces.
    pub supersedes: Option<ID>,
}

impl CreatePledgeInput {
    pub fn parse(self) -> ApiResult<NewPledge> {
        Ok(NewPledge {
            municipality: domain::MunicipalityCode::parse(&self.municipality)?,
            police_area: domain::PoliceAreaCode::parse(&self.police_area)?,
            year: domain::Year::parse(self.year)?,
            title: domain::Title::parse(&self.title)?,
            period: ValidityPeriod::new(self.valid_from.0, self.valid_to.0)?,
            texts: PledgeTexts {
                introduction: create_text("introduction", self.introduction, long)?,
                promise_statement: create_text("promiseStatement", self.promise_statement, long)?,
                situation_picture: create_text("situationPicture", self.situation_picture, long)?,
                expected_effect: create_text("expectedEffect", self.expected_effect, long)?,
                background: create_text("background", self.background, long)?,
                follow_up_plan: create_text("followUpPlan", self.follow_up_plan, long)?,
                prepared_by: create_text("preparedBy", self.prepared_by, short)?,
                source_title: create_text("sourceTitle", self.source_title, short)?,
                source_url: match self.source_url {
                    None => Change::Keep,
                    Some(u) => Change::Set(url(u)?),
                },
            },
            basis_kinds: basis(self.basis_kinds)?.unwrap_or_default(),
            focus_areas: focus_entries(self.focus_areas)?,
            signatories: signatory_entries(self.signatories)?,
            supersedes: self
                .supersedes
                .map(|id| pledge_key(&id, "supersedes"))
                .transpose()?,
        })
    }
}

fn pledge_key(id: &ID, field: &str) -> ApiResult<uuid::Uuid> {
    ids::decode(id, NodeKind::Pledge, field).map_err(|e| match e {
        ApiError::NotFound => ApiError::bad_input(field, "not a pledge ID"),
        other => other,
    })
}

/// Changes to a DRAFT pledge. Absent fields stay as they are; `null`
/// clears an optional text. Lists given replace the whole list.
#[derive(InputObject, Debug, Default)]
pub struct UpdatePledgeInput {
    /// Police-area code; must cover the municipality on `validFrom`.
    pub police_area: Option<String>,
    /// The year the pledge is for.
    pub year: Option<i32>,
    /// Title.
    pub title: Option<String>,
    /// First day the pledge applies.
    pub valid_from: Option<Date>,
    /// Last day the pledge applies (inclusive).
    pub valid_to: Option<Date>,
    /// Opening text explaining the pledge.
    pub introduction: MaybeUndefined<String>,
    /// The promise itself.
    pub promise_statement: MaybeUndefined<String>,
    /// The situation picture (lägesbild).
    pub situation_picture: MaybeUndefined<String>,
    /// The expected effect.
    pub expected_effect: MaybeUndefined<String>,
    /// Background: how the pledge came about.
    pub background: MaybeUndefined<String>,
    /// How the pledge is followed up.
    pub follow_up_plan: MaybeUndefined<String>,
    /// Who prepared the pledge.
    pub prepared_by: MaybeUndefined<String>,
    /// Title of the published document.
    pub source_title: MaybeUndefined<String>,
    /// Where the document is published (http or https).
    pub source_url: MaybeUndefined<String>,
    /// Kinds of evidence (replaces the list).
    pub basis_kinds: Option<Vec<BasisKind>>,
    /// Focus areas (replaces the list).
    pub focus_areas: Option<Vec<PledgeFocusAreaInput>>,
    /// Signatories (replaces the list).
    pub signatories: Option<Vec<SignatoryInput>>,
    /// The earlier pledge this one replaces; null clears it.
    pub supersedes: MaybeUndefined<ID>,
}

impl UpdatePledgeInput {
    pub fn parse(self) -> ApiResult<PledgeChanges> {
        Ok(PledgeChanges {
            police_area: self
                .police_area
                .map(|c| domain::PoliceAreaCode::parse(&c))
                .transpose()?,
            year: self.year.map(domain::Year::parse).transpose()?,
            title: self.title.map(|t| domain::Title::parse(&t)).transpose()?,
            valid_from: self.valid_from.map(|d| d.0),
            valid_to: self.valid_to.map(|d| d.0),
            texts: PledgeTexts {
                introduction: change("introduction", self.introduction, long)?,
                promise_statement: change("promiseStatement", self.promise_statement, long)?,
                situation_picture: change("situationPicture", self.situation_picture, long)?,
                expected_effect: change("expectedEffect", self.expected_effect, long)?,
                background: change("background", self.background, long)?,
                follow_up_plan: change("followUpPlan", self.follow_up_plan, long)?,
                prepared_by: change("preparedBy", self.prepared_by, short)?,
                source_title: change("sourceTitle", self.source_title, short)?,
                source_url: match self.source_url {
                    MaybeUndefined::Undefined => Change::Keep,
                    MaybeUndefined::Null => Change::Clear,
                    MaybeUndefined::Value(u) => Change::Set(url(u)?),
                },
            },
            basis_kinds: basis(self.basis_kinds)?,
            focus_areas: self
                .focus_areas
                .map(|f| focus_entries(Some(f)))
                .transpose()?,
            signatories: self
                .signatories
                .map(|s| signatory_entries(Some(s)))
                .transpose()?,
            supersedes: match self.supersedes {
                MaybeUndefined::Undefined => Change::Keep,
                MaybeUndefined::Null => Change::Clear,
                MaybeUndefined::Value(id) => Change::Set(pledge_key(&id, "supersedes")?),
            },
        })
    }
}

/// A commitment of a pledge. Lists given replace the whole list.
#[derive(InputObject, Debug)]
pub struct CommitmentInput {
    /// The commitment as written, in Swedish (1–2000 characters).
    pub text: String,
    /// Who carries it out.
    pub responsible: Party,
    /// Working method. With `methods`, it must be the first of them;
    /// alone, it is the only one.
    pub method: Option<Method>,
    /// Every working method the commitment names, in written order (no
    /// method twice); replaces the list. Absent: `[method]`, or none.
    pub methods: Option<Vec<Method>>,
    /// Focus-area codes the commitment serves.
    pub focus_areas: Option<Vec<String>>,
    /// Place names in the pledge's municipality; new names are added.
    pub places: Option<Vec<String>>,
    /// Groups aimed at, e.g. "16–29 år".
    pub target_groups: Option<Vec<String>>,
    /// Partner organisations.
    pub partners: Option<Vec<String>>,
    /// Measurable target quantity.
    pub target_quantity: Option<f64>,
    /// Unit of the target, e.g. "trygghetsvandringar".
    pub target_unit: Option<String>,
    /// Period the target quantity is per.
    pub target_period: Option<PeriodKind>,
}

impl CommitmentInput {
    pub fn parse(self) -> ApiResult<CommitmentFields> {
        if let Some(q) = self.target_quantity
            && (!q.is_finite() || q < 0.0)
        {
            return Err(ApiError::bad_input(
                "targetQuantity",
                "must be zero or more",
            ));
        }
        Ok(CommitmentFields {
            text: CommitmentText::parse(&self.text)?,
            responsible: self.responsible.into(),
            methods: domain::CommitmentMethods::parse(
                self.method.map(Into::into),
                self.methods
                    .map(|m| list("methods", m))
                    .transpose()?
                    .map(|m| m.into_iter().map(Into::into).collect()),
            )?,
            focus_areas: codes("focusAreas", self.focus_areas)?,
            places: shorts("places", self.places)?,
            target_groups: shorts("targetGroups", self.target_groups)?,
            partners: shorts("partners", self.partners)?,
            target_quantity: self.target_quantity,
            target_unit: self
                .target_unit
                .map(|u| short("targetUnit", u))
                .transpose()?,
            target_period: self.target_period.map(Into::into),
        })
    }
}

/// How one commitment stood in a report.
#[derive(InputObject, Debug)]
pub struct ProgressInput {
    /// Global ID of a commitment of the report's pledge.
    pub commitment_id: ID,
    /// Status in the period.
    pub status: ProgressStatus,
    /// Progress in percent, 0–100.
    pub progress_percent: Option<i32>,
    /// Quantity achieved, against the commitment's target.
    pub actual_quantity: Option<f64>,
    /// Comment.
    pub comment: Option<String>,
}

/// A follow-up report. Period rules: see the README ("Follow-up").
#[derive(InputObject, Debug)]
pub struct FollowUpReportInput {
    /// Global ID of the pledge (a report cannot move to another pledge).
    pub pledge_id: ID,
    /// Kind of period.
    pub period_kind: PeriodKind,
    /// First day covered.
    pub period_start: Date,
    /// Last day covered (inclusive).
    pub period_end: Date,
    /// Summary of the period.
    pub summary: Option<String>,
    /// Who the report is presented to.
    pub presented_to: Option<String>,
    /// Where the report is published (http or https).
    pub source_url: Option<String>,
    /// One entry per commitment; on update, absent keeps the entries.
    pub progress: Option<Vec<ProgressInput>>,
}

impl FollowUpReportInput {
    pub fn parse(self) -> ApiResult<ReportFields> {
        let progress = self
            .progress
            .map(|entries| {
                if entries.len() > 500 {
                    return Err(ApiError::bad_input("progress", "at most 500 entries"));
                }
                entries
                    .into_iter()
                    .map(|p| {
                        if let Some(q) = p.actual_quantity
                            && (!q.is_finite() || q < 0.0)
                        {
                            return Err(ApiError::bad_input(
                                "actualQuantity",
                                "must be zero or more",
                            ));
                        }
                        Ok(ProgressEntry {
                            commitment_id: ids::decode(
                                &p.commitment_id,
                                NodeKind::Commitment,
                                "commitmentId",
                            )
                            .map_err(|e| match e {
                                ApiError::NotFound => {
                                    ApiError::bad_input("commitmentId", "not a commitment ID")
                                }
                                other => other,
                            })?,
                            status: p.status.into(),
                            progress_percent: p
                                .progress_percent
                                .map(|n| domain::ProgressPercent::parse(i64::from(n)))
                                .transpose()?,
                            actual_quantity: p.actual_quantity,
                            comment: p.comment.map(|c| long("comment", c)).transpose()?,
                        })
                    })
                    .collect::<ApiResult<Vec<_>>>()
            })
            .transpose()?;
        Ok(ReportFields {
            pledge_id: pledge_key(&self.pledge_id, "pledgeId")?,
            period_kind: self.period_kind.into(),
            period_start: self.period_start.0,
            period_end: self.period_end.0,
            summary: self.summary.map(|s| long("summary", s)).transpose()?,
            presented_to: self
                .presented_to
                .map(|s| short("presentedTo", s))
                .transpose()?,
            source_url: self.source_url.map(url).transpose()?,
            progress,
        })
    }
}

/// An activity held: the evidence behind follow-ups.
#[derive(InputObject, Debug)]
pub struct ActivityInput {
    /// Municipality code; you must be allowed to edit it.
    pub municipality: String,
    /// Global ID of the commitment the activity is evidence for.
    pub commitment_id: Option<ID>,
    /// What kind of activity.
    pub kind: Method,
    /// When it took place; leave it out when the source gives no date
    /// (undated evidence counts in no follow-up period).
    pub date: Option<Date>,
    /// Place name in the municipality; a new name is added.
    pub place: Option<String>,
    /// What was done.
    pub description: String,
    /// Organisations that took part.
    pub participants: Option<Vec<String>>,
    /// People the source names, with their role, e.g. "kommunpolis
    /// Andreas Sjöqvist".
    pub people: Option<Vec<String>>,
    /// Where the activity is reported (http or https).
    pub source_url: Option<String>,
}

impl ActivityInput {
    pub fn parse(self) -> ApiResult<NewActivity> {
        Ok(NewActivity {
            municipality: domain::MunicipalityCode::parse(&self.municipality)?,
            commitment_id: self
                .commitment_id
                .map(|id| {
                    ids::decode(&id, NodeKind::Commitment, "commitmentId").map_err(|e| match e {
                        ApiError::NotFound => {
                            ApiError::bad_input("commitmentId", "not a commitment ID")
                        }
                        other => other,
                    })
                })
                .transpose()?,
            kind: self.kind.into(),
            date: self.date.map(|d| d.0),
            place: self.place.map(|p| short("place", p)).transpose()?,
            description: long("description", self.description)?,
            participants: shorts("participants", self.participants)?,
            people: shorts("people", self.people)?,
            source_url: self.source_url.map(url).transpose()?,
        })
    }
}
