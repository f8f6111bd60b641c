// Workspace and thread pages: live messages, sending, editing, retracting,
// typing and presence, unread badges. The page works without this script
// (its forms post to the server); with it, everything goes through the socket.

import { localiseTimes } from "./app.js";
import { CommandError, liveSocket, newId } from "./socket.js";

const config = JSON.parse(document.getElementById("live-config")?.textContent || "null");
if (config) start(config);

function start(config) {
  const socket = liveSocket();
  const list = document.getElementById("messages");
  const template = document.getElementById("message-template");
  const names = config.names || {};
  const zero = "00000000-0000-0000-0000-000000000000";
  const paged = list?.dataset.paged === "true";
  const words = config.words;
  const pendingByPosition = new Map();

  // --- names of people we have not met on this page -------------------------------------
  const asking = new Set();
  function nameOf(userId, update) {
    if (names[userId]) return names[userId];
    if (userId && !asking.has(userId)) {
      asking.add(userId);
      fetch(`/people/names/?id=${encodeURIComponent(userId)}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : { names: {} }))
        .then((body) => {
          Object.assign(names, body.names || {});
          document.querySelectorAll(`[data-author="${CSS.escape(userId)}"] .author`).forEach((el) => {
            el.textContent = names[userId] || words.unknown;
          });
          update?.();
        })
        .catch(() => {});
    }
    return words.unknown;
  }

  // --- messages ------------------------------------------------------------------------------
  const nearBottom = () => !list || list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const scrollDown = () => {
    if (list) list.scrollTop = list.scrollHeight;
  };
  if (list && !paged) scrollDown();

  function fill(element, data) {
    const mine = data.author === config.me;
    element.id = `m-${data.id}`;
    element.dataset.id = data.id;
    element.dataset.position = data.position;
    element.dataset.version = data.version;
    element.dataset.author = data.author;
    element.classList.toggle("mine", mine);
    element.classList.toggle("retracted", Boolean(data.retracted));
    element.querySelector(".author").textContent = nameOf(data.author);
    const time = element.querySelector("time");
    if (time && data.posted_at) {
      time.setAttribute("datetime", data.posted_at);
      time.textContent = data.posted_at;
    }
    const text = element.querySelector(".text");
    if (data.retracted) {
      text.textContent = words.retracted;
      text.removeAttribute("dir");
    } else {
      text.textContent = data.text;
      text.setAttribute("dir", "auto");
    }
    const edited = element.querySelector(".edited");
    edited.hidden = !data.edited || data.retracted;
    if (edited.hidden) edited.open = false;
    else if (edited.open) loadHistory(edited);
    const actions = element.querySelector(".message-actions");
    if (actions) {
      if (!mine || data.retracted) actions.remove();
      else {
        const edit = actions.querySelector(".edit-form");
        edit.action = config.urls.edit.replace(zero, data.id);
        const box = edit.querySelector("textarea");
        box.id = `edit-${data.id}`;
        edit.querySelector("label").htmlFor = box.id;
        if (!actions.open) box.value = data.text;
        edit.querySelector("[name=form_key]").value = `e.${data.id}.${data.version}`;
        const retract = actions.querySelector(".retract-form");
        retract.action = config.urls.retract.replace(zero, data.id);
        retract.querySelector("[name=form_key]").value = `r.${data.id}`;
      }
    }
    localiseTimes(element);
  }

  function upsert(data) {
    if (!list) return;
    const existing = document.getElementById(`m-${data.id}`);
    if (existing) {
      if (Number(existing.dataset.version) > data.version) return;
      fill(existing, data);
      return;
    }
    const stick = nearBottom();
    const element = template.content.firstElementChild.cloneNode(true);
    fill(element, data);
    document.getElementById("no-messages")?.remove();
    // Keep the thread's order: by the position of the posting.
    const after = [...list.querySelectorAll(".message[data-position]:not(.pending)")].find(
      (el) => Number(el.dataset.position) > data.position,
    );
    list.insertBefore(element, after || list.querySelector(".message.pending") || null);
    const pending = pendingByPosition.get(data.position);
    if (pending) {
      pending.remove();
      pendingByPosition.delete(data.position);
    }
    if (stick || data.author === config.me) scrollDown();
    if (data.author !== config.me) markRead(data.position);
  }

  // --- earlier versions: "(edited)" opens them, fetched from the API -------------------------
  // GET /api/v1/messages/{id}/history/ answers with what this reader may see of them.
  function loadHistory(details) {
    const item = details.closest(".message");
    if (!item || !config.urls.history || details.dataset.loadedVersion === item.dataset.version) return;
    const version = item.dataset.version;
    const versions = details.querySelector(".history-list");
    details.setAttribute("aria-busy", "true");
    details.querySelector(".failure")?.remove();
    fetch(config.urls.history.replace(zero, item.dataset.id), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((body) => {
        const earlier = Array.isArray(body.history) ? body.history : [];
        versions.replaceChildren(
          ...earlier.map((entry) => {
            const row = document.createElement("li");
            const until = document.createElement("span");
            until.className = "muted";
            const time = document.createElement("time");
            time.dataset.local = "";
            time.setAttribute("datetime", entry.replaced_at || "");
            time.textContent = entry.replaced_at || "";
            until.append(`${words.until} `, time);
            const text = document.createElement("p");
            text.className = "pre m0";
            text.dir = "auto";
            text.textContent = entry.text || "";
            row.append(until, text);
            return row;
          }),
        );
        if (!earlier.length) {
          const row = document.createElement("li");
          row.className = "muted";
          row.textContent = words.no_history;
          versions.append(row);
        }
        details.dataset.loadedVersion = version;
        localiseTimes(versions);
      })
      .catch(() => {
        const note = document.createElement("p");
        note.className = "failure";
        note.setAttribute("role", "alert");
        note.textContent = words.history_failed;
        versions.after(note);
      })
      .finally(() => details.removeAttribute("aria-busy"));
  }
  list?.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (details instanceof HTMLDetailsElement && details.classList.contains("edited") && details.open) {
        loadHistory(details);
      }
    },
    true,
  );

  // --- reading -----------------------------------------------------------------------------
  let readTimer = null;
  let readUpTo = 0;
  function markRead(position) {
    if (!config.urls.read || position <= readUpTo) return;
    readUpTo = position;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (document.visibilityState !== "visible") return;
      const body = new URLSearchParams({ position: String(readUpTo) });
      fetch(config.urls.read, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        credentials: "same-origin",
      }).catch(() => {});
    }, 1000);
  }

  // --- the thread's own stream ---------------------------------------------------------------
  if (config.thread_id && !paged) {
    socket.subscribe(`thread:${config.thread_id}`, config.thread_after, (frame) => {
      if (frame.kind.startsWith("message.")) upsert(frame.data);
      else if (frame.kind === "thread.renamed") {
        const title = document.querySelector("#thread-title bdi");
        if (title) title.textContent = frame.data.title;
      } else if (frame.kind === "thread.closed") {
        document.getElementById("composer")?.remove();
      }
    });
  }

  // --- the workspace's stream: other threads, new threads -----------------------------------
  const threadList = document.getElementById("thread-list");
  socket.subscribe(`workspace:${config.workspace_id}`, config.workspace_after, (frame) => {
    if (frame.kind === "thread.started" && threadList && !threadList.querySelector(`[data-thread-id="${frame.data.id}"]`)) {
      threadList.querySelector(".empty")?.remove();
      const item = document.createElement("li");
      item.dataset.threadId = frame.data.id;
      const link = document.createElement("a");
      link.href = config.urls.thread.replace(zero, frame.data.id);
      const title = document.createElement("bdi");
      title.className = "title";
      title.textContent = frame.data.title;
      const badge = document.createElement("span");
      badge.className = "badge unread";
      badge.hidden = true;
      const count = document.createElement("span");
      count.className = "count";
      count.textContent = "0";
      badge.append(count);
      link.append(title, badge);
      item.append(link);
      threadList.prepend(item);
    }
    if (frame.kind === "message.posted" && frame.data.thread_id !== config.thread_id && frame.data.author !== config.me) {
      const badge = threadList?.querySelector(`[data-thread-id="${frame.data.thread_id}"] .badge`);
      if (badge) {
        const count = badge.querySelector(".count");
        count.textContent = String(Number(count.textContent || "0") + 1);
        badge.hidden = false;
      }
    }
  });

  // --- sending --------------------------------------------------------------------------------
  const form = document.getElementById("composer-form");
  const box = document.getElementById("composer-text");
  if (form && box) {
    const grow = () => {
      box.style.blockSize = "auto";
      box.style.blockSize = `${Math.min(box.scrollHeight + 2, 192)}px`;
    };
    box.addEventListener("input", () => {
      grow();
      typing();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = box.value.trim();
      if (!text) return;
      box.value = "";
      grow();
      send(text, newId());
      box.focus();
    });
  }

  function send(text, id, element) {
    const pending = element || template.content.firstElementChild.cloneNode(true);
    if (!element) {
      pending.classList.add("mine", "pending");
      pending.dataset.author = config.me;
      pending.querySelector(".author").textContent = names[config.me] || "";
      pending.querySelector(".text").textContent = text;
      pending.querySelector("time").textContent = words.sending;
      pending.querySelector(".message-actions")?.remove();
      document.getElementById("no-messages")?.remove();
      list.append(pending);
      scrollDown();
    }
    pending.classList.remove("failed");
    pending.querySelector(".failure")?.remove();
    socket
      .command("message.post", { thread_id: config.thread_id, text }, id)
      .then((ack) => {
        const arrived = [...list.querySelectorAll(".message[data-position]")].some(
          (el) => Number(el.dataset.position) === ack.position,
        );
        if (arrived) pending.remove();
        else pendingByPosition.set(ack.position, pending);
      })
      .catch((error) => {
        pending.classList.add("failed");
        const note = document.createElement("button");
        note.type = "button";
        note.className = "failure button-link";
        note.textContent = `${words.failed}${error instanceof CommandError && error.detail && error.code !== "timeout" ? ` (${error.detail})` : ""}`;
        note.addEventListener("click", () => send(text, id, pending));
        pending.append(note);
      });
  }

  // --- typing -------------------------------------------------------------------------------
  let lastTyping = 0;
  function typing() {
    const now = Date.now();
    if (!config.thread_id || now - lastTyping < 3000) return;
    lastTyping = now;
    socket.ephemeral({ type: "command", id: newId(), name: "typing", args: { thread_id: config.thread_id } });
  }
  const typingLine = document.getElementById("typing");
  const typists = new Map();
  function showTypists() {
    if (!typingLine) return;
    const now = Date.now();
    for (const [user, until] of typists) if (until < now) typists.delete(user);
    const who = [...typists.keys()].map((u) => nameOf(u, showTypists));
    typingLine.textContent = who.length === 0 ? "" : who.length === 1
      ? words.typing_one.replace("%(name)s", who[0])
      : words.typing_many.replace("%(names)s", who.join("، "));
  }
  setInterval(showTypists, 1000);
  socket.addEventListener("typing", ({ detail: frame }) => {
    const user = frame.user_id || frame.user || frame.data?.user_id;
    const stream = frame.stream || (frame.thread_id ? `thread:${frame.thread_id}` : "");
    if (!user || user === config.me || (stream && stream !== `thread:${config.thread_id}`)) return;
    typists.set(user, Date.now() + 5000);
    showTypists();
  });

  // --- presence ---------------------------------------------------------------------------------
  const presence = document.getElementById("presence");
  function setOnline(user, online) {
    const row = presence?.querySelector(`[data-user-id="${CSS.escape(user)}"]`);
    if (!row) return;
    row.classList.toggle("online", online);
    row.querySelector(".state").textContent = online ? words.online : "";
  }
  socket.addEventListener("presence", ({ detail: frame }) => {
    const everyone = frame.present || frame.users || frame.members || frame.data?.present;
    if (Array.isArray(everyone)) {
      const here = new Set(everyone.map((u) => (typeof u === "string" ? u : u.user_id || u.id)));
      presence?.querySelectorAll("[data-user-id]").forEach((row) => setOnline(row.dataset.userId, here.has(row.dataset.userId)));
    }
    const user = frame.user_id || frame.user;
    if (user) {
      const state = frame.state || frame.event || frame.status || "";
      setOnline(user, !["left", "leave", "offline", "away", "gone"].includes(state));
    }
  });
  socket.addEventListener("state", ({ detail: state }) => {
    if (state === "open") setOnline(config.me, true);
  });
  // Removed from this workspace meanwhile: the page is no longer yours to read.
  socket.addEventListener("forbidden", ({ detail: frame }) => {
    if (frame.stream === `workspace:${config.workspace_id}` || frame.stream === `thread:${config.thread_id}`) {
      location.reload();
    }
  });

  // --- editing and retracting ------------------------------------------------------------------
  list?.addEventListener("submit", (event) => {
    const formElement = event.target;
    const item = formElement.closest(".message");
    if (!item) return;
    event.preventDefault();
    const messageId = item.dataset.id;
    const button = formElement.querySelector("button[type=submit]");
    let request;
    if (formElement.classList.contains("edit-form")) {
      const text = formElement.querySelector("textarea").value.trim();
      if (!text) return;
      request = socket.command("message.edit", { message_id: messageId, text });
    } else {
      if (!window.confirm(words.confirm_retract)) return;
      request = socket.command("message.retract", { message_id: messageId });
    }
    button.disabled = true;
    formElement.querySelector(".failure")?.remove();
    request
      .then(() => {
        const details = item.querySelector(".message-actions");
        if (details) details.open = false;
      })
      .catch((error) => {
        const note = document.createElement("p");
        note.className = "failure";
        note.setAttribute("role", "alert");
        note.textContent = `${words.failed}${error.detail && error.code !== "timeout" ? ` (${error.detail})` : ""}`;
        formElement.append(note);
      })
      .finally(() => {
        button.disabled = false;
      });
  });
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
}
