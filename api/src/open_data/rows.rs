//! Where the rows of the pledges, commitments, activities and
//! regional-comparison datasets come from: a fixed GraphQL document per
//! dataset, run as the caller (`http::export`), and the flattening of its
//! answer into rows of cells in the dictionary's column order. Running
//! the API's own queries means an export shows exactly what the caller
//! reads through GraphQL — the same scope, filters, order and drafts —
//! with no second description of any of it. (Follow-ups stream straight
//! from the database instead: `Reader::follow_up_export`.)

use serde_json::Value;
use uuid::Uuid;

use super::Dataset;
use crate::tabular::Cell;

/// Pledges per page: each page is one GraphQL execution, so memory stays
/// bounded by a page however large the export.
pub const PAGE_SIZE: usize = 50;

/// The GraphQL document of `dataset`, when it is read through GraphQL.
/// The paged ones take `$filter: PledgeFilter` and `$after`.
pub fn document(dataset: Dataset) -> Option<&'static str> {
    match dataset {
        Dataset::Pledges => Some(PLEDGES),
        Dataset::Commitments => Some(COMMITMENTS),
        Dataset::Activities => Some(ACTIVITIES),
        Dataset::RegionalComparison => Some(REGIONAL_COMPARISON),
        Dataset::FollowUps => None,
    }
}

const PLEDGES: &str = "query ExportPledges($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id year title status validFrom validTo signedOn provenance validityStated
      inferenceNote promiseStatement situationPicture expectedEffect followUpPlan
      sourceTitle sourceUrl withdrawnReason createdAt updatedAt
      municipality { code name }
      policeArea { code name }
      focusAreas { focusArea { code } }
      signatories { name title party }
      commitments { id }
    }
  }
}";

const COMMITMENTS: &str = "query ExportCommitments($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id year status
      municipality { code name }
      commitments {
        id position text responsible methods targetGroups partners
        targetQuantity targetUnit targetPeriod
        focusAreas { code }
        places { name }
        latestProgress { status progressPercent actualQuantity report { id } }
        outcome { outcome }
        activities { id }
      }
    }
  }
}";

const ACTIVITIES: &str = "query ExportActivities($filter: PledgeFilter, $after: String) {
  pledges(filter: $filter, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id year
      municipality { code name }
      commitments {
        id
        activities {
          id kind date description participants people sourceTitle sourceUrl
          place { name }
        }
      }
    }
  }
}";

/// The figures selected for each year of the comparison: once, so that
/// the year and the year before stay in step.
macro_rules! figures {
    () => {
        "{ pledges commitments completionRate activities \
           commitmentsByResponsible { key count } focusAreas { key } progressByStatus { count } }"
    };
}

const REGIONAL_COMPARISON: &str = concat!(
    "query ExportRegionalComparison($year: Int!, $policeArea: String, $policeDistrict: String, \
       $policeRegion: String, $county: String) {
  regionalComparison(year: $year, policeArea: $policeArea, policeDistrict: $policeDistrict,
                     policeRegion: $policeRegion, county: $county) {
    year
    municipalities {
      municipality { code name }
      pledge { id }
      pledgeStatus
      figures ",
    figures!(),
    "
      previous ",
    figures!(),
    "
    }
  }
}"
);

/// Why an answer could not be flattened: a bug (the document and this
/// code disagree), never the caller's fault.
#[derive(Debug)]
pub struct Unexpected(pub String);

impl std::fmt::Display for Unexpected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unexpected export answer: {}", self.0)
    }
}

/// One page of an answer: its rows, and the cursor of the next page.
#[derive(Debug)]
pub struct Page {
    pub rows: Vec<Vec<Cell>>,
    pub next: Option<String>,
}

/// The rows in `data` (an answer's `data`) of `dataset`.
pub fn page(dataset: Dataset, data: &Value) -> Result<Page, Unexpected> {
    if dataset == Dataset::RegionalComparison {
        let comparison = &data["regionalComparison"];
        let year = comparison["year"].clone();
        let rows = list(&comparison["municipalities"])?
            .iter()
            .map(|m| comparison_row(&year, m))
            .collect::<Result<_, _>>()?;
        return Ok(Page { rows, next: None });
    }
    let connection = &data["pledges"];
    let mut rows = Vec::new();
    for pledge in list(&connection["nodes"])? {
        match dataset {
            Dataset::Pledges => rows.push(pledge_row(pledge)?),
            Dataset::Commitments => {
                for commitment in list(&pledge["commitments"])? {
                    rows.push(commitment_row(pledge, commitment)?);
                }
            }
            Dataset::Activities => {
                for commitment in list(&pledge["commitments"])? {
                    for activity in list(&commitment["activities"])? {
                        rows.push(activity_row(pledge, commitment, activity)?);
                    }
                }
            }
            Dataset::RegionalComparison | Dataset::FollowUps => {}
        }
    }
    let info = &connection["pageInfo"];
    let next = match info["hasNextPage"].as_bool() {
        Some(true) => Some(text(&info["endCursor"])?),
        _ => None,
    };
    Ok(Page { rows, next })
}

fn list(value: &Value) -> Result<&Vec<Value>, Unexpected> {
    value
        .as_array()
        .ok_or_else(|| Unexpected(format!("expected a list, got {value}")))
}

fn text(value: &Value) -> Result<String, Unexpected> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| Unexpected(format!("expected a string, got {value}")))
}

/// A nullable string field.
fn optional(value: &Value) -> Cell {
    Cell::text(value.as_str())
}

fn integer(value: &Value) -> Cell {
    value.as_i64().map_or(Cell::Empty, Cell::Integer)
}

fn decimal(value: &Value) -> Cell {
    value.as_f64().map_or(Cell::Empty, Cell::Decimal)
}

fn date(value: &Value) -> Result<Cell, Unexpected> {
    match value {
        Value::Null => Ok(Cell::Empty),
        Value::String(raw) => raw
            .parse()
            .map(Cell::Date)
            .map_err(|_| Unexpected(format!("not a date: {raw}"))),
        other => Err(Unexpected(format!("not a date: {other}"))),
    }
}

fn timestamp(value: &Value) -> Result<Cell, Unexpected> {
    let raw = text(value)?;
    chrono::DateTime::parse_from_rfc3339(&raw)
        .map(|at| Cell::Timestamp(at.with_timezone(&chrono::Utc)))
        .map_err(|_| Unexpected(format!("not a timestamp: {raw}")))
}

fn strings(value: &Value) -> Result<Cell, Unexpected> {
    Ok(Cell::List(
        list(value)?.iter().map(text).collect::<Result<_, _>>()?,
    ))
}

/// The texts at `key` of each object of a list: `focusAreas { code }`.
fn each(value: &Value, key: &str) -> Result<Cell, Unexpected> {
    Ok(Cell::List(
        list(value)?
            .iter()
            .map(|item| text(&item[key]))
            .collect::<Result<_, _>>()?,
    ))
}

/// The entity key in a global ID (base64url of `Type:uuid`).
fn key(value: &Value) -> Result<Cell, Unexpected> {
    Ok(Cell::Text(uuid_of(value)?.to_string()))
}

fn uuid_of(value: &Value) -> Result<Uuid, Unexpected> {
    let raw = text(value)?;
    crate::ids::decode_any(&raw, "id")
        .map(|(_, id)| id)
        .map_err(|_| Unexpected(format!("not a global ID: {raw}")))
}

fn optional_key(value: &Value) -> Result<Cell, Unexpected> {
    if value.is_null() {
        Ok(Cell::Empty)
    } else {
        key(value)
    }
}

fn count(value: &Value) -> Result<Cell, Unexpected> {
    Ok(Cell::Integer(
        i64::try_from(list(value)?.len()).unwrap_or(i64::MAX),
    ))
}

fn pledge_row(p: &Value) -> Result<Vec<Cell>, Unexpected> {
    let signatories = list(&p["signatories"])?
        .iter()
        .map(|s| {
            let name = text(&s["name"])?;
            let party = text(&s["party"])?;
            Ok(match s["title"].as_str() {
                Some(title) => format!("{name}, {title} ({party})"),
                None => format!("{name} ({party})"),
            })
        })
        .collect::<Result<Vec<_>, Unexpected>>()?;
    let focus_areas = list(&p["focusAreas"])?
        .iter()
        .map(|f| text(&f["focusArea"]["code"]))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(vec![
        key(&p["id"])?,
        Cell::Text(text(&p["municipality"]["code"])?),
        Cell::Text(text(&p["municipality"]["name"])?),
        Cell::Text(text(&p["policeArea"]["code"])?),
        Cell::Text(text(&p["policeArea"]["name"])?),
        integer(&p["year"]),
        Cell::Text(text(&p["title"])?),
        Cell::Text(text(&p["status"])?),
        date(&p["validFrom"])?,
        date(&p["validTo"])?,
        date(&p["signedOn"])?,
        Cell::Text(text(&p["provenance"])?),
        p["validityStated"]
            .as_bool()
            .map_or(Cell::Empty, Cell::Boolean),
        optional(&p["inferenceNote"]),
        Cell::List(focus_areas),
        Cell::List(signatories),
        count(&p["commitments"])?,
        optional(&p["promiseStatement"]),
        optional(&p["situationPicture"]),
        optional(&p["expectedEffect"]),
        optional(&p["followUpPlan"]),
        optional(&p["sourceTitle"]),
        optional(&p["sourceUrl"]),
        optional(&p["withdrawnReason"]),
        timestamp(&p["createdAt"])?,
        timestamp(&p["updatedAt"])?,
    ])
}

/// The pledge columns every commitment and activity row starts with.
fn pledge_keys(p: &Value) -> Result<[Cell; 4], Unexpected> {
    Ok([
        key(&p["id"])?,
        Cell::Text(text(&p["municipality"]["code"])?),
        Cell::Text(text(&p["municipality"]["name"])?),
        integer(&p["year"]),
    ])
}

fn commitment_row(p: &Value, c: &Value) -> Result<Vec<Cell>, Unexpected> {
    let latest = &c["latestProgress"];
    let mut row = vec![key(&c["id"])?];
    row.extend(pledge_keys(p)?);
    row.extend([
        Cell::Text(text(&p["status"])?),
        integer(&c["position"]),
        Cell::Text(text(&c["text"])?),
        Cell::Text(text(&c["responsible"])?),
        strings(&c["methods"])?,
        each(&c["focusAreas"], "code")?,
        strings(&c["targetGroups"])?,
        strings(&c["partners"])?,
        each(&c["places"], "name")?,
        decimal(&c["targetQuantity"]),
        optional(&c["targetUnit"]),
        optional(&c["targetPeriod"]),
        optional(&latest["status"]),
        integer(&latest["progressPercent"]),
        decimal(&latest["actualQuantity"]),
        optional_key(&latest["report"]["id"])?,
        optional(&c["outcome"]["outcome"]),
        count(&c["activities"])?,
    ]);
    Ok(row)
}

fn activity_row(p: &Value, c: &Value, a: &Value) -> Result<Vec<Cell>, Unexpected> {
    let mut row = vec![key(&a["id"])?, key(&c["id"])?];
    row.extend(pledge_keys(p)?);
    row.extend([
        Cell::Text(text(&a["kind"])?),
        date(&a["date"])?,
        Cell::Text(text(&a["description"])?),
        optional(&a["place"]["name"]),
        strings(&a["participants"])?,
        strings(&a["people"])?,
        optional(&a["sourceTitle"]),
        optional(&a["sourceUrl"]),
    ]);
    Ok(row)
}

/// The figures columns (`dictionary::figures!`) of one year.
fn figures(f: &Value) -> Result<[Cell; 9], Unexpected> {
    let by_responsible = |party: &str| -> Result<Cell, Unexpected> {
        let found = list(&f["commitmentsByResponsible"])?
            .iter()
            .find(|kc| kc["key"] == party)
            .and_then(|kc| kc["count"].as_i64());
        Ok(Cell::Integer(found.unwrap_or(0)))
    };
    let entries: i64 = list(&f["progressByStatus"])?
        .iter()
        .filter_map(|kc| kc["count"].as_i64())
        .sum();
    Ok([
        integer(&f["pledges"]),
        integer(&f["commitments"]),
        by_responsible("POLICE")?,
        by_responsible("MUNICIPALITY")?,
        by_responsible("JOINT")?,
        each(&f["focusAreas"], "key")?,
        Cell::Integer(entries),
        decimal(&f["completionRate"]),
        integer(&f["activities"]),
    ])
}

fn comparison_row(year: &Value, m: &Value) -> Result<Vec<Cell>, Unexpected> {
    let mut row = vec![
        integer(year),
        Cell::Text(text(&m["municipality"]["code"])?),
        Cell::Text(text(&m["municipality"]["name"])?),
        optional_key(&m["pledge"]["id"])?,
        optional(&m["pledgeStatus"]),
    ];
    row.extend(figures(&m["figures"])?);
    row.extend(figures(&m["previous"])?);
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_selects_a_page_no_larger_than_the_page_size() {
        for dataset in [Dataset::Pledges, Dataset::Commitments, Dataset::Activities] {
            let doc = document(dataset).expect("a document");
            assert!(doc.contains(&format!("first: {PAGE_SIZE}")), "{dataset:?}");
        }
    }

    #[test]
    fn a_row_has_a_cell_for_every_column() {
        let id = serde_json::json!(crate::ids::encode(
            crate::ids::NodeKind::Pledge,
            Uuid::nil()
        ));
        let activity = serde_json::json!({
            "id": id, "kind": "OTHER", "date": null, "description": "d",
            "participants": [], "people": [], "sourceTitle": null,
            "sourceUrl": null, "place": null
        });
        let commitment = serde_json::json!({
            "id": id, "position": 1, "text": "x", "responsible": "JOINT",
            "methods": [], "targetGroups": [], "partners": [], "targetQuantity": null,
            "targetUnit": null, "targetPeriod": null, "focusAreas": [], "places": [],
            "latestProgress": null, "outcome": null, "activities": [activity]
        });
        let mut pledge = serde_json::json!({
            "id": id, "year": 2025, "title": "T", "status": "PUBLISHED",
            "validFrom": "2025-01-01", "validTo": "2025-12-31", "signedOn": null,
            "provenance": "IMPORTED", "validityStated": true, "inferenceNote": null,
            "promiseStatement": null, "situationPicture": null, "expectedEffect": null,
            "followUpPlan": null, "sourceTitle": null, "sourceUrl": null,
            "withdrawnReason": null, "createdAt": "2025-01-01T00:00:00Z",
            "updatedAt": "2025-01-01T00:00:00Z",
            "focusAreas": [], "signatories": [], "commitments": [commitment]
        });
        pledge["municipality"] = serde_json::json!({ "code": "0683", "name": "Värnamo" });
        pledge["policeArea"] = serde_json::json!({ "code": "lpo-varnamo", "name": "Värnamo" });
        let data = serde_json::json!({ "pledges": {
            "pageInfo": { "hasNextPage": false, "endCursor": null },
            "nodes": [pledge]
        }});
        for dataset in [Dataset::Pledges, Dataset::Commitments, Dataset::Activities] {
            let page = page(dataset, &data).expect("rows");
            assert_eq!(page.rows.len(), 1, "{dataset:?}");
            assert_eq!(page.rows[0].len(), dataset.columns().len(), "{dataset:?}");
        }
        let figures = serde_json::json!({
            "pledges": 0, "commitments": 0, "completionRate": null, "activities": 0,
            "commitmentsByResponsible": [], "focusAreas": [], "progressByStatus": []
        });
        let data = serde_json::json!({ "regionalComparison": { "year": 2025, "municipalities": [{
            "municipality": { "code": "0683", "name": "Värnamo" }, "pledge": null,
            "pledgeStatus": null, "figures": figures, "previous": figures
        }]}});
        let page = page(Dataset::RegionalComparison, &data).expect("rows");
        assert_eq!(
            page.rows[0].len(),
            Dataset::RegionalComparison.columns().len()
        );
    }
}
