// The partnership board: a decision opens a dialog that asks for the rationale.
// Without this script each decision button leads to the proposal's page and its form.

const dialog = document.getElementById("decision-dialog");
const form = document.getElementById("decision-form");
const words = JSON.parse(document.getElementById("decision-words")?.textContent || "{}");
const NEEDS_RATIONALE = new Set(["accept", "reject", "conclude"]);
let opener = null;

if (dialog && form && typeof dialog.showModal === "function") {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-decide]");
    if (!button) return;
    event.preventDefault();
    opener = button;
    const action = button.dataset.action;
    form.action = button.dataset.url;
    form.elements.action.value = action;
    form.elements.expected_version.value = button.dataset.version;
    document.getElementById("decision-title").textContent = words[action] || button.textContent;
    document.getElementById("decision-subject").textContent = button.dataset.title || "";
    const rationale = form.elements.rationale;
    const field = document.getElementById("decision-rationale-field");
    rationale.value = "";
    rationale.required = NEEDS_RATIONALE.has(action);
    field.hidden = action === "start_review";
    const confirm = document.getElementById("decision-confirm");
    confirm.className = action === "reject" || action === "withdraw" ? "danger" : "primary";
    dialog.showModal();
    (field.hidden ? confirm : rationale).focus();
  });
  dialog.addEventListener("close", () => opener?.focus());
  form.addEventListener("submit", (event) => {
    const rationale = form.elements.rationale;
    if (rationale.required && !rationale.value.trim()) {
      event.preventDefault();
      rationale.setAttribute("aria-invalid", "true");
      rationale.reportValidity();
      rationale.focus();
      return;
    }
    document.getElementById("decision-confirm").disabled = true;
  });
}
