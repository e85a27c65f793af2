/* The moderators' stream page, kept current from the batch's Server-Sent Events stream.
 *
 * The server renders every part; on a change this script fetches the page again and swaps in the parts
 * marked data-live-part (never the form being typed in), at most once a second. While the stream is down
 * it refreshes every 30 s, as the page used to by reloading itself.
 */
(function () {
  "use strict";

  const root = document.getElementById("stream-page");
  if (!root) return;
  const API = root.dataset.api;
  const MIN_MS = 1000;
  const POLL_MS = 30000;
  const status = document.getElementById("live-status");

  // gettext comes from i18n.js: the page's language, from the catalogue.
  function say(text) {
    status.textContent = text;
  }

  function readCookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  let last = 0;
  let timer = null;
  let busy = false;

  async function refresh() {
    timer = null;
    if (busy) return schedule();
    busy = true;
    last = Date.now();
    try {
      const resp = await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const fresh = new DOMParser().parseFromString(await resp.text(), "text/html");
      for (const part of document.querySelectorAll("[data-live-part]")) {
        const next = fresh.getElementById(part.id);
        if (next) part.replaceWith(document.importNode(next, true));
      }
      root.dataset.refreshed = String(Number(root.dataset.refreshed || 0) + 1);
    } catch (_) {
      say(gettext("Refresh failed"));
    } finally {
      busy = false;
    }
  }

  function schedule() {
    if (timer) return;
    timer = setTimeout(refresh, Math.max(0, last + MIN_MS - Date.now()));
  }

  function setLive(state) {
    root.dataset.live = state;
    if (state === "open") say(gettext("● Live"));
    else say(gettext("Stream down: updating every 30 s"));
  }

  const KINDS = ["checkpoint", "checkpoint_submission", "youtube_viewers", "youtube_state", "youtube_chat"];

  function connect() {
    if (!("EventSource" in window)) return setLive("polling");
    const source = new EventSource(`${API}/live`, { withCredentials: true });
    source.addEventListener("hello", () => setLive("open"));
    for (const kind of KINDS) source.addEventListener(kind, schedule);
    source.onerror = () => {
      setLive("polling");
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, POLL_MS);
    };
  }

  setInterval(() => {
    if (root.dataset.live !== "open" && !document.hidden) schedule();
  }, POLL_MS);

  for (const button of document.querySelectorAll(".actions button[data-action]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await fetch(`${button.parentElement.dataset.api}/${button.dataset.action}`, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRF-Token": readCookie("eventops_csrf") || root.dataset.csrf || "" },
        });
      } finally {
        button.disabled = false;
        schedule();
      }
    });
  }

  connect();
})();
