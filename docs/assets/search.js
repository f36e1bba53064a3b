// Search page of the casebook. Query and filters live in the address
// (?q=...&country=Germany), so a search can be bookmarked and shared.
// Each ticked filter narrows the results.
//
// With words, Pagefind searches the text and applies the filters. With filters
// only, the page reads the compact facet file (api/facets.json) instead: a
// filter-only Pagefind query would download the whole index.
(function () {
  "use strict";
  const root = document.getElementById("cb-search");
  if (!root) return;

  const form = root.querySelector("form");
  const input = document.getElementById("cb-search-q");
  const facetBox = document.getElementById("cb-facets");
  const statusLine = document.getElementById("cb-search-status");
  const list = document.getElementById("cb-results");
  const siteRoot = new URL(root.dataset.root, location.href);
  const LIMIT = 10;
  let facets = [];      // [{id, label, values: [label...]}]
  let cases = [];       // [[slug, name, [[valueIndex...] per facet]]]
  let pagefind = null;
  let filtersLoaded = false; // Pagefind's filter index: loaded only once a filter panel is opened
  let generation = 0;

  const url = (path) => new URL(path, siteRoot).href;

  function stateFromUrl() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const facet of facets) {
      const values = params.getAll(facet.id).filter((v) => facet.values.includes(v));
      if (values.length) filters[facet.id] = values;
    }
    return { q: (params.get("q") || "").trim(), filters };
  }

  function stateFromForm() {
    const filters = {};
    for (const box of facetBox.querySelectorAll("input[type=checkbox]:checked")) {
      (filters[box.name] = filters[box.name] || []).push(box.value);
    }
    return { q: input.value.trim(), filters };
  }

  function writeUrl(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const facet of facets) {
      for (const value of state.filters[facet.id] || []) params.append(facet.id, value);
    }
    const query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  // Pagefind excerpts mark matches with <mark>; keep those and nothing else.
  function excerptNode(html) {
    const out = el("p", { class: "cb-result__excerpt" });
    const doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    for (const node of doc.body.childNodes) {
      out.append(node.nodeName === "MARK" ? el("mark", {}, node.textContent) : node.textContent);
    }
    return out;
  }

  function renderFacets(state, counts) {
    const open = new Set([...facetBox.querySelectorAll("details[open]")].map((d) => d.dataset.facet));
    facetBox.replaceChildren();
    for (const facet of facets) {
      if (!facet.values.length) continue;
      const chosen = state.filters[facet.id] || [];
      const details = el("details", { class: "cb-facet", "data-facet": facet.id });
      if (chosen.length || open.has(facet.id)) details.open = true;
      const summary = el("summary", {}, facet.label);
      if (chosen.length) summary.append(el("span", { class: "cb-facet__chosen" }, ` (${chosen.length} chosen)`));
      const fieldset = el("fieldset", {}, el("legend", { class: "cb-sr-only" }, facet.label));
      facet.values.forEach((value, index) => {
        const id = `cb-f-${facet.id}-${index}`;
        const count = counts ? (counts[facet.id] || {})[value] || 0 : null;
        const box = el("input", { type: "checkbox", id, name: facet.id, value });
        box.checked = chosen.includes(value);
        if (count === 0 && !box.checked) box.disabled = true;
        const label = el("label", { for: id }, value + " ", count === null ? "" : el("span", { class: "cb-facet__count" }, `(${count})`));
        fieldset.append(el("div", { class: "cb-facet__option" }, box, label));
      });
      details.append(summary, fieldset);
      facetBox.append(details);
    }
  }

  function showStatus(count, state, capped) {
    const chosen = Object.keys(state.filters).length > 0;
    const what = state.q ? ` for “${state.q}”` : "";
    statusLine.textContent =
      `${count} ${state.q ? "result" : "case"}${count === 1 ? "" : "s"}${what}${chosen ? " with the chosen filters" : ""}.` +
      (capped ? ` Showing the first ${LIMIT}.` : "");
  }

  // Filter-only browsing, from the facet file.
  function browse(state) {
    const wanted = facets.map((facet) => (state.filters[facet.id] || []).map((label) => facet.values.indexOf(label)));
    const matches = cases.filter(([, , values]) => wanted.every((indices, f) => indices.every((i) => values[f].includes(i))));
    const counts = {};
    for (const [, , values] of matches) {
      values.forEach((indices, f) => {
        const facet = facets[f];
        counts[facet.id] = counts[facet.id] || {};
        for (const i of indices) counts[facet.id][facet.values[i]] = (counts[facet.id][facet.values[i]] || 0) + 1;
      });
    }
    const country = facets.findIndex((f) => f.id === "country");
    renderFacets(state, counts);
    list.replaceChildren(
      ...matches.slice(0, LIMIT).map(([slug, name, values]) =>
        el("li", { class: "cb-result" },
          el("a", { class: "cb-result__title", href: url(`cases/${slug}/`) }, name),
          el("span", { class: "cb-result__meta" }, ["Case", ...values[country].map((i) => facets[country].values[i])].join(" · ")))
      )
    );
    showStatus(matches.length, state, matches.length > LIMIT);
  }

  // Pagefind's code and WebAssembly load as soon as the page opens, so typing finds them ready.
  async function loadPagefind() {
    if (!pagefind) {
      pagefind = await import(url("pagefind/pagefind.js"));
      await pagefind.options({ baseUrl: new URL(siteRoot).pathname, excerptLength: 24 });
      await pagefind.init();
    }
    return pagefind;
  }

  async function textSearch(state, mine) {
    await loadPagefind();
    if (!filtersLoaded && (Object.keys(state.filters).length || facetBox.querySelector("details[open]"))) {
      await pagefind.filters(); // counts per filter need the filter index
      filtersLoaded = true;
    }
    const search = await pagefind.search(state.q, { filters: state.filters });
    if (mine !== generation) return;
    const loaded = await Promise.all(search.results.slice(0, LIMIT).map((r) => r.data()));
    if (mine !== generation) return;
    // Cases first, then framework and term pages; Pagefind's ranking within each.
    const isCase = (r) => (r.filters.type || [])[0] === "Case";
    const results = [...loaded.filter(isCase), ...loaded.filter((r) => !isCase(r))];
    renderFacets(state, filtersLoaded ? search.filters || {} : null);
    list.replaceChildren(
      ...results.map((r) =>
        el("li", { class: "cb-result" },
          el("a", { class: "cb-result__title", href: r.url }, r.meta.title || r.url),
          el("span", { class: "cb-result__meta" }, [(r.filters.type || ["Page"])[0], r.meta.countries].filter(Boolean).join(" · ")),
          excerptNode(r.excerpt))
      )
    );
    showStatus(search.results.length, state, search.results.length > LIMIT);
  }

  async function run(state) {
    const mine = ++generation;
    writeUrl(state);
    if (state.q) {
      statusLine.textContent = "Searching…";
      await textSearch(state, mine);
    } else {
      browse(state);
    }
  }

  async function start() {
    statusLine.textContent = "Loading…";
    const data = await (await fetch(url("api/facets.json"))).json();
    facets = data.facets;
    cases = data.cases;
    const state = stateFromUrl();
    input.value = state.q;
    await run(state);
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => run(stateFromForm()), 250);
    });
    facetBox.addEventListener("change", () => run(stateFromForm()));
    // Opening a filter panel during a text search loads the counts.
    facetBox.addEventListener("toggle", (event) => {
      if (event.target.open && !filtersLoaded && input.value.trim()) run(stateFromForm());
    }, true);
    loadPagefind().catch((error) => console.error(error));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(stateFromForm());
    });
  }

  start().catch((error) => {
    statusLine.textContent = "Search could not load. Browse the list of cases instead.";
    console.error(error);
  });
})();
