/* The roster page: the upload shows its progress, then that the server is checking the file; the import shows
 * how many rows it has stored.
 *
 * Without JavaScript both forms post as usual. With it, the same POSTs go through XMLHttpRequest (fetch has no
 * upload progress); the answer is the page the form would have shown, and its <main> replaces this one. While
 * the import runs, the page polls `data-progress` (the rows the server has stored so far).
 */
(function () {
  "use strict";

  const POLL_MS = 1000;
  const number = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "id-ID");

  function setState(box, state) {
    box.hidden = false;
    box.dataset.state = state;
    for (const line of box.querySelectorAll("[data-when]")) line.hidden = line.dataset.when !== state;
  }

  function showProgress(box, fraction) {
    const percent = Math.floor(fraction * 100);
    box.querySelector("progress").value = percent;
    for (const p of box.querySelectorAll(".percent")) p.textContent = `${percent}%`;
  }

  /** Put the answer's page in place of this one, then wire its forms; false when there is no page to show. */
  function showAnswer(xhr, form) {
    const here = new URL(form.action, location.href).pathname;
    if (xhr.responseURL && new URL(xhr.responseURL).pathname !== here) {
      location.assign(xhr.responseURL); // e.g. the login page, when the session ended meanwhile
      return true;
    }
    const main = xhr.response && xhr.response.querySelector("main");
    if (!main) return false;
    document.querySelector("main").replaceWith(document.adoptNode(main));
    if (xhr.response.title) document.title = xhr.response.title;
    wire();
    const first = document.querySelector("main [role=alert], main .card h2");
    if (first) first.scrollIntoView({ block: "start" });
    return true;
  }

  /** POST the form's fields; the answer replaces the page, or the box says it failed. */
  function send(form, box, onStart) {
    const buttons = form.querySelectorAll("button");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    const failed = () => {
      setState(box, "failed");
      for (const b of buttons) b.disabled = false;
    };
    xhr.addEventListener("load", () => showAnswer(xhr, form) || failed());
    xhr.addEventListener("error", failed);
    for (const b of buttons) b.disabled = true;
    onStart(xhr);
    xhr.send(new FormData(form));
    return xhr;
  }

  function upload(form, box) {
    send(form, box, (xhr) => {
      xhr.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) showProgress(box, e.loaded / e.total);
      });
      xhr.upload.addEventListener("load", () => {
        showProgress(box, 1);
        box.querySelector("progress").removeAttribute("value"); // indeterminate: the check has no size
        setState(box, "processing");
      });
      showProgress(box, 0);
      setState(box, "uploading");
    });
  }

  function importing(form, box) {
    let timer = null;
    async function poll() {
      try {
        const resp = await fetch(form.dataset.progress, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const p = resp.ok ? await resp.json() : null;
        if (p && p.phase === "storing" && p.total > 0) {
          showProgress(box, p.done / p.total);
          box.querySelector(".rows").textContent = `${number.format(p.done)} / ${number.format(p.total)}`;
          setState(box, "storing");
        }
      } catch (_) {
        // the poll is only a courtesy: the import's own answer still comes
      }
      timer = setTimeout(poll, POLL_MS);
    }
    const xhr = send(form, box, () => setState(box, "checking"));
    xhr.addEventListener("loadend", () => clearTimeout(timer));
    timer = setTimeout(poll, POLL_MS);
  }

  function wire() {
    if (!("FormData" in window)) return;
    const pairs = [
      ["upload-form", "upload-progress", upload],
      ["import-form", "import-progress", importing],
    ];
    for (const [formId, boxId, handler] of pairs) {
      const form = document.getElementById(formId);
      const box = document.getElementById(boxId);
      if (!form || !box) continue;
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        handler(form, box);
      });
    }
  }

  wire();
})();
