// The activity feed: new items arrive live at the top, when they match the filters.

import { localiseTimes } from "./app.js";
import { liveSocket } from "./socket.js";

const config = JSON.parse(document.getElementById("feed-config")?.textContent || "null");
if (config?.enabled) start(config);

function start(config) {
  const socket = liveSocket();
  const feed = document.getElementById("feed");
  const template = document.getElementById("activity-item-template");
  const vocabulary = config.vocabulary;
  const names = {};
  const language = document.documentElement.lang || "ar";
  const zero = "00000000-0000-0000-0000-000000000000";

  function matches(item) {
    if (config.commission && item.commission_id !== config.commission) return false;
    if (config.outside_workspaces_only && item.workspace_id) return false;
    if (config.kind) {
      if (config.kind.includes(".") ? item.kind !== config.kind : !item.kind.startsWith(`${config.kind}.`)) return false;
    }
    return true;
  }

  function pick(label) {
    if (!label) return { text: "", lang: "" };
    if (label.default) return { text: label.default, lang: "" };
    for (const candidate of [language, "ar", "en", "fr"]) {
      if (label[candidate]) return { text: label[candidate], lang: candidate };
    }
    return { text: "", lang: "" };
  }

  function href(item) {
    const route = vocabulary.routes[item.object.kind];
    if (route) return route.replace(zero, item.object.id);
    if (item.workspace_id) return vocabulary.workspace_route.replace(zero, item.workspace_id);
    return "";
  }

  async function nameOf(id) {
    if (names[id] !== undefined) return names[id];
    try {
      const response = await fetch(`${config.names_url}?id=${encodeURIComponent(id)}`, { headers: { Accept: "application/json" } });
      const body = await response.json();
      Object.assign(names, body.names || {});
    } catch {
      names[id] = "";
    }
    return names[id] || "";
  }

  socket.subscribe(config.stream, config.after, async (frame) => {
    const item = frame.data;
    if (!item || !matches(item) || feed.querySelector(`[data-position="${frame.position}"]`)) return;
    const element = template.content.firstElementChild.cloneNode(true);
    element.dataset.position = String(frame.position);
    element.querySelector(".icon").textContent = vocabulary.icons[item.object.kind] || "•";
    element.querySelector(".verb").textContent = vocabulary.verbs[item.kind] || item.kind;
    const label = pick(item.object.label);
    const link = element.querySelector(".object");
    link.textContent = label.text;
    if (label.lang) link.lang = label.lang;
    const target = href(item);
    if (target) link.href = target;
    else link.removeAttribute("href");
    const country = vocabulary.countries?.[item.commission_id];
    if (country) {
      const tag = element.querySelector(".tag");
      tag.textContent = country;
      tag.hidden = false;
    }
    const time = element.querySelector("time");
    time.setAttribute("datetime", item.created_at);
    time.textContent = item.created_at;
    localiseTimes(element);
    element.querySelector(".who").textContent = await nameOf(item.actor);
    // Newest first: before the first item with a lower position.
    const later = [...feed.children].find((li) => Number(li.dataset.position) < frame.position);
    feed.insertBefore(element, later || null);
    document.getElementById("feed-empty")?.remove();
  });
}
