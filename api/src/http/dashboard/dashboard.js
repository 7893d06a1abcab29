// The regional dashboard. Reads the year and the area from the URL
// (?year=2023&county=06, or policeArea=, policeDistrict=, policeRegion=),
// asks POST /graphql anonymously for regionalComparison and draws one row
// per municipality: its pledge's status, a mark under each focus area the
// pledge names, its commitments, and its completion this year and the year
// before; then the totals. Text from the API goes in with textContent only,
// so a name is never parsed as markup.
"use strict";
(function () {
  // Relative, so /graphql beside /dashboard is found behind a path prefix too.
  const GRAPHQL_URL = "graphql";

  // The area kinds of the controls, with their URL (and GraphQL argument)
  // names.
  const KINDS = [
    { value: "all", param: null, label: "Hela landet", choose: "" },
    { value: "policeRegion", param: "policeRegion", label: "Polisregion", choose: "Välj polisregion" },
    { value: "policeDistrict", param: "policeDistrict", label: "Polisområde", choose: "Välj polisområde" },
    { value: "policeArea", param: "policeArea", label: "Lokalpolisområde", choose: "Välj lokalpolisområde" },
    { value: "county", param: "county", label: "Län", choose: "Välj län" },
  ];

  const STATUS = {
    DRAFT: "Utkast",
    SIGNED: "Undertecknat",
    PUBLISHED: "Publicerat",
    WITHDRAWN: "Återkallat",
  };

  // What a person can do about each error code of the API.
  const ERROR_TEXT = {
    BAD_USER_INPUT: "Urvalet kunde inte användas. Kontrollera år och område.",
    NOT_FOUND: "Området finns inte.",
    RATE_LIMITED: "Tjänsten är hårt belastad just nu. Försök igen om en stund.",
    SERVICE_UNAVAILABLE: "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
    QUERY_TOO_COMPLEX: "Frågan blev för stor för tjänsten.",
  };

  const AREAS_QUERY = `query DashboardAreas {
    policeRegions { code name }
    policeDistricts { code name region { code } }
    policeAreas { code name district { code name } }
    municipalities { code county { code name } }
  }`;

  const COMPARISON_QUERY = `query DashboardComparison($year: Int!, $policeArea: String,
      $policeDistrict: String, $policeRegion: String, $county: String) {
    focusAreas { code nameSv }
    regionalComparison(year: $year, policeArea: $policeArea, policeDistrict: $policeDistrict,
        policeRegion: $policeRegion, county: $county) {
      year
      municipalities {
        municipality { code name }
        pledge { title }
        pledgeStatus
        figures { commitments completionRate focusAreas { key count } }
        previous { completionRate }
      }
      totals { pledges commitments completionRate focusAreas { key count } }
      previousTotals { pledges commitments completionRate focusAreas { key count } }
    }
  }`;

  const percent = new Intl.NumberFormat("sv-SE", { style: "percent", maximumFractionDigits: 0 });
  const byName = (a, b) => a.name.localeCompare(b.name, "sv");

  const $ = (id) => document.getElementById(id);
  const main = $("dashboard");
  const form = $("selection");
  const yearInput = $("year");
  const kindSelect = $("kind");
  const areaSelect = $("area");

  /** Areas of each kind, `{ kind: [{ code, name, group }] }`; null until loaded. */
  let areas = null;
  /** The selection the table shows, for its title. */
  let shown = null;
  /** Only the answer to the newest request is drawn. */
  let newest = 0;

  class ApiError extends Error {
    constructor(message, detail) {
      super(message);
      this.detail = detail || "";
    }
  }

  function kindOf(value) {
    return KINDS.find((k) => k.value === value) || KINDS[0];
  }

  function selectionFromUrl(search) {
    const params = new URLSearchParams(search);
    const yearText = params.get("year") || "";
    const kind = KINDS.find((k) => k.param && params.get(k.param));
    return {
      year: /^\d{4}$/.test(yearText) ? Number(yearText) : new Date().getFullYear(),
      kind: kind ? kind.value : "all",
      code: kind ? params.get(kind.param) : null,
    };
  }

  function queryString(selection) {
    const params = new URLSearchParams();
    params.set("year", String(selection.year));
    const kind = kindOf(selection.kind);
    if (kind.param && selection.code) params.set(kind.param, selection.code);
    return params.toString();
  }

  async function graphql(query, variables) {
    let response;
    try {
      response = await fetch(GRAPHQL_URL, {
        method: "POST",
        credentials: "omit",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (err) {
      throw new ApiError("Tjänsten gick inte att nå. Kontrollera nätverket och försök igen.", String(err));
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      // Not JSON (e.g. a proxy's error page): reported below by status.
    }
    if (body && Array.isArray(body.errors) && body.errors.length > 0) {
      const first = body.errors[0];
      const code = first.extensions && first.extensions.code;
      throw new ApiError(
        ERROR_TEXT[code] || "Uppgifterna kunde inte hämtas.",
        "Tjänsten svarade: " + body.errors.map((e) => e.message).join("; "),
      );
    }
    if (!response.ok || !body || !body.data) {
      throw new ApiError("Uppgifterna kunde inte hämtas.", "Tjänsten svarade med HTTP " + response.status + ".");
    }
    return body.data;
  }

  // ---- the controls ----

  function areasFrom(data) {
    const regionNames = new Map(data.policeRegions.map((r) => [r.code, r.name]));
    const counties = new Map();
    for (const m of data.municipalities) {
      if (m.county) counties.set(m.county.code, { code: m.county.code, name: m.county.name });
    }
    return {
      policeRegion: data.policeRegions.slice().sort(byName),
      policeDistrict: data.policeDistricts
        .map((d) => ({ code: d.code, name: d.name, group: d.region ? regionNames.get(d.region.code) : null }))
        .sort(byName),
      policeArea: data.policeAreas
        .map((a) => ({ code: a.code, name: a.name, group: a.district ? a.district.name : null }))
        .sort(byName),
      county: Array.from(counties.values()).sort(byName),
    };
  }

  function fillAreaSelect(kindValue, code) {
    const kind = kindOf(kindValue);
    areaSelect.replaceChildren();
    if (!kind.param) {
      areaSelect.append(new Option("Alla kommuner", ""));
      areaSelect.disabled = true;
      return;
    }
    if (!areas) {
      areaSelect.append(new Option(code || "Hämtar områden …", code || ""));
      areaSelect.disabled = true;
      return;
    }
    const placeholder = new Option(kind.choose, "");
    placeholder.disabled = true;
    areaSelect.append(placeholder);
    const groups = new Map();
    for (const area of areas[kind.value]) {
      const option = new Option(area.name, area.code);
      if (!area.group) {
        areaSelect.append(option);
        continue;
      }
      if (!groups.has(area.group)) {
        const group = document.createElement("optgroup");
        group.label = area.group;
        groups.set(area.group, group);
      }
      groups.get(area.group).append(option);
    }
    for (const name of Array.from(groups.keys()).sort((a, b) => a.localeCompare(b, "sv"))) {
      areaSelect.append(groups.get(name));
    }
    // A code from the URL that no list names is still shown as chosen, and
    // the API says what it makes of it.
    if (code && !areas[kind.value].some((a) => a.code === code)) {
      areaSelect.append(new Option(code, code));
    }
    areaSelect.value = code || "";
    areaSelect.disabled = false;
  }

  function showSelectionInControls(selection) {
    yearInput.value = String(selection.year);
    kindSelect.value = selection.kind;
    fillAreaSelect(selection.kind, selection.code);
  }

  function selectionFromControls() {
    const kind = kindOf(kindSelect.value);
    return {
      year: Number(yearInput.value),
      kind: kind.value,
      code: kind.param ? areaSelect.value || null : null,
    };
  }

  function apply() {
    const selection = selectionFromControls();
    if (!Number.isInteger(selection.year) || !yearInput.checkValidity()) {
      yearInput.reportValidity();
      return;
    }
    if (kindOf(selection.kind).param && !selection.code) {
      areaSelect.focus();
      return;
    }
    const search = "?" + queryString(selection);
    if (search !== location.search) history.pushState(null, "", search);
    show(selection);
  }

  function writeTitle() {
    if (!shown) return;
    const where = areaName(shown);
    $("comparison-title").textContent = shown.year + " – " + where;
    document.title = "Medborgarlöften " + shown.year + " – " + where;
  }

  /** Points the download links at the open-data files of `selection`. */
  function linkDownloads(selection) {
    const query = queryString(selection);
    for (const [id, file, extra] of [
      ["download-xlsx", "regional-comparison.xlsx", ""],
      ["download-csv", "regional-comparison.csv", "&dialect=excel-sv"],
      ["download-ndjson", "regional-comparison.ndjson", ""],
    ]) {
      $(id).href = "export/" + file + "?" + query + extra;
    }
  }

  function areaName(selection) {
    const kind = kindOf(selection.kind);
    if (!kind.param) return kind.label;
    const known = areas && areas[kind.value].find((a) => a.code === selection.code);
    if (!known) return kind.label + " " + selection.code;
    // Most names already say their kind ("Lokalpolisområde Värnamo",
    // "Kronobergs län"); the others get it in front.
    const saysKind = known.name.toLocaleLowerCase("sv").includes(kind.label.toLocaleLowerCase("sv"));
    return saysKind ? known.name : kind.label + " " + known.name;
  }

  // ---- the comparison ----

  function showMessage(error) {
    const box = $("message");
    const lead = document.createElement("p");
    lead.className = "message-lead";
    lead.textContent = error.message;
    box.replaceChildren(lead);
    if (error.detail) {
      const detail = document.createElement("p");
      detail.className = "message-detail";
      detail.textContent = error.detail;
      box.append(detail);
    }
    box.hidden = false;
  }

  async function show(selection) {
    const ticket = ++newest;
    const search = queryString(selection);
    main.dataset.state = "loading";
    main.setAttribute("aria-busy", "true");
    $("loading").hidden = false;
    $("message").hidden = true;
    const variables = { year: selection.year };
    const kind = kindOf(selection.kind);
    if (kind.param) variables[kind.param] = selection.code;
    try {
      const data = await graphql(COMPARISON_QUERY, variables);
      if (ticket !== newest) return;
      render(selection, data);
      main.dataset.state = "ready";
    } catch (err) {
      if (ticket !== newest) return;
      $("comparison").hidden = true;
      if (err instanceof ApiError) {
        showMessage(err);
      } else {
        // A fault of this page, not of the answer: recorded as an error.
        console.error(err);
        showMessage(new ApiError("Sidan kunde inte visa uppgifterna.", String(err)));
      }
      main.dataset.state = "error";
    } finally {
      if (ticket === newest) {
        main.dataset.selection = search;
        main.removeAttribute("aria-busy");
        $("loading").hidden = true;
      }
    }
  }

  function counts(list) {
    return new Map(list.map((kc) => [kc.key, kc.count]));
  }

  function rate(value) {
    return value === null || value === undefined ? "–" : percent.format(value);
  }

  function pledges(n) {
    return n === 1 ? "1 löfte" : n + " löften";
  }

  function cell(tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined) element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  function header(text, scope, span, className) {
    const th = cell("th", text, className);
    th.scope = scope;
    if (span && span.col) th.colSpan = span.col;
    if (span && span.row) th.rowSpan = span.row;
    return th;
  }

  function markCell(code, count) {
    const td = cell("td", undefined, "mark");
    td.dataset.focusArea = code;
    if (count > 0) {
      td.classList.add("marked");
      const mark = cell("span", count > 1 ? String(count) : "●");
      mark.setAttribute("aria-hidden", "true");
      td.append(mark, cell("span", count > 1 ? count + " löften" : "ingår", "visually-hidden"));
    }
    return td;
  }

  function render(selection, data) {
    const comparison = data.regionalComparison;
    const focusAreas = data.focusAreas;
    const year = comparison.year;
    const previousYear = year - 1;
    const rows = comparison.municipalities;

    shown = selection;
    writeTitle();
    linkDownloads(selection);
    $("summary").textContent =
      (rows.length === 1 ? "1 kommun" : rows.length + " kommuner") +
      " · " + pledges(comparison.totals.pledges) + " " + year +
      " · " + pledges(comparison.previousTotals.pledges) + " " + previousYear;

    const table = $("matrix");
    table.querySelectorAll("colgroup").forEach((c) => c.remove());
    const spans = [1, 1, focusAreas.length, 1, 2];
    const classes = ["", "", "focus-areas", "", "completion"];
    let anchor = $("matrix-caption");
    spans.forEach((span, i) => {
      const group = document.createElement("colgroup");
      group.span = span;
      if (classes[i]) group.className = classes[i];
      anchor.after(group);
      anchor = group;
    });

    const top = document.createElement("tr");
    top.append(
      header("Kommun", "col", { row: 2 }, "municipality"),
      header("Löfte " + year, "col", { row: 2 }),
      header("Fokusområden", "colgroup", { col: focusAreas.length }),
      header("Åtaganden", "col", { row: 2 }, "num"),
      header("Genomfört", "colgroup", { col: 2 }),
    );
    const second = document.createElement("tr");
    for (const area of focusAreas) {
      const th = header(undefined, "col", null, "focus-area");
      th.dataset.focusArea = area.code;
      th.append(cell("span", area.nameSv));
      second.append(th);
    }
    second.append(header(String(year), "col", null, "num"), header(String(previousYear), "col", null, "num"));
    table.tHead.replaceChildren(top, second);

    const body = document.createDocumentFragment();
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.municipality = row.municipality.code;
      tr.append(header(row.municipality.name, "row", null, "municipality"));
      const status = cell("td", row.pledgeStatus ? STATUS[row.pledgeStatus] || row.pledgeStatus : "Inget löfte", "status");
      if (!row.pledgeStatus) status.classList.add("none");
      if (row.pledge) status.title = row.pledge.title;
      tr.append(status);
      const named = counts(row.figures.focusAreas);
      for (const area of focusAreas) tr.append(markCell(area.code, named.get(area.code) || 0));
      const completion = cell("td", rate(row.figures.completionRate), "num");
      completion.dataset.completion = "year";
      const before = cell("td", rate(row.previous.completionRate), "num previous");
      before.dataset.completion = "previous";
      tr.append(cell("td", String(row.figures.commitments), "num"), completion, before);
      body.append(tr);
    }
    if (rows.length === 0) {
      const tr = document.createElement("tr");
      const td = cell("td", "Inga kommuner i urvalet.", "empty");
      td.colSpan = focusAreas.length + 5;
      tr.append(td);
      body.append(tr);
    }
    table.tBodies[0].replaceChildren(body);

    table.tFoot.replaceChildren(
      totalsRow("Totalt " + year, comparison.totals, focusAreas, [
        rate(comparison.totals.completionRate),
        rate(comparison.previousTotals.completionRate),
      ], "year"),
      totalsRow("Totalt " + previousYear, comparison.previousTotals, focusAreas, [], "previous"),
    );
    $("comparison").hidden = false;
  }

  function totalsRow(label, figures, focusAreas, completion, which) {
    const tr = document.createElement("tr");
    tr.dataset.totals = which;
    tr.append(header(label, "row", null, "municipality"), cell("td", pledges(figures.pledges), "status"));
    const named = counts(figures.focusAreas);
    for (const area of focusAreas) {
      const td = cell("td", String(named.get(area.code) || 0), "count");
      td.dataset.focusArea = area.code;
      tr.append(td);
    }
    tr.append(cell("td", String(figures.commitments), "num"));
    if (completion.length === 2) {
      const year = cell("td", completion[0], "num");
      year.dataset.completion = "year";
      const before = cell("td", completion[1], "num previous");
      before.dataset.completion = "previous";
      tr.append(year, before);
    } else {
      const td = cell("td", "", "num");
      td.colSpan = 2;
      tr.append(td);
    }
    return tr;
  }

  // ---- start ----

  async function loadAreas(selection) {
    try {
      areas = areasFrom(await graphql(AREAS_QUERY, {}));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      areaSelect.replaceChildren(new Option("Områdena kunde inte hämtas", ""));
      areaSelect.disabled = true;
      return;
    }
    // The user may have moved on while the lists loaded.
    if (kindSelect.value === selection.kind) {
      fillAreaSelect(kindSelect.value, kindOf(kindSelect.value).param ? selection.code : null);
    }
    // The title names the area once its name is known.
    writeTitle();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  kindSelect.addEventListener("change", () => {
    fillAreaSelect(kindSelect.value, null);
    if (!kindOf(kindSelect.value).param) apply();
    else areaSelect.focus();
  });
  areaSelect.addEventListener("change", () => {
    if (areaSelect.value) apply();
  });
  yearInput.addEventListener("change", () => {
    if (yearInput.checkValidity()) apply();
  });
  window.addEventListener("popstate", () => {
    const selection = selectionFromUrl(location.search);
    showSelectionInControls(selection);
    show(selection);
  });

  const initial = selectionFromUrl(location.search);
  showSelectionInControls(initial);
  loadAreas(initial);
  show(initial);
})();
