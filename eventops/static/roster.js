/* The roster page: the upload form sends the file with a progress bar, then says the server is checking it.
 *
 * Without JavaScript the form posts as usual. With it, the same POST goes through XMLHttpRequest (fetch has no
 * upload progress); the answer is the same page the form would have shown, and its <main> replaces this one.
 * A form marked `data-busy` (the import) shows its busy line while the server works on the submitted form.
 */
(function () {
  "use strict";

  function setState(box, state) {
    box.hidden = false;
    box.dataset.state = state;
    box.querySelector(".upload-sending").hidden = state !== "uploading";
    box.querySelector(".upload-processing").hidden = state !== "processing";
    box.querySelector(".upload-failed").hidden = state !== "failed";
  }

  function showProgress(box, fraction) {
    const percent = Math.floor(fraction * 100);
    const bar = box.querySelector("progress");
    bar.value = percent;
    box.querySelector(".upload-percent").textContent = `${percent}%`;
  }

  /** Put the answer's page in place of this one, then wire its forms again. */
  function showAnswer(xhr, form) {
    const doc = xhr.response;
    const main = doc && doc.querySelector("main");
    const here = new URL(form.action, location.href).pathname;
    if (xhr.responseURL && new URL(xhr.responseURL).pathname !== here) {
      location.assign(xhr.responseURL); // e.g. the login page, when the session ended meanwhile
      return false;
    }
    if (!main) return false;
    document.querySelector("main").replaceWith(document.adoptNode(main));
    if (doc.title) document.title = doc.title;
    wire();
    const first = document.querySelector("main [role=alert], main h2");
    if (first) first.scrollIntoView({ block: "start" });
    return true;
  }

  function upload(form, box) {
    const button = form.querySelector("button[type=submit]");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.responseType = "document";
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) showProgress(box, e.loaded / e.total);
    });
    xhr.upload.addEventListener("load", () => {
      showProgress(box, 1);
      box.querySelector("progress").removeAttribute("value"); // indeterminate: the server's part has no size
      setState(box, "processing");
    });
    xhr.addEventListener("load", () => {
      if (!showAnswer(xhr, form)) {
        setState(box, "failed");
        button.disabled = false;
      }
    });
    xhr.addEventListener("error", () => {
      setState(box, "failed");
      button.disabled = false;
    });
    button.disabled = true;
    showProgress(box, 0);
    setState(box, "uploading");
    xhr.send(new FormData(form));
  }

  function wire() {
    const form = document.getElementById("upload-form");
    const box = document.getElementById("upload-progress");
    if (form && box && "FormData" in window) {
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        upload(form, box);
      });
    }
    for (const busy of document.querySelectorAll("form[data-busy]")) {
      busy.addEventListener("submit", () => {
        const line = document.getElementById(busy.dataset.busy);
        if (line) line.hidden = false;
        // disabled after this task, so the browser still sends the form the button belongs to
        setTimeout(() => {
          for (const b of busy.querySelectorAll("button")) b.disabled = true;
        });
      });
    }
  }

  wire();
})();
