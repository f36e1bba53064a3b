// Search page of the casebook: Pagefind with filters, state kept in the URL.
// Query and filters live in the address (?q=...&country=Germany), so a search
// can be bookmarked and shared. Each ticked filter narrows the results.
(function () {
  "use strict";
  const root = document.getElementById("cb-search");
  if (!root) return;

  const facets = JSON.parse(document.getElementById("cb-facet-config").textContent);
  const form = root.querySelector("form");
  const input = document.getElementById("cb-search-q");
  const facetBox = document.getElementById("cb-facets");
  const statusLine = document.getElementById("cb-search-status");
  const list = document.getElementById("cb-results");
  const siteRoot = new URL(root.dataset.root, location.href);
  let pagefind = null;
  let allFilters = {};
  let generation = 0;

  function stateFromUrl() {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const facet of facets) {
      const values = params.getAll(facet.id);
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
    for (const child of children) node.append(child);
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
      const values = Object.keys(allFilters[facet.id] || {}).sort((a, b) => a.localeCompare(b));
      if (!values.length) continue;
      const chosen = state.filters[facet.id] || [];
      const details = el("details", { class: "cb-facet", "data-facet": facet.id });
      if (chosen.length || open.has(facet.id)) details.open = true;
      const summary = el("summary", {}, facet.label);
      if (chosen.length) summary.append(el("span", { class: "cb-facet__chosen" }, ` (${chosen.length} chosen)`));
      const fieldset = el("fieldset", {}, el("legend", { class: "cb-sr-only" }, facet.label));
      values.forEach((value, index) => {
        const id = `cb-f-${facet.id}-${index}`;
        const count = (counts[facet.id] || {})[value] || 0;
        const box = el("input", { type: "checkbox", id, name: facet.id, value });
        box.checked = chosen.includes(value);
        if (!count && !box.checked) box.disabled = true;
        const label = el("label", { for: id }, value + " ", el("span", { class: "cb-facet__count" }, `(${count})`));
        fieldset.append(el("div", { class: "cb-facet__option" }, box, label));
      });
      details.append(summary, fieldset);
      facetBox.append(details);
    }
  }

  async function run(state) {
    const mine = ++generation;
    writeUrl(state);
    const chosen = Object.keys(state.filters).length > 0;
    if (!state.q && !chosen) {
      renderFacets(state, allFilters);
      list.replaceChildren();
      statusLine.textContent = "Type words to search, or tick a filter to browse cases.";
      return;
    }
    statusLine.textContent = "Searching…";
    const search = await pagefind.search(state.q || null, { filters: state.filters });
    if (mine !== generation) return;
    const loaded = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
    // Cases first, then framework and term pages; Pagefind's ranking within each.
    const isCase = (r) => (r.filters.type || [])[0] === "Case";
    const results = [...loaded.filter(isCase), ...loaded.filter((r) => !isCase(r))];
    if (mine !== generation) return;
    renderFacets(state, search.filters || {});
    list.replaceChildren(
      ...results.map((r) => {
        const kind = (r.filters.type || ["Page"])[0];
        const meta = [kind, r.meta.countries].filter(Boolean).join(" · ");
        return el(
          "li",
          { class: "cb-result" },
          el("a", { class: "cb-result__title", href: new URL(r.url.replace(/^\//, ""), siteRoot).href }, r.meta.title || r.url),
          el("span", { class: "cb-result__meta" }, meta),
          r.meta.summary && !state.q ? el("p", { class: "cb-result__excerpt" }, r.meta.summary) : excerptNode(r.excerpt)
        );
      })
    );
    const n = search.results.length;
    const what = state.q ? `for “${state.q}”` : "";
    statusLine.textContent = `${n} result${n === 1 ? "" : "s"} ${what}${chosen ? " with the chosen filters" : ""}.` + (n > 50 ? " Showing the first 50." : "");
  }

  async function start() {
    statusLine.textContent = "Loading the search index…";
    pagefind = await import(new URL(root.dataset.bundle + "pagefind.js", location.href).href);
    await pagefind.options({ baseUrl: "/", excerptLength: 24 });
    allFilters = await pagefind.filters();
    const state = stateFromUrl();
    input.value = state.q;
    await run(state);
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => run(stateFromForm()), 250);
    });
    facetBox.addEventListener("change", () => run(stateFromForm()));
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
