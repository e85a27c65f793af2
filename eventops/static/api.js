/* What the moderators' pages share: JSON calls to the API with the session cookie and the CSRF header, and
 * elements built from text (never HTML). Exposed as `window.eventopsApi` for the pages' own scripts.
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

  window.eventopsApi = { client, el, HttpError };
})();
