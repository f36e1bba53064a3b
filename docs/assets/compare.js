// Compare page: two to four cases side by side, chosen in the address (?cases=a,b,c).
// Reads the small per-case JSON files and the term labels; nothing else.
(function () {
  "use strict";
  const root = document.getElementById("cb-compare");
  if (!root) return;
  const siteRoot = new URL(root.dataset.root, location.href);
  const url = (path) => new URL(path, siteRoot).href;
  const selects = [...root.querySelectorAll("select")];
  const table = document.getElementById("cb-compare-table");
  const statusLine = document.getElementById("cb-compare-status");
  let countryNames = {};
  const plain = (text) => String(text || "").replace(/\s*\[@[^\]]*\]/g, "").trim();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function chosenFromUrl() {
    const value = new URLSearchParams(location.search).get("cases") || "";
    return value.split(",").map((s) => s.trim()).filter((s) => /^[a-z0-9-]+$/.test(s)).slice(0, 4);
  }

  function row(label, cells, header) {
    return el("tr", {}, el("th", { scope: "row" }, label), ...cells.map((c) => el(header ? "th" : "td", header ? { scope: "col" } : {}, c)));
  }

  function render(records, terms) {
    const data = records.map((r) => r.data);
    const rows = [];
    rows.push(row("", records.map((r) => el("a", { href: url(r.url) }, r.data.name)), true));
    const glance = [
      ["Countries", (d) => countryNames[d.slug] || d.countries.join(", ")],
      ["Region", (d) => d.region],
      ["Start", (d) => d.start_year],
      ["Status", (d) => d.status],
      ["Population served", (d) => plain(d.population_served)],
      ["Target population", (d) => plain(d.target_population)],
      ["Evidence of effect", (d) => d.evidence.grade.replace(/-/g, " ") + ": " + plain(d.evidence.why)],
      ["Implementation stage", (d) => d.stage.grade + ": " + plain(d.stage.why)],
    ];
    for (const [label, get] of glance) rows.push(row(label, data.map((d) => (get(d) === undefined || get(d) === null ? "—" : String(get(d))))));
    for (const [field, fw] of Object.entries(terms)) {
      const used = new Set(data.flatMap((d) => (d[field] || []).map((t) => t.term)));
      if (!used.size) continue;
      const head = el("tr", { class: "cb-compare__group" }, el("th", { scope: "rowgroup", colspan: String(records.length + 1) }, el("a", { href: url(fw.url) }, fw.label)));
      rows.push(head);
      for (const termId of Object.keys(fw.terms).filter((t) => used.has(t))) {
        const [label, termUrl] = fw.terms[termId];
        rows.push(row(el("a", { href: url(termUrl) }, label), data.map((d) => {
          const tags = (d[field] || []).filter((t) => t.term === termId);
          return tags.length ? tags.map((t) => (t.level ? `(${t.level}) ` : "") + plain(t.how)).join(" ") : "—";
        })));
      }
    }
    if (data.some((d) => (d.results || []).length)) {
      rows.push(el("tr", { class: "cb-compare__group" }, el("th", { scope: "rowgroup", colspan: String(records.length + 1) }, "Results")));
      rows.push(row("Figures reported", data.map((d) => {
        const items = (d.results || []).map((r) => el("li", {}, `${r.metric}: ${r.value}${r.unit ? " " + r.unit : ""}${r.period ? " (" + r.period + ")" : ""}`));
        return items.length ? el("ul", {}, ...items) : "—";
      })));
    }
    table.replaceChildren(el("caption", { class: "cb-sr-only" }, "Cases compared side by side"), el("tbody", {}, ...rows));
  }

  async function start() {
    const index = await (await fetch(url("api/facets.json"))).json();
    const country = index.facets.findIndex((f) => f.id === "country");
    countryNames = Object.fromEntries(index.cases.map(([slug, , values]) => [slug, values[country].map((i) => index.facets[country].values[i]).join(", ")]));
    const chosen = chosenFromUrl();
    for (const [n, select] of selects.entries()) {
      for (const [slug, name] of index.cases) select.append(el("option", { value: slug }, `${name} (${countryNames[slug]})`));
      select.value = chosen[n] || "";
    }
    root.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const slugs = selects.map((s) => s.value).filter(Boolean);
      history.replaceState(null, "", slugs.length ? "?cases=" + slugs.join(",") : location.pathname);
      load();
    });
    await load();
  }

  async function load() {
    const slugs = [...new Set(chosenFromUrl())];
    if (slugs.length < 2) {
      table.replaceChildren();
      statusLine.textContent = slugs.length ? "Choose at least one more case." : "Choose two to four cases.";
      return;
    }
    statusLine.textContent = "Loading…";
    const [terms, ...records] = await Promise.all([
      fetch(url("api/terms.json")).then((r) => r.json()),
      ...slugs.map((s) => fetch(url(`api/cases/${s}.json`)).then((r) => (r.ok ? r.json() : null))),
    ]);
    const found = records.filter(Boolean);
    render(found, terms);
    statusLine.textContent = `Comparing ${found.length} cases.` + (found.length < slugs.length ? " Some chosen cases were not found." : "");
  }

  start().catch((error) => {
    statusLine.textContent = "The comparison could not load.";
    console.error(error);
  });
})();
