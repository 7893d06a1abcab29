//! The public dashboard (`GET /dashboard`): a page and its files served by
//! the API itself under a Content-Security-Policy of its own origin only,
//! and, in a real headless Chromium, a municipality × focus-area matrix
//! that shows the seeded pledges and a published follow-up's completion,
//! follows its controls, explains an API error in Swedish, fits a phone
//! and logs no error.

mod browser;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use reqwest::Response;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::{Value, json};
use tests::{Backend, TestApp, db_test, token};

use browser::Browser;

fn header(response: &Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} on {}", response.url()))
        .to_owned()
}

/// The values of every `src="…"` and `href="…"` in `html` (the page is
/// ours, so a plain scan is enough).
fn references(html: &str) -> Vec<String> {
    ["src=\"", "href=\""]
        .iter()
        .flat_map(|attr| {
            html.match_indices(attr)
                .map(|(i, _)| &html[i + attr.len()..])
        })
        .filter_map(|rest| rest.split_once('"').map(|(value, _)| value.to_owned()))
        .collect()
}

async fn get(app: &TestApp, path: &str, if_none_match: Option<&str>) -> Response {
    let mut request = app.client.get(format!("{}/{path}", app.base_url));
    if let Some(tag) = if_none_match {
        request = request.header(IF_NONE_MATCH, tag);
    }
    request.send().await.expect("request reaches the server")
}

/// A browser's copy of `path` (answered with `first`) is revalidated with
/// a small 304, so a deploy shows at once without reloading every file.
async fn revalidates(app: &TestApp, path: &str, first: &Response) {
    assert!(header(first, CACHE_CONTROL).contains("no-cache"), "{path}");
    let tag = header(first, ETAG);
    let again = get(app, path, Some(&tag)).await;
    assert_eq!(again.status(), 304, "{path} with If-None-Match: {tag}");
    assert!(again.bytes().await.expect("body").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_and_every_file_it_loads_come_from_the_api_under_a_self_only_policy() {
    let app = TestApp::spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let page = get(&app, "dashboard", None).await;
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, CONTENT_TYPE), "text/html; charset=utf-8");
    let policy = header(&page, CONTENT_SECURITY_POLICY);
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(
            policy.split(';').any(|d| d.trim() == directive),
            "{directive} missing from {policy}"
        );
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    assert!(!policy.contains("http"), "a host is allowed: {policy}");
    revalidates(&app, "dashboard", &page).await;
    let html = page.text().await.expect("the page is text");

    // Inline code would be refused by the policy, so every script is a file.
    for tag in html.split("<script").skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        assert!(tag.contains("src=\""), "inline script: <script{tag}>");
    }
    // The open-data links are downloads beside the page (paths, so that a
    // path prefix keeps working), each answering.
    let (downloads, files): (Vec<String>, Vec<String>) = references(&html)
        .into_iter()
        .partition(|reference| reference.starts_with("export/"));
    for link in &downloads {
        let response = get(&app, link, None).await;
        assert_eq!(response.status(), 200, "{link}");
    }
    for wanted in [
        "export/dictionary",
        "export/pledges.xlsx",
        "export/catalog.ttl",
    ] {
        assert!(
            downloads.iter().any(|d| d == wanted),
            "{wanted} in {downloads:?}"
        );
    }
    // Every file the page loads is a path on the API (no CDN), served with
    // its type and a validator.
    let mut kinds = BTreeSet::new();
    for file in &files {
        assert!(
            !file.contains("//") && !file.starts_with('/'),
            "{file} is not a path beside the page"
        );
        let extension = file.rsplit('.').next().unwrap_or_default();
        let expected = match extension {
            "js" => "text/javascript",
            "css" => "text/css",
            "svg" => "image/svg+xml",
            other => panic!("unexpected file type .{other} of {file}"),
        };
        kinds.insert(extension);
        let response = get(&app, file, None).await;
        assert_eq!(response.status(), 200, "{file}");
        assert!(
            header(&response, CONTENT_TYPE).starts_with(expected),
            "{file}: {}",
            header(&response, CONTENT_TYPE)
        );
        assert_eq!(header(&response, CONTENT_SECURITY_POLICY), policy);
        revalidates(&app, file, &response).await;
    }
    assert_eq!(kinds, BTreeSet::from(["css", "js", "svg"]), "{files:?}");
}

/// What one row of the matrix shows.
#[derive(Debug)]
struct Row {
    name: String,
    status: String,
    /// Codes of the focus areas marked in this row.
    marks: BTreeSet<String>,
    completion: String,
    previous: String,
}

/// The matrix as the browser shows it.
#[derive(Debug)]
struct Matrix {
    /// Focus-area columns: (code, header text), left to right.
    columns: Vec<(String, String)>,
    /// Rows by municipality code, in page order.
    rows: Vec<(String, Row)>,
    /// The totals row of the year: focus-area code -> text.
    totals: BTreeMap<String, String>,
    /// The totals row's completion of the year.
    totals_completion: String,
}

impl Matrix {
    fn row(&self, code: &str) -> &Row {
        self.rows
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, row)| row)
            .unwrap_or_else(|| panic!("no row for {code} in {:#?}", self.rows))
    }

    fn codes(&self) -> BTreeSet<String> {
        self.rows.iter().map(|(code, _)| code.clone()).collect()
    }
}

async fn text(element: &Element) -> String {
    element
        .text()
        .await
        .expect("an element's text")
        .replace('\u{a0}', " ")
        .trim()
        .to_owned()
}

async fn text_of(within: &Element, css: &str) -> String {
    let element = within
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("no {css}"));
    text(&element).await
}

async fn attr(element: &Element, name: &str) -> String {
    element
        .attr(name)
        .await
        .expect("an element's attribute")
        .unwrap_or_else(|| panic!("no {name} attribute"))
}

async fn find_all(within: &Element, css: &str) -> Vec<Element> {
    within
        .find_all(Locator::Css(css))
        .await
        .expect("finding elements")
}

async fn read_matrix(c: &Client) -> Matrix {
    let table = c.find(Locator::Css("#matrix")).await.expect("the matrix");
    let mut columns = Vec::new();
    for th in find_all(&table, "thead th[data-focus-area]").await {
        columns.push((attr(&th, "data-focus-area").await, text(&th).await));
    }
    let mut rows = Vec::new();
    for tr in find_all(&table, "tbody tr[data-municipality]").await {
        let mut marks = BTreeSet::new();
        for td in find_all(&tr, "td[data-focus-area]").await {
            let shown = text(&td).await;
            if shown.contains('●') {
                marks.insert(attr(&td, "data-focus-area").await);
            } else {
                assert!(shown.is_empty(), "a cell shows {shown:?}");
            }
        }
        let row = Row {
            name: text_of(&tr, "th").await,
            status: text_of(&tr, "td.status").await,
            marks,
            completion: text_of(&tr, "td[data-completion=year]").await,
            previous: text_of(&tr, "td[data-completion=previous]").await,
        };
        rows.push((attr(&tr, "data-municipality").await, row));
    }
    let mut totals = BTreeMap::new();
    for td in find_all(&table, "tfoot tr[data-totals=year] td[data-focus-area]").await {
        totals.insert(attr(&td, "data-focus-area").await, text(&td).await);
    }
    let totals_completion = text_of(
        &table,
        "tfoot tr[data-totals=year] td[data-completion=year]",
    )
    .await;
    Matrix {
        columns,
        rows,
        totals,
        totals_completion,
    }
}

/// How the page ended a request for `selection` (its URL query).
#[derive(Debug)]
struct Outcome {
    /// `ready` (drawn) or `error`; `None` if it never ended.
    state: Option<String>,
    /// The text of the page's message box (API errors).
    message: String,
    /// Whether the matrix is displayed.
    matrix_shown: bool,
}

/// Waits until the page has ended its request for `selection`.
async fn wait_for(c: &Client, selection: &str) -> Outcome {
    let done = format!("main[data-selection=\"{selection}\"]:not([data-state=\"loading\"])");
    let waited = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&done))
        .await;
    let main = c.find(Locator::Css("main")).await.expect("main");
    let state = main.attr("data-state").await.expect("data-state");
    let message = c
        .find(Locator::Css("#message"))
        .await
        .expect("the message box")
        .text()
        .await
        .expect("its text");
    let matrix_shown = c
        .find(Locator::Css("#matrix"))
        .await
        .expect("the matrix")
        .is_displayed()
        .await
        .expect("whether the matrix shows");
    Outcome {
        state: waited.ok().and(state),
        message,
        matrix_shown,
    }
}

/// Waits until the page has drawn `selection`, and checks that it drew
/// data, not an error.
async fn wait_until_shown(c: &Client, selection: &str) {
    let outcome = wait_for(c, selection).await;
    assert!(
        outcome.state.as_deref() == Some("ready") && outcome.matrix_shown,
        "the dashboard did not show {selection}: {outcome:?}, page errors {:?}",
        page_errors(c).await
    );
}

/// What the page recorded in `window.dashboardErrors` (error-log.js).
async fn page_errors(c: &Client) -> Vec<Value> {
    let errors = c
        .execute("return window.dashboardErrors;", vec![])
        .await
        .expect("running a script in the page");
    errors
        .as_array()
        .unwrap_or_else(|| panic!("the page keeps no error list: {errors}"))
        .clone()
}

async fn assert_no_page_errors(c: &Client, when: &str) {
    assert_eq!(
        page_errors(c).await,
        Vec::<Value>::new(),
        "page errors {when}"
    );
}

async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.png"));
    let png = c.screenshot().await.expect("a screenshot");
    std::fs::write(&path, png).expect("writing the screenshot");
    println!("screenshot: {}", path.display());
    path
}

/// The page's text for a completion rate.
fn completion(rate: &Value) -> String {
    match rate.as_f64() {
        Some(rate) => format!("{} %", (rate * 100.0).round()),
        None => "–".to_owned(),
    }
}

fn codes(list: &Value, path: &[&str]) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|item| {
            let code = path.iter().fold(item, |value, key| &value[key]);
            code.as_str()
                .unwrap_or_else(|| panic!("no code at {path:?} in {item}"))
                .to_owned()
        })
        .collect()
}

/// The one pledge in `connection` and the codes of the focus areas it names.
fn named_focus_areas(connection: &Value) -> BTreeSet<String> {
    let nodes = connection["nodes"].as_array().expect("pledge nodes");
    assert_eq!(nodes.len(), 1, "one pledge expected: {connection}");
    codes(&nodes[0]["focusAreas"], &["focusArea", "code"])
}

const SEEDED: &str = r#"{
  focusAreas { code nameSv }
  municipalities { code county { code } }
  policeAreas { code municipalities { code } }
  vaggeryd: pledges(filter: {municipality: "0665", year: 2023}) {
    nodes { id status validFrom validTo focusAreas { focusArea { code } } commitments { id } }
  }
  almhult: pledges(filter: {municipality: "0765", year: 2023}) {
    nodes { focusAreas { focusArea { code } } }
  }
  gislaved: pledges(filter: {municipality: "0662"}) { totalCount }
}"#;

const COMPARISON: &str = r#"{
  regionalComparison(year: 2023, policeArea: "lpo-varnamo") {
    municipalities { municipality { code } figures { completionRate } previous { completionRate } }
  }
}"#;

const CREATE_FOLLOW_UP: &str =
    "mutation ($input: FollowUpReportInput!) { createFollowUpReport(input: $input) { id } }";
const PUBLISH_FOLLOW_UP: &str = "mutation ($id: ID!) { publishFollowUpReport(id: $id) { status } }";

/// Publishes a year-end follow-up of `pledge` as an editor of
/// `municipality`, its commitments in turn COMPLETED, ONGOING and
/// NOT_STARTED. Returns the completion the page must show for it: the
/// share COMPLETED or ONGOING.
async fn publish_follow_up(app: &TestApp, municipality: &str, pledge: &Value) -> String {
    let editor = token(
        "dashboard-editor",
        &["municipality_editor"],
        &[municipality],
        &[],
    );
    let commitments = pledge["commitments"].as_array().expect("commitments");
    assert!(
        !commitments.is_empty(),
        "a pledge without commitments: {pledge}"
    );
    let progress: Vec<Value> = commitments
        .iter()
        .zip(["COMPLETED", "ONGOING", "NOT_STARTED"].iter().cycle())
        .map(|(c, status)| json!({ "commitmentId": c["id"], "status": status }))
        .collect();
    let input = json!({
        "pledgeId": pledge["id"],
        "periodKind": "YEAR_END",
        "periodStart": pledge["validFrom"],
        "periodEnd": pledge["validTo"],
        "progress": progress,
    });
    let created = app
        .data_as(&editor, CREATE_FOLLOW_UP, json!({ "input": input }))
        .await;
    let id = &created["createFollowUpReport"]["id"];
    let published = app
        .data_as(&editor, PUBLISH_FOLLOW_UP, json!({ "id": id }))
        .await;
    assert_eq!(published["publishFollowUpReport"]["status"], "PUBLISHED");
    let done = progress
        .iter()
        .filter(|p| p["status"] != "NOT_STARTED")
        .count();
    completion(&json!(done as f64 / progress.len() as f64))
}

db_test!(
    the_dashboard_shows_the_seeded_pledges_in_a_real_browser,
    |app| {
        shows_the_seeded_pledges(&app).await;
    }
);

async fn shows_the_seeded_pledges(app: &TestApp) {
    let Some(browser) = Browser::start(1280, 1200).await else {
        return;
    };
    let c = &browser.client;
    // What the page must show, read through GraphQL as any client would.
    let seeded = app.data(SEEDED, json!({})).await;
    let vaggeryd_areas = named_focus_areas(&seeded["vaggeryd"]);
    assert!(
        !vaggeryd_areas.is_empty(),
        "the seed names focus areas: {seeded}"
    );
    assert_eq!(seeded["vaggeryd"]["nodes"][0]["status"], "PUBLISHED");
    assert_eq!(
        seeded["gislaved"]["totalCount"], 0,
        "Gislaved has no pledge"
    );
    let varnamo_area: BTreeSet<String> = seeded["policeAreas"]
        .as_array()
        .expect("police areas")
        .iter()
        .find(|area| area["code"] == "lpo-varnamo")
        .map(|area| codes(&area["municipalities"], &["code"]))
        .expect("lpo-varnamo is seeded");
    let vaggeryd_completion = publish_follow_up(app, "0665", &seeded["vaggeryd"]["nodes"][0]).await;
    let comparison = app.data(COMPARISON, json!({})).await;

    c.goto(&format!(
        "{}/dashboard?year=2023&policeArea=lpo-varnamo",
        app.base_url
    ))
    .await
    .expect("opening the dashboard");
    wait_until_shown(c, "year=2023&policeArea=lpo-varnamo").await;
    let matrix = read_matrix(c).await;

    // Columns: the catalogue's focus areas under their Swedish names.
    let catalogue: Vec<(String, String)> = seeded["focusAreas"]
        .as_array()
        .expect("focus areas")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().expect("code").to_owned(),
                f["nameSv"].as_str().expect("nameSv").to_owned(),
            )
        })
        .collect();
    assert_eq!(matrix.columns, catalogue);
    // Rows: the municipalities of the police area.
    assert_eq!(matrix.codes(), varnamo_area);
    let vaggeryd = matrix.row("0665");
    assert_eq!(vaggeryd.name, "Vaggeryd");
    assert_eq!(vaggeryd.status, "Publicerat");
    assert_eq!(vaggeryd.marks, vaggeryd_areas, "Vaggeryd's marks");
    let gislaved = matrix.row("0662");
    assert_eq!(gislaved.status, "Inget löfte");
    assert!(
        gislaved.marks.is_empty(),
        "Gislaved has no pledge: {gislaved:?}"
    );
    // Totals: per focus area, the municipalities whose pledge names it.
    for (code, _) in &matrix.columns {
        let marked = matrix
            .rows
            .iter()
            .filter(|(_, r)| r.marks.contains(code))
            .count();
        assert_eq!(matrix.totals[code], marked.to_string(), "total of {code}");
    }
    // Completion of the year and the year before: Vaggeryd's from its
    // follow-up, the others as the API reports them.
    assert_eq!(vaggeryd.completion, vaggeryd_completion);
    assert_eq!(matrix.totals_completion, vaggeryd_completion);
    for figures in comparison["regionalComparison"]["municipalities"]
        .as_array()
        .expect("rows")
    {
        let row = matrix.row(figures["municipality"]["code"].as_str().expect("code"));
        assert_eq!(
            row.completion,
            completion(&figures["figures"]["completionRate"])
        );
        assert_eq!(
            row.previous,
            completion(&figures["previous"]["completionRate"])
        );
    }
    let backend = format!("{:?}", app.backend).to_lowercase();
    screenshot(c, &format!("dashboard-lpo-varnamo-2023-{backend}")).await;

    // The download link carries the selection: its file has the rows the
    // page shows, in the spelling Swedish Excel opens.
    let link = c
        .find(Locator::Css("#download-csv"))
        .await
        .expect("the CSV download link");
    let href = attr(&link, "href").await;
    assert_eq!(
        href,
        "export/regional-comparison.csv?year=2023&policeArea=lpo-varnamo&dialect=excel-sv"
    );
    let file = get(app, &href, None).await;
    assert_eq!(file.status(), 200, "{href}");
    let bytes = file.bytes().await.expect("a file");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(bytes.get(3..).unwrap_or_default());
    let code_at = reader
        .headers()
        .expect("a header")
        .iter()
        .position(|h| h == "municipality_code")
        .expect("a municipality_code column");
    let downloaded: BTreeSet<String> = reader
        .records()
        .map(|r| r.expect("a record")[code_at].to_owned())
        .collect();
    assert_eq!(downloaded, matrix.codes(), "the file has the page's rows");

    // The controls: another area kind and area, and the URL follows.
    c.find(Locator::Css("#kind"))
        .await
        .expect("the area kind control")
        .select_by_value("county")
        .await
        .expect("choosing Län");
    c.find(Locator::Css("#area"))
        .await
        .expect("the area control")
        .select_by_value("07")
        .await
        .expect("choosing Kronobergs län");
    wait_until_shown(c, "year=2023&county=07").await;
    let url = c.current_url().await.expect("the page's URL");
    assert_eq!(url.query(), Some("year=2023&county=07"));
    let kronoberg: BTreeSet<String> = seeded["municipalities"]
        .as_array()
        .expect("municipalities")
        .iter()
        .filter(|m| m["county"]["code"] == "07")
        .map(|m| m["code"].as_str().expect("code").to_owned())
        .collect();
    let matrix = read_matrix(c).await;
    assert_eq!(matrix.codes(), kronoberg);
    assert_eq!(
        matrix.row("0765").marks,
        named_focus_areas(&seeded["almhult"])
    );

    // Each document keeps its own list: read it before leaving.
    assert_no_page_errors(c, "after changing the area").await;

    // An area the API does not know: a message in Swedish, no matrix, and
    // no page error (the page handled the answer).
    c.goto(&format!(
        "{}/dashboard?year=2023&policeArea=lpo-finns-inte",
        app.base_url
    ))
    .await
    .expect("opening the dashboard");
    let outcome = wait_for(c, "year=2023&policeArea=lpo-finns-inte").await;
    assert_eq!(outcome.state.as_deref(), Some("error"), "{outcome:?}");
    assert!(
        outcome.message.starts_with("Urvalet kunde inte användas."),
        "{outcome:?}"
    );
    assert!(!outcome.matrix_shown, "{outcome:?}");
    assert_no_page_errors(c, "showing an API error").await;
    c.back().await.expect("back to Kronobergs län");
    wait_until_shown(c, "year=2023&county=07").await;

    // A phone: the page keeps its width, the matrix scrolls in its box.
    c.set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    let widths = c
        .execute(
            "const box = document.querySelector('.table-scroll');
             return [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                     box.scrollWidth, box.clientWidth];",
            vec![],
        )
        .await
        .expect("measuring the page");
    let [page, viewport, matrix, matrix_box] =
        [0, 1, 2, 3].map(|i| widths[i].as_u64().expect("a width"));
    assert!(
        page <= viewport,
        "the page is wider than the phone: {widths}"
    );
    assert!(
        matrix > matrix_box,
        "the matrix does not scroll in its box: {widths}"
    );
    c.execute(
        "document.getElementById('comparison').scrollIntoView();",
        vec![],
    )
    .await
    .expect("scrolling to the matrix");
    screenshot(c, &format!("dashboard-county-07-2023-phone-{backend}")).await;

    assert_eq!(
        page_errors(c).await,
        Vec::<Value>::new(),
        "errors on the page"
    );
}
