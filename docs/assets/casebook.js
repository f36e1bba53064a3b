// Small enhancements on every page: the page's own address in citations, and copy buttons.
(function () {
  "use strict";
  const here = location.origin + location.pathname;
  for (const span of document.querySelectorAll("[data-cb-here]")) span.textContent = here;
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(button.dataset.copy));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        button.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => (button.textContent = "Copy"), 2500);
    });
  }
})();

// Tabs (evidence map): one panel at a time, chosen by the address's #fragment; all panels show without script.
(function () {
  "use strict";
  for (const box of document.querySelectorAll("[data-cb-tabs]")) {
    document.documentElement.classList.add("js");
    const tabs = [...box.querySelectorAll("[role=tab]")];
    const show = (id, focus) => {
      for (const tab of tabs) {
        const on = tab.getAttribute("aria-controls") === id;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
        if (on && focus) tab.focus();
      }
    };
    const fromHash = () => {
      const id = location.hash.slice(1);
      show(tabs.some((t) => t.getAttribute("aria-controls") === id) ? id : tabs[0].getAttribute("aria-controls"));
    };
    box.addEventListener("click", (event) => {
      const tab = event.target.closest("[role=tab]");
      if (!tab) return;
      event.preventDefault();
      history.replaceState(null, "", "#" + tab.getAttribute("aria-controls"));
      show(tab.getAttribute("aria-controls"));
    });
    box.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
      const i = tabs.indexOf(document.activeElement);
      if (i < 0 || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
      const next = tabs[(i + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      history.replaceState(null, "", "#" + next.getAttribute("aria-controls"));
      show(next.getAttribute("aria-controls"), true);
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
})();

// Sortable, filterable tables (the case list): click a column header to sort; type to filter rows.
// Blank cells sort last in both directions. The filter keeps rows holding every word typed, in any
// column and any order; commas and accents do not matter ("Netherlands, frail" = "frail netherlands").
(function () {
  "use strict";
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  for (const table of document.querySelectorAll("table[data-cb-sortable]")) {
    const body = table.tBodies[0];
    const rows = [...body.rows];
    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "cb-sort";
      button.textContent = th.textContent;
      th.replaceChildren(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((h) => h.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent.trim();
        const sorted = [...body.rows].sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          if (x === "" || y === "") return (x === "") - (y === "");
          const numeric = !isNaN(x) && !isNaN(y);
          const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        body.append(...sorted);
      });
    });
    const filter = document.getElementById(table.dataset.cbFilter);
    if (filter) {
      const status = document.getElementById(filter.getAttribute("aria-describedby"));
      const empty = document.getElementById(table.dataset.cbFilter + "-empty");
      const texts = new Map(rows.map((row) => [row, fold(row.textContent)]));
      filter.closest("[hidden]")?.removeAttribute("hidden");
      const apply = () => {
        const words = fold(filter.value).split(/[\s,;]+/).filter(Boolean);
        let shown = 0;
        for (const row of rows) {
          const match = words.every((w) => texts.get(row).includes(w));
          row.hidden = !match;
          shown += match;
        }
        status.textContent = words.length ? `${shown} of ${rows.length} cases shown.` : "";
        if (empty) empty.hidden = shown > 0;
      };
      filter.addEventListener("input", apply);
      for (const button of document.querySelectorAll(`[data-cb-clear="${filter.id}"]`)) {
        button.addEventListener("click", () => {
          filter.value = "";
          apply();
          filter.focus();
        });
      }
      const asked = new URLSearchParams(location.search).get("filter");
      if (asked) {
        filter.value = asked;
        apply();
      }
    }
  }
})();

// A link to something inside a folded section (<details>) opens it, on arrival and on later jumps.
(function () {
  "use strict";
  const reveal = () => {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    const folded = target && target.closest("details:not([open])");
    if (folded) {
      folded.open = true;
      target.scrollIntoView();
    }
  };
  window.addEventListener("hashchange", reveal);
  reveal();
  // The phone's "On this page" menu closes once a section is chosen.
  for (const menu of document.querySelectorAll("details.cb-onpage")) {
    menu.addEventListener("click", (event) => {
      if (event.target.closest("a")) menu.open = false;
    });
  }
})();
