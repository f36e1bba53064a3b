// "Which payment instrument fits my aims": shows the aims picked (?aim=a,b in the address) and only the
// instruments the framework's data connects to them (#cb-guide-data); the page lists everything without script.
(function () {
  "use strict";
  const form = document.getElementById("cb-guide-form");
  const dataNode = document.getElementById("cb-guide-data");
  if (!form || !dataNode) return;
  const data = JSON.parse(dataNode.textContent);
  const statusLine = document.getElementById("cb-guide-status");
  const link = document.getElementById("cb-guide-link");
  const aims = [...document.querySelectorAll(".cb-aim")];
  const instruments = [...document.querySelectorAll(".cb-instr")];
  const boxes = [...form.querySelectorAll('input[name="aim"]')];

  function fromAddress() {
    const wanted = (new URLSearchParams(location.search).get("aim") || "").split(",").map((s) => s.trim());
    return wanted.filter((id) => Object.prototype.hasOwnProperty.call(data.aims, id));
  }

  const query = (chosen) => (chosen.length ? "?aim=" + chosen.join(",") : "");

  function render(chosen) {
    for (const box of boxes) box.checked = chosen.includes(box.value);
    link.href = location.pathname + query(chosen);
    for (const section of aims) section.hidden = chosen.length > 0 && !chosen.includes(section.dataset.aim);
    if (!chosen.length) {
      for (const section of instruments) section.hidden = false;
      statusLine.textContent = `All aims and all ${instruments.length} instruments are listed below. Pick aims in the form to narrow them.`;
      return;
    }
    const connected = new Set(chosen.flatMap((id) => data.aims[id].map(([term]) => term)));
    const against = chosen.some((id) => data.aims[id].some(([, worksAgainst]) => worksAgainst));
    for (const section of instruments) section.hidden = !connected.has(section.dataset.term);
    const silent = instruments.length - connected.size;
    statusLine.textContent = connected.size
      ? `The sources connect ${connected.size} instrument${connected.size === 1 ? "" : "s"} to the aims you picked${against ? " (some as working against them)" : ""}. ` +
        `For the other ${silent} they make no connection, which is not evidence either way; clear the aims to see all.`
      : "The sources connect no instrument to the aims you picked.";
  }

  function update() {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    history.replaceState(null, "", location.pathname + query(chosen) + location.hash);
    render(chosen);
  }

  form.hidden = false;
  render(fromAddress());
  form.addEventListener("change", update);
  form.addEventListener("submit", (event) => { event.preventDefault(); update(); });
  form.addEventListener("reset", () => setTimeout(update, 0));
})();
