// Upload with drag and drop and a progress bar. Without this script the form
// posts the file as usual.

const form = document.getElementById("upload-form");
if (form) start(form);

function start(form) {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("upload-file");
  const chosen = document.getElementById("upload-chosen");
  const progress = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const status = document.getElementById("upload-status");
  const error = document.getElementById("upload-error");
  const submit = document.getElementById("upload-submit");
  const resource = document.getElementById("upload-resource");
  const visibility = document.getElementById("upload-visibility");
  const maxBytes = Number(form.dataset.maxBytes || 0);
  let file = null;

  const choose = (picked) => {
    file = picked || null;
    error.textContent = "";
    chosen.textContent = file ? `${file.name} — ${size(file.size)}` : "";
  };

  input.addEventListener("change", () => choose(input.files[0]));
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files?.length) choose(event.dataTransfer.files[0]);
  });

  // Public documents only where the resource is public-facing.
  const syncVisibility = () => {
    if (!resource || !visibility) return;
    const publishable = resource.selectedOptions[0]?.dataset.publishable === "true";
    visibility.querySelector('option[value="public"]').disabled = !publishable;
    if (!publishable) visibility.value = "internal";
  };
  resource?.addEventListener("change", syncVisibility);
  syncVisibility();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!file) {
      error.textContent = form.dataset.choose;
      input.focus();
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      error.textContent = form.dataset.tooLarge;
      return;
    }
    const data = new FormData(form);
    data.set("content", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    progress.hidden = false;
    bar.value = 0;
    status.textContent = form.dataset.uploading;
    submit.disabled = true;
    error.textContent = "";
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    request.addEventListener("load", () => {
      submit.disabled = false;
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        /* not JSON */
      }
      if (request.status >= 200 && request.status < 300 && body.url) {
        bar.value = 100;
        status.textContent = form.dataset.done;
        window.location.assign(body.url);
        return;
      }
      progress.hidden = true;
      // The server's detail is the whole refusal, each thing said once.
      error.textContent = body.detail || form.dataset.failed;
    });
    request.addEventListener("error", () => {
      submit.disabled = false;
      progress.hidden = true;
      error.textContent = form.dataset.failed;
    });
    request.send(data);
  });
}

function size(bytes) {
  const language = document.documentElement.lang || "ar";
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  try {
    return new Intl.NumberFormat(language, { style: "unit", unit: units[unit], maximumFractionDigits: 1 }).format(value);
  } catch {
    return `${value.toFixed(1)} ${units[unit]}`;
  }
}
