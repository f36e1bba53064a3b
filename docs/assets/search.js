// Search page of the casebook. Query and filters live in the address
// (?q=...&country=Germany), so a search can be bookmarked and shared.
// Each ticked filter narrows the results.
//
// With words, Pagefind searches the text and applies the filters. With filters
// only, the page reads the compact facet file (api/facets.json) instead: a
// filter-only Pagefind query would download the whole index.
//
// The small vocabulary file (api/vocabulary.json: term and framework names with
// their synonyms, countries, the glossary, words of case names) adds, without a
// second search engine:
// - "Best match": a query that is exactly a term's, framework's or case's name or
//   alias shows that page first (case names and aliases come from the results'
//   Pagefind metadata, `names`);
// - filter chips: a query naming a filter's value (or a glossary word standing for
//   one) offers that filter in one click;
// - "Did you mean": with few results or a word the vocabulary lacks, the vocabulary entries nearest the query by
//   edit distance.
// A query that is exactly a glossary word searches for the group's first word, so
// every word of a group finds the same pages (each page carries its groups' words).
(function () {
  "use strict";
  const root = document.getElementById("cb-search");
  if (!root) return;

  const form = root.querySelector("form");
  const input = document.getElementById("cb-search-q");
  const facetBox = document.getElementById("cb-facets");
  const statusLine = document.getElementById("cb-search-status");
  const list = document.getElementById("cb-results");
  const chipBox = document.getElementById("cb-chips");
  const suggestLine = document.getElementById("cb-suggest");
  const bestBox = document.getElementById("cb-best");
  const siteRoot = new URL(root.dataset.root, location.href);
  const LIMIT = 10;
  const FIRST = 3; // results whose fragments load before the first results show; the rest load on scroll
  const FEW = 5; // fewer results than this, or a word the vocabulary lacks: suggest nearby vocabulary entries
  let facets = []; // [{id, label, values: [label...]}]
  let cases = []; // [[slug, name, [[valueIndex...] per facet]]]
  let vocabulary = { terms: [], frameworks: [], countries: [], glossary: [], words: "" };
  let pagefind = null;
  let filtersLoaded = false; // Pagefind's filter index: loaded only once a filter panel is opened
  let generation = 0;
  let observer = null;

  const url = (path) => new URL(path, siteRoot).href;

  // Text as compared here: case and accents folded, punctuation as spaces.
  function norm(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

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
        if (count === 0 && !box.checked) box.disabled = true; // shown with its 0, not hidden
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

  // ---- The vocabulary: glossary, chips, best match, suggestions ----

  // The glossary group the whole query is a word of (not one whose words only stand for a filter).
  function glossaryGroup(q) {
    const n = norm(q);
    return vocabulary.glossary.find(([words, , , filterOnly]) => !filterOnly && words.some((w) => norm(w) === n));
  }

  // The query Pagefind runs: a whole-query glossary word becomes its group's first word, as a phrase.
  function pagefindQuery(q) {
    const group = glossaryGroup(q);
    return group ? `"${group[0][0]}"` : q;
  }

  function contains(haystack, needle) {
    return needle && (" " + haystack + " ").includes(" " + needle + " ");
  }

  // Filters the query names: a filter value, or a glossary word whose group stands for a filter
  // or includes a filter value. Each chip remembers the words it stands for.
  function chipsFor(state) {
    const n = norm(state.q);
    const found = new Map();
    const add = (facetId, value, words) => {
      if ((state.filters[facetId] || []).includes(value)) return;
      const key = facetId + "\u0000" + value;
      if (!found.has(key)) found.set(key, { facetId, value, words });
    };
    for (const facet of facets) {
      for (const value of facet.values) {
        const v = norm(value);
        // single common words (certainty "High", "Low") only as the whole query
        if (n === v || (contains(n, v) && (v.includes(" ") || facet.id !== "certainty"))) add(facet.id, value, v);
      }
    }
    for (const [words, facetId, value] of vocabulary.glossary) {
      const used = words.map(norm).filter((w) => contains(n, w)).sort((a, b) => b.length - a.length)[0];
      if (!used) continue;
      if (facetId) add(facetId, value, used);
      for (const facet of facets) {
        for (const v of facet.values) if (words.some((w) => norm(w) === norm(v))) add(facet.id, v, used);
      }
    }
    return [...found.values()].slice(0, 4);
  }

  function renderChips(state) {
    const chips = state.q ? chipsFor(state) : [];
    chipBox.replaceChildren();
    chipBox.hidden = !chips.length;
    if (!chips.length) return;
    chipBox.append(el("span", {}, "Filter instead:"));
    for (const chip of chips) {
      const facet = facets.find((f) => f.id === chip.facetId);
      const button = el("button", { type: "button", class: "cb-chip", "data-facet": chip.facetId, "data-value": chip.value },
        `${facet.label}: ${chip.value}`);
      button.addEventListener("click", () => {
        const filters = { ...state.filters, [chip.facetId]: [...(state.filters[chip.facetId] || []), chip.value] };
        const q = (" " + norm(state.q) + " ").replace(" " + chip.words + " ", " ").trim();
        const rest = q && state.q.split(/\s+/).length > chip.words.split(" ").length ? q : "";
        input.value = rest;
        run({ q: rest, filters });
      });
      chipBox.append(button);
    }
  }

  // An exact name from the vocabulary: a term (label or synonym) or a framework.
  function vocabularyBest(q) {
    const n = norm(q);
    for (const [label, path, synonyms] of vocabulary.terms) {
      if (norm(label) === n || synonyms.some((s) => norm(s) === n)) {
        const fw = vocabulary.frameworks.find(([, fwPath]) => path.startsWith(fwPath));
        return { title: label, url: url(path), meta: "Term" + (fw ? " · " + fw[0] : "") };
      }
    }
    for (const [name, path] of vocabulary.frameworks) {
      if (norm(name) === n) return { title: name, url: url(path), meta: "Framework" };
    }
    return null;
  }

  // A loaded result whose title, or one of whose names (Pagefind metadata), is the query.
  function resultIsExact(data, q) {
    const n = norm(q);
    const names = [data.meta.title || "", ...(data.meta.names || "").split(" | ")];
    return names.some((name) => name && norm(name) === n);
  }

  function showBest(best) {
    bestBox.replaceChildren();
    bestBox.hidden = !best;
    if (!best) return;
    bestBox.append(
      el("span", { class: "cb-best__label" }, "Best match"),
      el("a", { class: "cb-result__title", href: best.url }, best.title),
      el("span", { class: "cb-result__meta" }, best.meta)
    );
    if (best.excerpt) bestBox.append(excerptNode(best.excerpt));
  }

  // Optimal string alignment distance (an edit is an insertion, deletion, change or swap), capped.
  function distance(a, b, cap) {
    if (Math.abs(a.length - b.length) > cap) return cap + 1;
    let prev2 = null;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        row.push(d);
        best = Math.min(best, d);
      }
      if (best > cap) return cap + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  }

  const allowed = (text) => (text.length <= 4 ? 1 : 2);

  function entries() {
    return [
      ...vocabulary.terms.flatMap(([label, , synonyms]) => [label, ...synonyms]),
      ...vocabulary.frameworks.map(([name]) => name),
      ...vocabulary.countries,
      ...vocabulary.glossary.flatMap(([words]) => words),
    ];
  }

  // Every word of the vocabulary: names, terms, synonyms, countries, glossary words and case-name words.
  let knownCache = null;
  function knownWords() {
    if (!knownCache) {
      knownCache = new Set([...entries().flatMap((e) => norm(e).split(" ")), ...vocabulary.words.split(" ")]);
    }
    return knownCache;
  }

  // A query is weak when one of its longer words is in no name, term or glossary entry: most likely a typo.
  const weak = (q) => norm(q).split(" ").some((word) => word.length >= 4 && !knownWords().has(word));

  // Up to three names near the query: whole entries first, then the query with each unknown word corrected.
  function suggestions(q) {
    const n = norm(q);
    if (!n) return [];
    const out = new Map();
    const scored = [];
    for (const entry of entries()) {
      const e = norm(entry);
      if (e === n) continue;
      const d = distance(n, e, allowed(n));
      if (d <= allowed(n)) scored.push([d, entry]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
    for (const [, entry] of scored) if (out.size < 3) out.set(norm(entry), entry);
    const known = knownWords();
    let changed = false;
    const corrected = n.split(" ").map((word) => {
      if (known.has(word) || word.length < 4) return word;
      let best = null;
      let bestD = allowed(word) + 1;
      for (const candidate of known) {
        const d = distance(word, candidate, allowed(word));
        if (d < bestD) [best, bestD] = [candidate, d];
      }
      if (best) changed = true;
      return best || word;
    }).join(" ");
    if (changed && !out.has(corrected) && out.size < 3) out.set(corrected, corrected);
    return [...out.values()];
  }

  function showSuggestions(q, count) {
    const found = count < FEW || weak(q) ? suggestions(q) : [];
    suggestLine.replaceChildren();
    suggestLine.hidden = !found.length;
    if (!found.length) return;
    suggestLine.append("Did you mean ");
    found.forEach((text, i) => {
      const link = el("a", { href: "?q=" + encodeURIComponent(text), class: "cb-suggest__link" }, text);
      link.addEventListener("click", (event) => {
        event.preventDefault();
        input.value = text;
        run({ q: text, filters: stateFromForm().filters });
      });
      suggestLine.append(i ? (i === found.length - 1 ? " or " : ", ") : "", link);
    });
    suggestLine.append("?");
  }

  // ---- Filter-only browsing, from the facet file ----
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
    renderChips(state);
    showBest(null);
    showSuggestions("", 0);
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

  function resultItem(r) {
    return [
      el("a", { class: "cb-result__title", href: r.url }, r.meta.title || r.url),
      el("span", { class: "cb-result__meta" }, resultMeta(r)),
      excerptNode(r.excerpt),
    ];
  }

  // Results past the first few: an empty item each, filled when it scrolls into view.
  function pendingItem(result, mine, state, best) {
    const item = el("li", { class: "cb-result cb-result--pending" }, "…"); // filled as it scrolls into view
    item.cbLoad = async () => {
      const data = await result.data();
      if (mine !== generation) return;
      if (!best.url && resultIsExact(data, state.q)) {
        best.url = new URL(data.url, location.href).href;
        showBest({ title: data.meta.title || data.url, url: data.url, meta: resultMeta(data), excerpt: data.excerpt });
      }
      if (best.url && new URL(data.url, location.href).href === best.url) {
        item.remove();
        return;
      }
      item.className = "cb-result";
      item.replaceChildren(...resultItem(data));
    };
    return item;
  }

  function resultMeta(r) {
    return [(r.filters.type || ["Page"])[0], r.meta.countries].filter(Boolean).join(" · ");
  }

  async function textSearch(state, mine) {
    await loadPagefind();
    if (!filtersLoaded && (Object.keys(state.filters).length || facetBox.querySelector("details[open]"))) {
      await pagefind.filters(); // counts per filter need the filter index
      filtersLoaded = true;
    }
    const search = await pagefind.search(pagefindQuery(state.q), { filters: state.filters });
    if (mine !== generation) return;
    const shown = search.results.slice(0, LIMIT);
    const first = await Promise.all(shown.slice(0, FIRST).map((r) => r.data()));
    if (mine !== generation) return;
    const fromVocabulary = vocabularyBest(state.q);
    const exact = first.find((r) => resultIsExact(r, state.q));
    const best = fromVocabulary || (exact && { title: exact.meta.title || exact.url, url: exact.url, meta: resultMeta(exact), excerpt: exact.excerpt });
    const bestRef = { url: best ? new URL(best.url, location.href).href : null };
    const same = (u) => bestRef.url && new URL(u, location.href).href === bestRef.url;
    renderFacets(state, filtersLoaded ? search.filters || {} : null);
    renderChips(state);
    showBest(best);
    if (observer) observer.disconnect();
    observer = new IntersectionObserver((seen) => {
      for (const entry of seen) {
        if (entry.isIntersecting && entry.target.cbLoad) {
          observer.unobserve(entry.target);
          const load = entry.target.cbLoad;
          entry.target.cbLoad = null;
          load().catch((error) => console.error(error));
        }
      }
    }, { rootMargin: "200px" });
    const items = [
      ...first.filter((r) => !same(r.url)).map((r) => el("li", { class: "cb-result" }, ...resultItem(r))),
      ...shown.slice(FIRST).map((r) => pendingItem(r, mine, state, bestRef)),
    ];
    list.replaceChildren(...items);
    for (const item of items) if (item.cbLoad) observer.observe(item);
    showStatus(search.results.length, state, search.results.length > LIMIT);
    showSuggestions(state.q, best ? FEW : search.results.length);
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
    const [data, words] = await Promise.all([
      fetch(url("api/facets.json")).then((r) => r.json()),
      fetch(url("api/vocabulary.json")).then((r) => r.json()).catch(() => null),
    ]);
    facets = data.facets;
    cases = data.cases;
    if (words) [vocabulary, knownCache] = [words, null];
    const state = stateFromUrl();
    input.value = state.q;
    await run(state);
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => run(stateFromForm()), 250);
      // While the reader types, Pagefind fetches the index chunks of the words so far.
      const q = input.value.trim();
      if (pagefind && q) pagefind.preload(pagefindQuery(q)).catch(() => {});
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
