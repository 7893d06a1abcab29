//! The scenarios: which requests each sends, as whom, in what order. The
//! ids and codes they need come from the loaded data, asked of the server
//! the way a client would.

use anyhow::{Context, bail, ensure};
use serde_json::{Value, json};

use crate::checks::{BenchRequest, Check, Expectations, first_answer, send};
use crate::options::ScenarioKey;
use crate::queries;

/// Writes in the mix spread over at most this many commitments, so they
/// do not all queue for one row.
const WRITE_TARGETS: usize = 8;

/// What the scenarios need to know about the data set.
#[derive(Debug)]
pub(crate) struct Fixture {
    /// The newest pledge of the list: (b) reads it, the mix writes to it.
    pub(crate) pledge_id: String,
    /// Its municipality, which the editor of (a'), (b) and (e) edits.
    pub(crate) municipality: String,
    commitment_ids: Vec<String>,
    editor: String,
    integration: String,
    analyst: String,
    /// The year of the newest pledge: the comparison's.
    year: i64,
    /// Whether (a) must show a full page of 20 pledges.
    pub(crate) full_page_expected: bool,
}

/// A scenario ready to send: its requests and the order to send them in.
#[derive(Debug)]
pub(crate) struct Scenario {
    pub(crate) key: ScenarioKey,
    pub(crate) requests: Vec<BenchRequest>,
    /// Indexes into `requests`, repeated in this order.
    pub(crate) pattern: Vec<usize>,
}

/// Mints the tokens and finds the pledge, municipality and commitments the
/// scenarios use.
pub(crate) async fn discover(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    synthetic: bool,
) -> anyhow::Result<Fixture> {
    let municipalities = fetch(client, url, &read(queries::MUNICIPALITIES, None, None)).await?;
    let codes: Vec<String> = municipalities["municipalities"]
        .as_array()
        .context("municipalities is not a list")?
        .iter()
        .filter_map(|m| m["code"].as_str().map(str::to_owned))
        .collect();
    ensure!(!codes.is_empty(), "the database has no municipalities");

    let list = fetch(client, url, &read(queries::PLEDGE_LIST, None, None)).await?;
    let first = &list["pledges"]["nodes"][0];
    let pledge_id = first["id"]
        .as_str()
        .context("the pledge list is empty: no published pledge to read")?
        .to_owned();
    let year = first["year"]
        .as_i64()
        .context("the first pledge has no year")?;
    let municipality = first["municipality"]["code"]
        .as_str()
        .context("the first pledge has no municipality code")?
        .to_owned();

    let editor = bearer(
        secret,
        "bench-editor",
        "municipality_editor",
        &[&municipality],
    )?;
    let deep = fetch(
        client,
        url,
        &read(
            queries::PLEDGE_DEEP,
            Some(json!({ "id": pledge_id })),
            Some(&editor),
        ),
    )
    .await?;
    let commitment_ids: Vec<String> = deep["node"]["commitments"]
        .as_array()
        .context("the pledge's commitments are not a list")?
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .take(WRITE_TARGETS)
        .collect();
    let all: Vec<&str> = codes.iter().map(String::as_str).collect();
    let integration = bearer(secret, "bench-integration", "integration", &all)?;
    let analyst = bearer(secret, "bench-analyst", "regional_analyst", &[])?;
    ensure!(
        integration.len() <= api::auth::MAX_TOKEN_BYTES,
        "an integration token for all {} municipalities is larger than the server accepts",
        all.len()
    );
    Ok(Fixture {
        pledge_id,
        municipality,
        commitment_ids,
        editor,
        integration,
        analyst,
        year,
        full_page_expected: synthetic,
    })
}

impl Fixture {
    /// The requests of scenario `key`.
    pub(crate) fn scenario(&self, key: ScenarioKey) -> anyhow::Result<Scenario> {
        let list = read(queries::PLEDGE_LIST, None, None);
        let list_editor = read(queries::PLEDGE_LIST, None, Some(&self.editor));
        let municipalities = read(queries::MUNICIPALITIES, None, None);
        let (requests, pattern) = match key {
            ScenarioKey::List => (vec![list], vec![0]),
            ScenarioKey::ListEditor => (vec![list_editor], vec![0]),
            ScenarioKey::Node => {
                let variables = json!({ "id": self.pledge_id });
                let node = read(queries::PLEDGE_DEEP, Some(variables), Some(&self.editor));
                (vec![node], vec![0])
            }
            ScenarioKey::Municipalities => (vec![municipalities], vec![0]),
            ScenarioKey::ComparisonAnalyst | ScenarioKey::ComparisonAnonymous => {
                let analyst =
                    (key == ScenarioKey::ComparisonAnalyst).then_some(self.analyst.as_str());
                let variables = json!({ "year": self.year });
                (
                    vec![read(queries::COMPARISON, Some(variables), analyst)],
                    vec![0],
                )
            }
            ScenarioKey::Sync => {
                let sync = read(queries::FOLLOW_UP_SYNC, None, Some(&self.integration));
                (vec![sync], vec![0])
            }
            ScenarioKey::Mix => self.mix(list, list_editor, municipalities)?,
        };
        Ok(Scenario {
            key,
            requests,
            pattern,
        })
    }

    /// Nine reads, (a), (a'), (c) in turn, then one write, for each
    /// commitment written to.
    fn mix(
        &self,
        list: BenchRequest,
        list_editor: BenchRequest,
        municipalities: BenchRequest,
    ) -> anyhow::Result<(Vec<BenchRequest>, Vec<usize>)> {
        if self.commitment_ids.is_empty() {
            bail!("the mix needs a pledge with commitments to record activities for");
        }
        let today = chrono::Utc::now().date_naive().to_string();
        let mut requests = vec![list, list_editor, municipalities];
        let mut pattern = Vec::new();
        for commitment in &self.commitment_ids {
            let input = json!({
                "municipality": self.municipality,
                "commitmentId": commitment,
                "kind": "FOOT_PATROL",
                "date": today,
                "description": "Trygghetsvandring i centrum (lastprov)",
            });
            pattern.extend([0, 1, 2, 0, 1, 2, 0, 1, 2, requests.len()]);
            requests.push(BenchRequest {
                body: body(queries::RECORD_ACTIVITY, Some(json!({ "input": input }))),
                authorization: Some(self.editor.clone()),
                check: Check::Write,
            });
        }
        Ok((requests, pattern))
    }
}

/// Sends each request of `scenario` once and judges the answers: a read's
/// answer becomes the one every later answer must equal. The pledge list
/// must show a full page when the synthetic set is loaded.
pub(crate) async fn prime(
    client: &reqwest::Client,
    url: &str,
    scenario: &Scenario,
    fixture: &Fixture,
) -> anyhow::Result<Expectations> {
    let mut expectations = Expectations::default();
    for (index, request) in scenario.requests.iter().enumerate() {
        let (status, answer) = send(client, url, request).await?;
        if let Err(problem) = expectations.judge(index, request.check, status, &answer) {
            bail!(
                "{}: the first answer is not usable: {problem}",
                scenario.key.label()
            );
        }
        let is_list = matches!(scenario.key, ScenarioKey::List | ScenarioKey::ListEditor);
        if is_list && fixture.full_page_expected {
            let data: Value = serde_json::from_str(&answer)?;
            let shown = data["data"]["pledges"]["nodes"]
                .as_array()
                .map_or(0, Vec::len);
            ensure!(
                shown == 20,
                "{}: the synthetic set should fill a page of 20 pledges, the answer has {shown}",
                scenario.key.label()
            );
        }
    }
    Ok(expectations)
}

fn read(query: &str, variables: Option<Value>, authorization: Option<&str>) -> BenchRequest {
    BenchRequest {
        body: body(query, variables),
        authorization: authorization.map(str::to_owned),
        check: Check::Read,
    }
}

fn body(query: &str, variables: Option<Value>) -> String {
    match variables {
        Some(variables) => json!({ "query": query, "variables": variables }),
        None => json!({ "query": query }),
    }
    .to_string()
}

/// Sends a discovery request; returns `data` of a good answer.
async fn fetch(
    client: &reqwest::Client,
    url: &str,
    request: &BenchRequest,
) -> anyhow::Result<Value> {
    let (status, answer) = send(client, url, request).await?;
    first_answer(status, &answer)
        .map_err(|problem| anyhow::anyhow!("looking at the data: {problem}"))
}

/// `Bearer <token>` for a holder of `role` in `municipalities`, valid
/// for longer than any run.
fn bearer(secret: &str, sub: &str, role: &str, municipalities: &[&str]) -> anyhow::Result<String> {
    let token = api::auth::mint_hs256(
        secret,
        &api::auth::TokenRequest {
            sub: sub.to_owned(),
            name: Some(format!("Bench {role}")),
            roles: vec![role.to_owned()],
            municipalities: municipalities.iter().map(|m| (*m).to_owned()).collect(),
            police_areas: Vec::new(),
            ttl_secs: 12 * 3600,
            issuer: None,
            audience: None,
        },
    )?;
    Ok(format!("Bearer {token}"))
}
