//! `ComparisonFigures` and `KeyCount`: the figures of one municipality and
//! year, or their totals, as plain values.
//!
//! A comparison of every municipality has some 600 figure objects with
//! five lists each: resolved field by field, async-graphql's per-field
//! machinery (a future, a context and a map insert for each of ~25 000
//! fields) was a third of the server's work for the whole request. The
//! figures are computed already and have no arguments, errors or nested
//! loads, so `ComparisonFigures` writes the requested fields straight
//! into the response value, in the order the query asks for them. The
//! schema's description of the type stays in `FiguresSchema`, a derived
//! object that is registered in its place and never built.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::indexmap::map::Entry;
use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, SelectionField, ServerResult, SimpleObject,
    Value,
};

use crate::store::comparison::{Counts, Figures};

/// How many of something have a key (an enum value or a code).
#[derive(Debug, Clone, SimpleObject)]
pub struct KeyCount {
    /// The key: an enum value (e.g. "POLICE", "FOOT_PATROL", "COMPLETED")
    /// or a focus-area code.
    pub key: String,
    /// How many have it.
    pub count: i64,
}

/// Figures about the pledges in force in one year: of one municipality,
/// or summed over a selection. Only what the caller may read is counted.
#[derive(SimpleObject)]
#[graphql(name = "ComparisonFigures")]
#[allow(dead_code)] // Registered as the schema of `ComparisonFigures`, never built.
struct FiguresSchema {
    /// Pledges in force (per municipality: 0 or 1).
    pledges: i64,
    /// Commitments of those pledges.
    commitments: i64,
    /// Commitments by responsible party (POLICE, MUNICIPALITY, JOINT).
    commitments_by_responsible: Vec<KeyCount>,
    /// Commitments by method (a Method value); a commitment without a
    /// method is not counted here.
    commitments_by_method: Vec<KeyCount>,
    /// Focus areas by code: how many of the pledges name each.
    focus_areas: Vec<KeyCount>,
    /// Progress entries of each pledge's newest published follow-up
    /// report, by ProgressStatus.
    progress_by_status: Vec<KeyCount>,
    /// The share (0–1) of those entries that are COMPLETED or ONGOING;
    /// null when no pledge has a published report.
    completion_rate: Option<f64>,
    /// Activities: those dated in the year, and undated ones evidencing a
    /// commitment of the pledge in force (an undated activity belongs to
    /// no year of its own).
    activities: i64,
    /// The same activities by kind (a Method value).
    activities_by_kind: Vec<KeyCount>,
}

/// The figures of one municipality and year, or totals.
#[derive(Debug, Clone)]
pub struct ComparisonFigures(pub(crate) Figures);

impl OutputType for ComparisonFigures {
    fn type_name() -> Cow<'static, str> {
        <FiguresSchema as OutputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <FiguresSchema as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let ctx = ctx.with_field(field);
        Ok(figures_value(&self.0, ctx.field()))
    }
}

/// The response key of a selected field: its alias, else its name.
fn response_key(field: &SelectionField<'_>) -> Name {
    Name::new(field.alias().unwrap_or(field.name()))
}

/// Inserts `value` under `key`, merging with what a repeated selection of
/// the same key (say, through a fragment) put there before: GraphQL merges
/// such fields into one.
fn insert(map: &mut IndexMap<Name, Value>, key: Name, value: Value) {
    match map.entry(key) {
        Entry::Occupied(mut held) => match (held.get_mut(), value) {
            (Value::List(held), Value::List(more)) => {
                for (held, more) in held.iter_mut().zip(more) {
                    if let (Value::Object(held), Value::Object(more)) = (held, more) {
                        for (k, v) in more {
                            held.insert(k, v);
                        }
                    }
                }
            }
            (held, value) => *held = value,
        },
        Entry::Vacant(place) => {
            place.insert(value);
        }
    }
}

fn number(n: u64) -> Value {
    Value::from(i64::try_from(n).unwrap_or(i64::MAX))
}

fn figures_value(f: &Figures, selected: SelectionField<'_>) -> Value {
    let mut map = IndexMap::new();
    for field in selected.selection_set() {
        let value = match field.name() {
            "__typename" => Value::from("ComparisonFigures"),
            "pledges" => number(f.pledges),
            "commitments" => number(f.commitments),
            "commitmentsByResponsible" => counts_value(&f.commitments_by_responsible, &field),
            "commitmentsByMethod" => counts_value(&f.commitments_by_method, &field),
            "focusAreas" => counts_value(&f.focus_areas, &field),
            "progressByStatus" => counts_value(&f.progress_by_status, &field),
            "completionRate" => f.completion_rate().map_or(Value::Null, Value::from),
            "activities" => number(f.activities),
            "activitiesByKind" => counts_value(&f.activities_by_kind, &field),
            // Validation lets no other field through.
            _ => Value::Null,
        };
        insert(&mut map, response_key(&field), value);
    }
    Value::Object(map)
}

/// The list of `counts` as `KeyCount` objects. The response keys of the
/// selection are put into one object first, and each entry is a copy of
/// it with the values filled in: copying a small map is far cheaper than
/// hashing its keys again for every entry, and a comparison of every
/// municipality has thousands of entries.
fn counts_value(counts: &Counts, selected: &SelectionField<'_>) -> Value {
    let mut shape = IndexMap::new();
    let mut fields = Vec::new();
    for field in selected.selection_set() {
        let (at, _) = shape.insert_full(response_key(&field), Value::Null);
        fields.push((at, field.name()));
    }
    Value::List(
        counts
            .iter()
            .map(|(key, n)| {
                let mut entry = shape.clone();
                for (at, name) in &fields {
                    let value = match *name {
                        "__typename" => Value::from("KeyCount"),
                        "key" => Value::from(key),
                        "count" => number(n),
                        _ => Value::Null,
                    };
                    if let Some((_, held)) = entry.get_index_mut(*at) {
                        *held = value;
                    }
                }
                Value::Object(entry)
            })
            .collect(),
    )
}
