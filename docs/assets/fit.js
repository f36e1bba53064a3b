// "Cases like my system": ranks the cases listed on the page by the rules it states (generator/fit.py).
// The rules, the words for each code and each case's profile come from the page's JSON (#cb-fit-data);
// the reader's choices live in the address (?system=&group=a,b&block=&can=&cannot=), so a result can be shared.
(function () {
  "use strict";
  const form = document.getElementById("cb-fit-form");
  const dataNode = document.getElementById("cb-fit-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const list = document.getElementById("cb-fit-results");
  const statusLine = document.getElementById("cb-fit-status");
  const link = document.getElementById("cb-fit-link");
  const items = new Map([...list.children].map((li) => [li.dataset.slug, li]));
  const original = [...list.children];
  const selects = [...form.querySelectorAll("select[data-term]")];
  const codes = /^[a-z0-9-]+$/;

  function listParam(params, name) {
    return (params.get(name) || "").split(",").map((s) => s.trim()).filter((s) => codes.test(s));
  }

  function fromAddress() {
    const params = new URLSearchParams(location.search);
    const system = (params.get("system") || "").trim();
    return {
      system: codes.test(system) ? system : "",
      group: listParam(params, "group"),
      block: listParam(params, "block"),
      can: listParam(params, "can"),
      cannot: listParam(params, "cannot"),
    };
  }

  function fromForm() {
    const checked = (name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
    const pay = (value) => selects.filter((s) => s.value === value).map((s) => s.dataset.term);
    return { system: checked("system")[0] || "", group: checked("group"), block: checked("block"), can: pay("can"), cannot: pay("cannot") };
  }

  function toForm(context) {
    for (const input of form.querySelectorAll('input[name="system"]')) input.checked = input.value === context.system;
    for (const name of ["group", "block"]) {
      for (const input of form.querySelectorAll(`input[name="${name}"]`)) input.checked = context[name].includes(input.value);
    }
    for (const select of selects) {
      const term = select.dataset.term;
      select.value = context.cannot.includes(term) ? "cannot" : context.can.includes(term) ? "can" : "";
    }
  }

  function query(context) {
    const params = new URLSearchParams();
    if (context.system) params.set("system", context.system);
    for (const name of ["group", "block", "can", "cannot"]) if (context[name].length) params.set(name, context[name].join(","));
    const text = params.toString().replace(/%2C/g, ",");
    return text ? "?" + text : "";
  }

  // The rules of generator/fit.py `matches`, in the same order.
  function matches(profile, context) {
    const found = [];
    if (context.system && profile.system === context.system) found.push(["system", context.system]);
    for (const g of profile.groups) if (context.group.includes(g)) found.push(["group", g]);
    for (const b of profile.blocks) if (context.block.includes(b)) found.push(["block", b]);
    for (const p of profile.payments) if (context.can.includes(p)) found.push(["can", p]);
    for (const p of profile.payments) if (context.cannot.includes(p)) found.push(["cannot", p]);
    return found;
  }

  const says = ([rule, code]) => data.rules[rule].says.replace("{}", (data.labels[rule] || {})[code] || code);

  function render(context) {
    const chosen = context.system || ["group", "block", "can", "cannot"].some((k) => context[k].length);
    link.href = location.pathname + query(context);
    if (!chosen) {
      list.replaceChildren(...original);
      for (const li of original) {
        li.querySelector(".cb-fitcase__why").hidden = true;
        li.querySelector(".cb-fitcase__score").hidden = true;
      }
      statusLine.textContent = "The cases in alphabetical order. Describe your system in the form to rank them.";
      return;
    }
    const names = new Map(original.map((li, i) => [li.dataset.slug, i]));
    const rows = data.cases.map((profile) => {
      const found = matches(profile, context);
      return { profile, found, points: found.reduce((sum, [rule]) => sum + data.rules[rule].points, 0) };
    });
    rows.sort((a, b) => b.points - a.points || a.profile.evidence - b.profile.evidence ||
      names.get(a.profile.slug) - names.get(b.profile.slug));
    for (const row of rows) {
      const li = items.get(row.profile.slug);
      const why = li.querySelector(".cb-fitcase__why");
      why.hidden = false;
      why.textContent = row.found.length ? "Why here: " + row.found.map(says).join("; ") + "." : "Nothing in common with what you chose.";
      const score = li.querySelector(".cb-fitcase__score");
      score.hidden = false;
      score.textContent = `${row.points} point${Math.abs(row.points) === 1 ? "" : "s"}`;
    }
    list.replaceChildren(...rows.map((row) => items.get(row.profile.slug)));
    const sharing = rows.filter((row) => row.found.length).length;
    statusLine.textContent = `${sharing} of ${rows.length} cases share something with what you chose; closest first.`;
  }

  function update() {
    const context = fromForm();
    history.replaceState(null, "", location.pathname + query(context) + location.hash);
    render(context);
  }

  form.hidden = false;
  const start = fromAddress();
  toForm(start);
  render(start);
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  form.addEventListener("reset", () => setTimeout(update, 0));
})();
