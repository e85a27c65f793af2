/* What the moderators' pages share: JSON calls to the API with the session cookie and the CSRF header,
 * elements built from text (never HTML), numbers and times in the page's language. Exposed as
 * `window.eventopsApi` for the pages' own scripts.
 */
(function () {
  "use strict";

  function readCookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  class HttpError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  /** A client of one API prefix; `fallbackCsrf` is the page's token when the cookie is not readable. */
  function client(prefix, fallbackCsrf, onExpired) {
    async function call(path, options) {
      const resp = await fetch(prefix + path, {
        credentials: "same-origin",
        ...(options || {}),
        headers: { Accept: "application/json", ...((options && options.headers) || {}) },
      });
      let body = null;
      try {
        body = await resp.json();
      } catch (_) {
        body = null;
      }
      if (resp.status === 401 && onExpired) onExpired();
      if (!resp.ok) throw new HttpError(resp.status, body);
      return body;
    }

    function post(path, body) {
      const token = readCookie("eventops_csrf") || fallbackCsrf || "";
      return call(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
        body: JSON.stringify(body === undefined ? {} : body),
      });
    }

    return { call, post };
  }

  /** An element with a class and text (in the page's language: gettext from i18n.js). */
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** The page's language (the header's switch) as a locale for Intl. */
  const locale = document.documentElement.lang === "en" ? "en-GB" : "id-ID";
  const numberFormat = new Intl.NumberFormat(locale);

  /** A number as the page's language writes it; a dash for no number. */
  function num(value) {
    return typeof value === "number" ? numberFormat.format(value) : "–";
  }

  /** The hour and minute of an ISO time in the event's zone `tz` (the browser's when the zone is unknown). */
  function timeOf(iso, tz) {
    const d = new Date(iso);
    if (!iso || Number.isNaN(d.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: tz }).format(d);
    } catch (_) {
      return d.toLocaleTimeString();
    }
  }

  /** A JSON object the page put in a data attribute (`{}` when missing or unreadable). */
  function dataJson(node, key) {
    try {
      return JSON.parse(node.dataset[key] || "{}");
    } catch (_) {
      return {};
    }
  }

  window.eventopsApi = { client, el, HttpError, locale, num, timeOf, dataJson };
})();
