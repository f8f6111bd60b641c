// Every page: the phone menu, times shown in the reader's time zone and language.

document.documentElement.classList.add("js");

const toggle = document.querySelector(".menu-toggle");
const nav = document.getElementById("site-nav");
if (toggle && nav) {
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

const language = document.documentElement.lang || "ar";

export function formatTime(element) {
  const value = element.getAttribute("datetime");
  if (!value) return;
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return;
  const options = element.hasAttribute("data-date-only")
    ? { dateStyle: "medium" }
    : { dateStyle: "medium", timeStyle: element.hasAttribute("data-seconds") ? "medium" : "short" };
  try {
    element.textContent = new Intl.DateTimeFormat(language, options).format(moment);
    element.title = moment.toISOString();
  } catch {
    /* an old browser keeps the server's text */
  }
}

export function localiseTimes(root = document) {
  root.querySelectorAll("time[data-local]").forEach(formatTime);
}

localiseTimes();

// Dialogs: any [data-close-dialog] button closes the dialog it sits in.
document.addEventListener("click", (event) => {
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) closer.closest("dialog")?.close();
});

// Move focus to a form's error summary, so that screen readers announce it.
document.getElementById("form-errors")?.focus();
