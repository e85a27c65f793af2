/* The scripts' messages in the page's language. The page renders them from the gettext catalogue into
 * <script type="application/json" id="i18n"> (data, not code: the Content-Security-Policy allows only our
 * files to run): English msgid → translation. `make messages` finds each gettext("…") in eventops/static/*.js.
 */
(function () {
  "use strict";

  let messages = {};
  try {
    const block = document.getElementById("i18n");
    messages = block ? JSON.parse(block.textContent) : {};
  } catch (_) {
    messages = {};
  }

  /** The message in the page's language (the English msgid when the catalogue has no other). */
  window.gettext = function gettext(msgid) {
    return Object.prototype.hasOwnProperty.call(messages, msgid) ? messages[msgid] : msgid;
  };

  /** `%(name)s` in a translated message filled from `values`, as Python's gettext does. */
  window.fill = function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
  };
})();
