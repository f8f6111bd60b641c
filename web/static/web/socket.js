// The one live connection of a page: /ws/ (docs/protocol.md).
//
// - Subscribes to streams ("thread:<id>", "workspace:<id>", "feed:all"...) from a
//   position; items arrive in global order and are deduplicated by position.
// - Reconnects by itself with growing, jittered delays, and resubscribes each
//   stream from the last position it delivered: nothing is missed, nothing doubled.
// - Commands carry a client id; they wait while the socket is down and are sent
//   again on reconnect with the same id (the server runs a command id once).
// - Shows a visible "reconnecting" banner (#connection-status) while down.

const MIN_DELAY = 500;
const MAX_DELAY = 10000;
const BANNER_GRACE = 800;
const COMMAND_TIMEOUT = 20000;

export function newId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/`;
}

export class CommandError extends Error {
  constructor(frame) {
    super(frame.detail || frame.code || "error");
    this.code = frame.code;
    this.detail = frame.detail;
    this.errors = frame.errors || {};
  }
}

export class LiveSocket extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.streams = new Map(); // stream -> { last, onItem, subscribed }
    this.commands = new Map(); // id -> { frame, resolve, reject, timer }
    this.state = "idle";
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.everOpened = false;
    window.addEventListener("online", () => this.reconnectSoon(0));
    window.addEventListener("offline", () => this.socket?.close());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.state !== "open") this.reconnectSoon(0);
    });
  }

  // --- streams -----------------------------------------------------------------------

  subscribe(stream, after, onItem) {
    this.streams.set(stream, { last: after ?? null, onItem, subscribed: false });
    if (this.state === "open") this.sendSubscribe(stream);
    else this.connect();
  }

  unsubscribe(stream) {
    this.streams.delete(stream);
    this.send({ type: "unsubscribe", stream });
  }

  position(stream) {
    return this.streams.get(stream)?.last ?? null;
  }

  sendSubscribe(stream) {
    const entry = this.streams.get(stream);
    if (!entry) return;
    entry.subscribed = false;
    this.send({ type: "subscribe", stream, after: entry.last });
  }

  deliver(frame) {
    const entry = this.streams.get(frame.stream);
    if (!entry) return;
    if (entry.last !== null && frame.position <= entry.last) return; // seen already
    entry.last = frame.position;
    try {
      entry.onItem(frame);
    } catch (error) {
      console.error("live item handler failed", error);
    }
  }

  // --- commands ----------------------------------------------------------------------

  command(name, args, id = newId()) {
    return new Promise((resolve, reject) => {
      const frame = { type: "command", id, name, args };
      const timer = setTimeout(() => {
        this.commands.delete(id);
        reject(new CommandError({ code: "timeout", detail: "timeout" }));
      }, COMMAND_TIMEOUT);
      this.commands.set(id, { frame, resolve, reject, timer });
      if (this.state === "open") this.send(frame);
      else this.connect();
    });
  }

  // Ephemeral frames (typing): sent only while connected, never queued.
  ephemeral(frame) {
    if (this.state === "open") this.send(frame);
  }

  settle(frame, ok) {
    const waiting = this.commands.get(frame.id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.commands.delete(frame.id);
    if (ok) waiting.resolve(frame);
    else waiting.reject(new CommandError(frame));
  }

  // --- the connection ------------------------------------------------------------------

  connect() {
    if (this.socket && (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)) return;
    clearTimeout(this.timer);
    if (navigator.onLine === false) this.setState("offline");
    else this.setState(this.everOpened ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.reconnectSoon();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.socket) return;
      this.attempt = 0;
      this.everOpened = true;
      this.setState("open");
      for (const stream of this.streams.keys()) this.sendSubscribe(stream);
      for (const waiting of this.commands.values()) this.send(waiting.frame);
    });
    socket.addEventListener("message", (message) => {
      if (socket !== this.socket) return;
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      this.receive(frame);
    });
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
    });
    socket.addEventListener("close", () => {
      if (socket !== this.socket) return;
      this.socket = null;
      if (!opened && navigator.onLine !== false) {
        this.failures = (this.failures || 0) + 1;
        // A refused handshake looks like any failure to a page (1006): after a few,
        // check whether the session is still there, and go to sign-in if it is not.
        if (this.failures === 5) this.checkSession();
      }
      this.reconnectSoon();
    });
    socket.addEventListener("error", () => socket.close());
  }

  receive(frame) {
    switch (frame.type) {
      case "event":
        this.deliver(frame);
        break;
      case "subscribed": {
        const entry = this.streams.get(frame.stream);
        if (entry) {
          entry.subscribed = true;
          if (entry.last === null) entry.last = frame.position ?? 0;
        }
        this.dispatchEvent(new CustomEvent("subscribed", { detail: frame }));
        break;
      }
      case "ack":
        this.settle(frame, true);
        break;
      case "error":
        if (frame.id && this.commands.has(frame.id)) this.settle(frame, false);
        else if (frame.stream && this.streams.has(frame.stream)) this.dispatchEvent(new CustomEvent("stream-error", { detail: frame }));
        break;
      case "welcome":
        this.failures = 0;
        this.dispatchEvent(new CustomEvent("welcome", { detail: frame }));
        break;
      case "unsubscribed":
        // Access was lost (removed from a workspace): do not ask for this stream again.
        if (frame.reason === "forbidden") {
          this.streams.delete(frame.stream);
          this.dispatchEvent(new CustomEvent("forbidden", { detail: frame }));
        }
        break;
      case "overflow":
      case "resubscribe":
      case "reset":
        // The server dropped items for this socket: ask again from the last one we have.
        if (frame.stream) this.sendSubscribe(frame.stream);
        else for (const stream of this.streams.keys()) this.sendSubscribe(stream);
        break;
      default:
        // presence, typing and other ephemeral frames
        this.dispatchEvent(new CustomEvent(frame.type || "frame", { detail: frame }));
    }
  }

  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  reconnectSoon(delay) {
    clearTimeout(this.timer);
    if (delay === undefined) {
      const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** this.attempt);
      delay = base / 2 + Math.random() * (base / 2);
      this.attempt += 1;
    }
    this.setState(navigator.onLine === false ? "offline" : this.everOpened ? "reconnecting" : "connecting");
    this.timer = setTimeout(() => this.connect(), delay);
  }

  checkSession() {
    fetch(location.href, { method: "HEAD", credentials: "same-origin", redirect: "follow" })
      .then((response) => {
        if (response.redirected && new URL(response.url).pathname.startsWith("/signin/")) location.reload();
      })
      .catch(() => {});
  }

  // Tests and the network emulation use this to cut the line, as a network failure would.
  drop() {
    this.socket?.close();
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }
}

// --- the banner --------------------------------------------------------------------------

function showState(banner, socket) {
  let graceTimer = null;
  let hideTimer = null;
  let shown = false;
  const indicators = () => document.querySelectorAll("[data-live-indicator]");
  const paint = (state) => {
    banner.classList.remove("ok");
    banner.replaceChildren();
    const spinner = document.createElement("span");
    spinner.className = "spinner";
    spinner.setAttribute("aria-hidden", "true");
    banner.append(spinner, state === "offline" ? banner.dataset.offline : banner.dataset.reconnecting);
    banner.hidden = false;
    shown = true;
  };
  socket.addEventListener("state", ({ detail: state }) => {
    indicators().forEach((el) => el.classList.toggle("off", state !== "open"));
    document.documentElement.dataset.live = state;
    if (state === "open") {
      clearTimeout(graceTimer);
      graceTimer = null;
      if (shown) {
        banner.classList.add("ok");
        banner.textContent = banner.dataset.connected;
        clearTimeout(hideTimer);
        hideTimer = setTimeout(() => {
          banner.hidden = true;
          shown = false;
        }, 2500);
      }
      return;
    }
    if (state === "connecting") return;
    clearTimeout(hideTimer);
    // Down: show the banner after a short grace (a blink is not worth a banner),
    // and keep it, updated, while attempts come and go.
    if (shown) paint(state);
    else if (!graceTimer) {
      graceTimer = setTimeout(() => {
        graceTimer = null;
        if (socket.state !== "open") paint(socket.state);
      }, BANNER_GRACE);
    }
  });
}

let shared = null;

// The page's one socket.
export function liveSocket() {
  if (!shared) {
    shared = new LiveSocket();
    const banner = document.getElementById("connection-status");
    if (banner) showState(banner, shared);
    window.tawasulSocket = shared;
  }
  return shared;
}
