// Starts GOV.UK Frontend's components and the agency and MSP choosers. Loaded as a module, so
// browsers without module support get the plain HTML pages, which work without JavaScript.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";
// A UMD bundle: run as a module it defines window.accessibleAutocomplete.
import "../accessible-autocomplete/accessible-autocomplete.min.js";

initAll();

// Radios and checkboxes that reveal fields (kernel.forms.GovukBoundField.options): GOV.UK's
// conditional reveal, done here because govuk-frontend's sets aria-expanded on the input once it
// has aria-controls, which a radio may not have (axe's aria-allowed-attr). Without JavaScript every
// revealed field shows; the fields follow their input, so a screen reader meets them in order.
const revealing = [...document.querySelectorAll("input[data-app-reveals]")];
const showChosen = (name) => {
  for (const input of revealing.filter((each) => each.name === name)) {
    const revealed = document.getElementById(input.dataset.appReveals);
    if (!revealed) continue;
    const kind = input.type === "checkbox" ? "govuk-checkboxes" : "govuk-radios";
    revealed.classList.toggle(`${kind}__conditional--hidden`, !input.checked);
  }
};
for (const name of new Set(revealing.map((input) => input.name))) {
  showChosen(name);
  for (const input of document.querySelectorAll(`input[name="${CSS.escape(name)}"]`)) {
    input.addEventListener("change", () => showChosen(name));
  }
}

// At phone width a list's filters start folded, so the list comes first; one tap opens them.
if (window.matchMedia("(max-width: 40.0525em)").matches) {
  for (const filters of document.querySelectorAll("details.app-filters")) {
    filters.removeAttribute("open");
  }
}

const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

// A chooser (governance_portal.forms.ChooserInput) is a text input naming a JSON endpoint in
// data-chooser-source. It becomes GOV.UK's accessible autocomplete with the same id, name and
// value; what is submitted is still text ("Name (01234567)" once a suggestion is picked), which
// the server resolves as it does without JavaScript (docs/adr/0013-choosers.md).
function enhanceChooser(input) {
  const url = input.dataset.chooserSource;
  const describedBy = input.getAttribute("aria-describedby");
  const container = document.createElement("div");
  container.className = "app-chooser";
  input.before(container);
  let pending = null;

  window.accessibleAutocomplete({
    element: container,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 2,
    inputClasses: input.className,
    templates: {
      inputValue: (result) => (result && typeof result === "object" ? result.label : result || ""),
      suggestion: (result) =>
        escapeHtml(result && typeof result === "object" ? result.label : result || ""),
    },
    tNoResults: () => "No match: check the spelling, or enter the Companies House number",
    source: (query, populateResults) => {
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => populateResults(data.results))
        .catch(() => {}); // aborted by the next keystroke, or offline: the text still submits
    },
  });
  input.remove();

  // Keep the field's hint and error in what a screen reader reads on focus.
  const enhanced = container.querySelector("input");
  if (enhanced && describedBy) {
    const own = enhanced.getAttribute("aria-describedby");
    enhanced.setAttribute("aria-describedby", own ? `${describedBy} ${own}` : describedBy);
  }
}

for (const input of document.querySelectorAll("input[data-chooser-source]")) {
  enhanceChooser(input);
}
