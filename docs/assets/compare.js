// Compare page: two to four cases side by side, chosen in the address (?cases=a,b,c).
// Reads the small per-case JSON files, the term labels (api/terms.json) and the labels of coded fields (api/labels.json).
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

  // keys: what makes two cells "the same" (the text, unless given: grades compare by grade, not by why).
  function row(label, cells, keys) {
    const tr = el("tr", {}, el("th", { scope: "row" }, label), ...cells.map((c) => el("td", {}, c)));
    // Rows whose cells say the same for every case can be hidden with "Show differences only".
    const texts = keys || cells.map((c) => (typeof c === "string" ? c : c.textContent));
    if (texts.every((t) => t === texts[0])) tr.classList.add("cb-compare__same");
    return tr;
  }

  function group(title, href, count) {
    const label = href ? el("a", { href: url(href) }, title) : title;
    return el("tr", { class: "cb-compare__group" }, el("th", { scope: "rowgroup", colspan: String(count + 1) }, label));
  }

  const none = "—";
  const graded = (grades, grade) => {
    const choice = grades[grade];
    return choice ? el("span", {}, el("strong", {}, choice.label), ": " + choice.description) : grade;
  };

  function render(records, terms) {
    const data = records.map((r) => r.data);
    const n = records.length;
    const head = el("thead", {}, el("tr", {}, el("th", { scope: "col" }, el("span", { class: "cb-sr-only" }, "Compared")),
      ...records.map((r) => el("th", { scope: "col" }, el("a", { href: url(r.url) }, r.data.name),
        el("span", { class: "cb-compare__tag" }, (countryNames[r.data.slug] || "") + (r.data.start_year ? " · since " + r.data.start_year : ""))))));
    const rows = [];
    const add = (label, get, key) => rows.push(row(label, data.map((d) => {
      const value = get(d);
      return value === undefined || value === null || value === "" ? none : value;
    }), key && data.map(key)));
    // What a policymaker asks first: did it work, and how sure can we be?
    rows.push(group("Did it work?", null, n));
    add("Evidence of effect", (d) => el("span", {}, graded(labels.evidence, d.evidence.grade), el("span", { class: "cb-compare__tag" }, plain(d.evidence.why))), (d) => d.evidence.grade);
    add("Results reported", (d) => {
      const items = (d.results || []).map((r) => el("li", {}, `${r.metric}: ${r.value}${r.unit ? " " + r.unit : ""}` +
        (r.period ? ` (${r.period})` : "") + (r.direction && labels.directions[r.direction] ? ` — ${labels.directions[r.direction]}` : "")));
      return items.length ? el("ul", {}, ...items) : "No figures in the sources";
    });
    add("Stage", (d) => el("span", {}, graded(labels.stage, d.stage.grade), el("span", { class: "cb-compare__tag" }, plain(d.stage.why))), (d) => d.stage.grade);
    rows.push(group("What, where and for whom", null, n));
    add("Countries", (d) => countryNames[d.slug] || d.countries.join(", "));
    add("Region", (d) => d.region);
    add("Start", (d) => d.start_year && String(d.start_year));
    add("Status", (d) => (d.status ? d.status.charAt(0).toUpperCase() + d.status.slice(1) + ": " + (labels.status[d.status] || "") : null));
    add("Target groups", (d) => (d.target_groups || []).map((g) => labels.target_groups[g] || g).join("; "));
    add("Population served", (d) => plain(d.population_served));
    add("Health system", (d) => d.health_system && labels.health_systems[d.health_system.type]);
    // Then money, then how it works, then every other framework.
    const order = Object.entries(terms).sort(([, a], [, b]) => rank(a) - rank(b));
    for (const [field, fw] of order) {
      const used = new Set(data.flatMap((d) => (d[field] || []).map((t) => t.term)));
      if (fw.role === "payment") {
        rows.push(group("How it was paid for", fw.url, n));
        add("Financing", (d) => plain(d.financing));
      } else if (!used.size) continue;
      else rows.push(group(fw.label, fw.url, n));
      for (const termId of Object.keys(fw.terms).filter((t) => used.has(t))) {
        const [label, termUrl] = fw.terms[termId];
        add(el("a", { href: url(termUrl) }, label), (d) => {
          const tags = (d[field] || []).filter((t) => t.term === termId);
          return tags.length ? tags.map((t) => (t.level ? `(${t.level} level) ` : "") + plain(t.how)).join(" ") : null;
        });
      }
    }
    table.replaceChildren(el("caption", { class: "cb-sr-only" }, "Cases compared side by side"), head, el("tbody", {}, ...rows));
    table.style.setProperty("--cb-n", String(n)); // columns of the phone layout (casebook.css)
    markGroups();
  }

  const rank = (fw) => ({ payment: 0, "how-it-works": 1 })[fw.role] ?? 2;

  // With "differences only", a group whose rows are all the same is hidden too.
  function markGroups() {
    let heading = null;
    let differs = false;
    for (const tr of table.tBodies[0]?.rows || []) {
      if (tr.classList.contains("cb-compare__group")) {
        if (heading) heading.classList.toggle("cb-compare__same", !differs);
        heading = tr;
        differs = false;
      } else if (!tr.classList.contains("cb-compare__same")) differs = true;
    }
    if (heading) heading.classList.toggle("cb-compare__same", !differs);
  }

  let labels = {};
  const differencesOnly = document.getElementById("cb-compare-diff");
  differencesOnly.addEventListener("change", () => root.classList.toggle("cb-compare--diff", differencesOnly.checked));

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
      document.getElementById("cb-compare-tools").hidden = true;
      statusLine.textContent = slugs.length ? "Choose at least one more case." : "Choose two to four cases.";
      return;
    }
    statusLine.textContent = "Loading…";
    const [terms, labelData, ...records] = await Promise.all([
      fetch(url("api/terms.json")).then((r) => r.json()),
      fetch(url("api/labels.json")).then((r) => r.json()),
      ...slugs.map((s) => fetch(url(`api/cases/${s}.json`)).then((r) => (r.ok ? r.json() : null))),
    ]);
    const found = records.filter(Boolean);
    labels = labelData;
    render(found, terms);
    document.getElementById("cb-compare-tools").hidden = false;
    statusLine.textContent = `Comparing ${found.length} cases.` + (found.length < slugs.length ? " Some chosen cases were not found." : "");
  }

  start().catch((error) => {
    statusLine.textContent = "The comparison could not load.";
    console.error(error);
  });
})();
