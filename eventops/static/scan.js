/* eventops scanner: camera (jsQR) and handheld scanning with an offline queue in IndexedDB.
 *
 * Every scan is written to the queue FIRST (with its scan_id and scanned_at made at reading time), then sent
 * by one sender that works through the queue in order. A network failure (fetch rejects, times out, or 5xx)
 * leaves the scan queued and shown as pending; the sender retries with the ORIGINAL scan_id, so the server
 * answers a retry with its first answer and never checks anyone in twice. Data shown on the page is hostile:
 * it goes through textContent only, never innerHTML.
 */
(function () {
  "use strict";

  const root = document.getElementById("scan-app");
  if (!root) return;

  const SETUP_KEY = "eventops.scan.setup";
  const CAMERA_KEY = "eventops.scan.camera";
  const DEBOUNCE_MS = 3000;
  const DECODE_EVERY_MS = 100;
  const RETRY_MS = 4000;
  const STATS_MS = 15000;
  const SEND_TIMEOUT_MS = 15000;
  const RECENT_MAX = 10;
  // Kept in the queue and retried: the session may come back (401/403) or the server is busy (408/429).
  const RETRY_STATUS = new Set([401, 403, 408, 425, 429]);
  const ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    setup: null, // {event, event_name, timezone, batch, batch_name, station}
    recent: [], // [{scan_id, label, kind, state, answer, at}]
    sending: false,
    again: false,
    shownScanId: null,
    lastScanId: null,
    statsTimer: 0,
  };

  /* ---------- small helpers ---------- */

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  // The page's language (the header's switch); gettext and fill come from i18n.js, the catalogue's messages.
  const EN = document.documentElement.lang === "en";

  /** The element, now showing `text`. */
  function showText(el, text) {
    el.textContent = text;
    return el;
  }

  function enc(value) {
    return encodeURIComponent(value);
  }

  function readCookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  function csrf() {
    return readCookie("eventops_csrf") || root.dataset.csrf || "";
  }

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // crypto.randomUUID needs a secure context; a venue laptop served over plain http on the LAN is not one.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Now as ISO 8601 with the device's own offset, e.g. 2023-08-21T08:12:03.120+08:00. */
  function isoNow() {
    const d = new Date();
    const pad = (n, w = 2) => String(Math.abs(n)).padStart(w, "0");
    const off = -d.getTimezoneOffset();
    return (
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
      `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
      `${off >= 0 ? "+" : "-"}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
    );
  }

  function timeZone() {
    return (state.setup && state.setup.timezone) || undefined;
  }

  /** A time or date in the event's zone (the device's zone may differ: a laptop set to UTC). */
  function format(iso, lang, options, tz) {
    const d = new Date(iso);
    if (!iso || Number.isNaN(d.getTime())) return "";
    try {
      return new Intl.DateTimeFormat(lang, { ...options, timeZone: tz || timeZone() }).format(d);
    } catch (_) {
      return new Intl.DateTimeFormat(lang, options).format(d);
    }
  }

  const HOUR = { hour: "2-digit", minute: "2-digit", hour12: false };
  const DAY = { weekday: "long", day: "numeric", month: "long", year: "numeric" };

  function timeId(iso, tz) {
    // Indonesian writes 08.12 WITA.
    const t = format(iso, "id-ID", HOUR, tz);
    return t ? `${t.replace(":", ".")} ${ZONES[tz || timeZone()] || ""}`.trim() : "";
  }

  function timeEn(iso, tz) {
    const t = format(iso, "en-GB", HOUR, tz);
    return t ? `${t} ${ZONES[tz || timeZone()] || ""}`.trim() : "";
  }

  /** A day as the page's language writes it: Senin, 21 Agustus 2023, or Monday, 21 August 2023. */
  function dayOf(iso, tz) {
    return format(iso, EN ? "en-GB" : "id-ID", DAY, tz);
  }

  /** A time of day as the page's language writes it: 08.12 WITA, or 08:12 WITA. */
  function timeOf(iso, tz) {
    return EN ? timeEn(iso, tz) : timeId(iso, tz);
  }

  function intId(n) {
    return typeof n === "number" ? n.toLocaleString(EN ? "en-GB" : "id-ID") : "–";
  }

  function apiBase(setup) {
    return `/api/v1/events/${enc(setup.event)}`;
  }

  function batchPath(suffix) {
    return `${apiBase(state.setup)}/batches/${enc(state.setup.batch)}${suffix}`;
  }

  async function getJSON(path) {
    const resp = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (resp.status === 401) showSessionLost();
    if (!resp.ok) {
      const err = new Error(`HTTP ${resp.status}`);
      err.status = resp.status;
      throw err;
    }
    return resp.json();
  }

  /* ---------- banner, network and session ---------- */

  /** A message above everything; a sticky one stays when the network comes back. */
  function showBanner(text, link, sticky = false) {
    const banner = $("banner");
    if (banner.dataset.sticky && !banner.hidden) return;
    banner.dataset.sticky = sticky ? "1" : "";
    showText(banner, text);
    if (link) {
      const a = node("a", "", link.text);
      a.href = link.href;
      banner.append(" ", a);
    }
    banner.hidden = false;
  }

  function hideBanner() {
    if (!$("banner").dataset.sticky) $("banner").hidden = true;
  }

  function showSessionLost() {
    showBanner(gettext("Session expired; queued scans are kept."),
      { text: gettext("Log in again"), href: "/login?next=/scan" },
    );
  }

  function setNetwork(up) {
    $("net").hidden = up && navigator.onLine !== false;
  }

  /* ---------- the queue (IndexedDB, or memory when it is unavailable) ---------- */

  const Queue = (() => {
    let opening = null;
    let memory = null;
    let memorySeq = 0;

    function open() {
      if (!opening) {
        opening = new Promise((resolve, reject) => {
          if (!window.indexedDB) {
            reject(new Error("no IndexedDB"));
            return;
          }
          const req = indexedDB.open("eventops-scanner", 1);
          req.onupgradeneeded = () => {
            req.result.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          };
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        }).catch(() => {
          memory = [];
          showBanner(gettext("Browser storage is unavailable: the queue is lost on reload."),
            null,
            true,
          );
          return null;
        });
      }
      return opening;
    }

    function run(db, mode, work, durability) {
      return new Promise((resolve, reject) => {
        const tx = durability ? db.transaction("queue", mode, { durability }) : db.transaction("queue", mode);
        let result;
        const req = work(tx.objectStore("queue"));
        req.onsuccess = () => {
          result = req.result;
        };
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    }

    return {
      /** Store an item durably; resolves once it is on disk. */
      async add(item) {
        const db = await open();
        if (!db) {
          item.seq = ++memorySeq;
          memory.push(item);
          return item;
        }
        item.seq = await run(db, "readwrite", (s) => s.add(item), "strict");
        return item;
      },
      async head() {
        const db = await open();
        if (!db) return memory[0] || null;
        const [first] = await run(db, "readonly", (s) => s.getAll(null, 1));
        return first || null;
      },
      async all() {
        const db = await open();
        if (!db) return memory.slice();
        return run(db, "readonly", (s) => s.getAll());
      },
      async remove(seq) {
        const db = await open();
        if (!db) {
          memory = memory.filter((item) => item.seq !== seq);
          return;
        }
        await run(db, "readwrite", (s) => s.delete(seq));
      },
    };
  })();

  /* ---------- feedback: sound and vibration ---------- */

  let audio = null;

  function unlockAudio() {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!audio && Ctx) audio = new Ctx();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (_) {
      audio = null;
    }
  }

  const TONES = {
    ok: { wave: "sine", notes: [[1046, 0, 0.14]], vibrate: [80] },
    duplicate: { wave: "triangle", notes: [[660, 0, 0.1], [660, 0.17, 0.1]], vibrate: [80, 60, 80] },
    bad: { wave: "square", notes: [[196, 0, 0.45]], vibrate: [350] },
    pending: { wave: "sine", notes: [[523, 0, 0.08]], vibrate: [40] },
  };

  function signal(kind) {
    const tone = TONES[kind];
    if (!tone) return;
    if (navigator.vibrate) {
      try {
        navigator.vibrate(tone.vibrate);
      } catch (_) {
        /* not allowed without a gesture: the colour still says it */
      }
    }
    if (!audio || audio.state !== "running") return;
    const t0 = audio.currentTime;
    for (const [freq, at, len] of tone.notes) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = tone.wave;
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + len);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + len + 0.02);
    }
  }

  /* ---------- what an answer means, in words ---------- */

  function describe(entry) {
    const a = entry.answer || {};
    const p = a.participant || null;
    const name = p ? p.name : entry.label;
    const who = p ? [p.agency, p.unit].filter(Boolean).join(" · ") : "";
    const nip = p && p.nip_masked ? `NIP ${p.nip_masked}` : "";
    switch (entry.state) {
      case "sending":
        return { cls: "sending", text: gettext("Sending…"), name, detail: [] };
      case "pending":
        return {
          cls: "pending",
          text: gettext("Pending"),
          name,
          detail: [gettext("Saved; sent when the network is back.")],
        };
      case "refused":
        return {
          cls: "refused",
          text: gettext("Refused"),
          name,
          detail: [[a.message || `HTTP ${entry.status}`, a.error ? `(${a.error})` : ""].filter(Boolean).join(" ")],
        };
      default:
        break;
    }
    switch (a.result) {
      case "ok": {
        // Registered for Zoom yet at the door: still let in, but said, so the desk can note it.
        const online = a.participant && a.participant.mode === "online";
        return {
          cls: "ok",
          text: entry.kind === "walk_in" ? gettext("Checked in (walk-in)") : gettext("Checked in"),
          name,
          detail: [...(online ? [gettext("Registered to attend online (Zoom), here in person")] : []), who, nip],
        };
      }
      case "duplicate": {
        // "sudah masuk 08.12 WITA di Gate 2": when and where the FIRST check-in was
        const first = a.checked_in_at;
        const at = first ? timeOf(first) : "";
        let text = gettext("Already checked in");
        if (at && a.station) text = fill(gettext("Already checked in %(time)s at %(station)s"), { time: at, station: a.station });
        else if (at) text = fill(gettext("Already checked in %(time)s"), { time: at });
        return { cls: "duplicate", text, name, detail: [who] };
      }
      case "wrong_batch": {
        const b = a.expected_batch || {};
        return {
          cls: "wrong_batch",
          text: gettext("Wrong batch"),
          name,
          detail: [
            fill(gettext("Registered for batch %(batch)s: %(day)s %(time)s"), {
              batch: `${b.code || "?"}${b.name ? ` (${b.name})` : ""}`,
              day: dayOf(b.starts_at),
              time: timeOf(b.starts_at),
            }),
            who,
          ],
        };
      }
      case "unknown":
        return {
          cls: "unknown",
          text: gettext("Unknown pass"),
          name: "",
          detail: [gettext("Find the participant by NIP or name.")],
        };
      case "revoked":
        return {
          cls: "revoked",
          text: gettext("Pass revoked"),
          name,
          detail: [gettext("Ask the organisers for a new pass."), who],
        };
      default:
        return { cls: "refused", text: gettext("Unexpected answer"), name, detail: [] };
    }
  }

  function showEntry(entry) {
    const d = describe(entry);
    const panel = $("result");
    panel.className = `result ${d.cls}`;
    panel.dataset.result = d.cls;
    panel.dataset.scanId = entry.scan_id;
    showText($("result-title"), d.text);
    $("result-name").textContent = d.name || "";
    const detail = $("result-detail");
    detail.replaceChildren();
    for (const line of d.detail) {
      if (line) detail.append(showText(node("div"), line));
    }
    state.shownScanId = entry.scan_id;
  }

  function renderRecent() {
    const list = $("recent");
    list.replaceChildren(
      ...state.recent.map((entry) => {
        const d = describe(entry);
        const li = node("li", `r-${d.cls}`);
        li.dataset.scanId = entry.scan_id;
        li.dataset.result = d.cls;
        li.append(node("span", "r-time", timeOf(entry.at)));
        li.append(showText(node("span", "r-status"), d.text));
        li.append(node("span", "r-name", d.name || ""));
        return li;
      }),
    );
    $("recent-empty").hidden = state.recent.length > 0;
  }

  function remember(entry) {
    const i = state.recent.findIndex((e) => e.scan_id === entry.scan_id);
    if (i >= 0) state.recent[i] = entry;
    else state.recent.unshift(entry);
    state.recent.length = Math.min(state.recent.length, RECENT_MAX);
    renderRecent();
  }

  /** Add entries the list does not have yet (queued or stored scans), newest first. */
  function merge(entries) {
    const known = new Set(state.recent.map((e) => e.scan_id));
    state.recent.push(...entries.filter((e) => !known.has(e.scan_id)));
    state.recent.sort((x, y) => (Date.parse(y.at) || 0) - (Date.parse(x.at) || 0));
    state.recent.length = Math.min(state.recent.length, RECENT_MAX);
    renderRecent();
  }

  /** The station's latest stored scans, so that a reload or a phone swap keeps the list. */
  async function loadHistory() {
    const setup = state.setup;
    state.recent = state.recent.filter((e) => e.state === "pending" || e.state === "sending");
    renderRecent();
    try {
      const data = await getJSON(`${batchPath("/scans")}?station=${enc(setup.station)}&limit=${RECENT_MAX}`);
      if (state.setup !== setup) return;
      merge(
        (data.scans || []).map((scan) => ({
          scan_id: scan.scan_id,
          label: scan.name || "",
          kind: scan.method,
          at: scan.scanned_at,
          state: "answered",
          answer: { result: scan.result, participant: scan.name ? { name: scan.name } : null },
        })),
      );
    } catch (_) {
      /* offline: the list starts with the queued scans only */
    }
  }

  function entryOf(item) {
    return state.recent.find((e) => e.scan_id === item.scan_id) || {
      scan_id: item.scan_id,
      label: item.label,
      kind: item.kind,
      at: item.body.scanned_at,
      state: "pending",
      answer: null,
    };
  }

  /* ---------- sending ---------- */

  async function submit(kind, path, body, label) {
    const item = { kind, path, body, label, scan_id: body.scan_id };
    try {
      await Queue.add(item); // on disk before anything is sent
    } catch (err) {
      const message = gettext("Could not be saved on this device; retry.");
      showEntry({ scan_id: item.scan_id, label, kind, state: "refused", status: 0, answer: { message } });
      signal("bad");
      return;
    }
    const entry = { scan_id: item.scan_id, label, kind, at: body.scanned_at, state: "sending", answer: null };
    state.lastScanId = item.scan_id;
    remember(entry);
    showEntry(entry);
    pump();
  }

  async function send(item) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    let resp;
    try {
      resp = await fetch(item.path, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        signal: abort.signal,
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify(item.body),
      });
    } catch (_) {
      setNetwork(false);
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (resp.status >= 500 || RETRY_STATUS.has(resp.status)) {
      setNetwork(true);
      if (resp.status === 401 || resp.status === 403) showSessionLost();
      else showBanner(gettext("Server busy or failing; retrying."));
      return false;
    }
    setNetwork(true);
    hideBanner();
    let data = null;
    try {
      data = await resp.json();
    } catch (_) {
      data = null;
    }
    await Queue.remove(item.seq);
    const entry = entryOf(item);
    if (resp.ok && data && typeof data.result === "string") {
      Object.assign(entry, { state: "answered", answer: data });
    } else {
      Object.assign(entry, { state: "refused", answer: data || {}, status: resp.status });
    }
    remember(entry);
    showEntry(entry);
    if (item.scan_id === state.lastScanId) {
      const d = describe(entry);
      signal(d.cls === "ok" ? "ok" : d.cls === "duplicate" ? "duplicate" : "bad");
    }
    scheduleStats(300);
    return true;
  }

  /** Send the queue in order; stop at the first network failure and leave the rest for the next try. */
  async function pump() {
    if (state.sending) {
      state.again = true;
      return;
    }
    state.sending = true;
    state.again = false;
    let failed = false;
    try {
      for (;;) {
        const item = await Queue.head();
        if (!item) break;
        if (!(await send(item))) {
          failed = true;
          break;
        }
      }
    } catch (err) {
      failed = true;
      console.error("scanner queue", err);
    } finally {
      state.sending = false;
    }
    await showPending(failed);
    if (state.again && !failed) pump();
  }

  /** Update the pending count; after a failed send, show the scans still queued as pending. */
  async function showPending(failed) {
    const items = await Queue.all();
    $("pending-count").textContent = String(items.length);
    $("pending").hidden = items.length === 0;
    if (!failed) return;
    const queued = new Set(items.map((item) => item.scan_id));
    for (const entry of state.recent) {
      if (entry.state !== "sending" || !queued.has(entry.scan_id)) continue;
      entry.state = "pending";
      if (state.shownScanId === entry.scan_id) showEntry(entry);
      if (entry.scan_id === state.lastScanId) signal("pending");
    }
    renderRecent();
  }

  /* ---------- stats ---------- */

  function scheduleStats(delay) {
    clearTimeout(state.statsTimer);
    state.statsTimer = setTimeout(refreshStats, delay);
  }

  async function refreshStats() {
    if (!state.setup) return;
    try {
      const s = await getJSON(batchPath("/checkins/stats"));
      $("count-in").textContent = intId(s.checked_in);
      // one meaning everywhere (the dashboard too): checked in at the venue / expected in person
      $("count-expected").textContent = intId(s.expected_offline);
      const walkins = $("count-walkins");
      walkins.hidden = !s.walk_ins;
      walkins.textContent = s.walk_ins ? `+ ${intId(s.walk_ins)} walk-in` : "";
    } catch (_) {
      /* offline or not yet available: keep the last figures */
    }
  }

  /* ---------- scanning ---------- */

  function scanCode(raw) {
    const token = raw.trim().slice(0, 500);
    if (!token || !state.setup) return;
    const tail = token.split("/").filter(Boolean).pop() || token;
    submit("scan", batchPath("/scans"), {
      token,
      scan_id: uuid(),
      station: state.setup.station,
      scanned_at: isoNow(),
    }, `Kartu …${tail.slice(-6)}`);
  }

  const cam = {
    stream: null,
    starting: false,
    raf: 0,
    last: "", // the last code read, and when: the debounce
    lastAt: 0,
    lastDecode: 0,
    canvas: null,
    ctx: null,
  };

  function cameraError(text) {
    const el = $("camera-error");
    showText(el, text);
    el.hidden = false;
  }

  async function startCamera() {
    $("camera-error").hidden = true;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraError(gettext("The camera needs HTTPS (or localhost); use a handheld scanner."));
      return;
    }
    if (typeof window.jsQR !== "function") {
      cameraError(gettext("The QR decoder did not load."));
      return;
    }
    if (cam.stream || cam.starting) return;
    cam.starting = true;
    try {
      cam.stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (err) {
      cameraError(fill(gettext("The camera could not be opened (%(reason)s)."), { reason: err.name }));
      return;
    } finally {
      cam.starting = false;
    }
    const video = $("camera-video");
    video.srcObject = cam.stream;
    video.hidden = false;
    try {
      await video.play();
    } catch (_) {
      /* muted inline video plays without a gesture; if not, frames still arrive */
    }
    cam.canvas = cam.canvas || document.createElement("canvas");
    cam.ctx = cam.ctx || cam.canvas.getContext("2d", { willReadFrequently: true });
    localStorage.setItem(CAMERA_KEY, "on");
    showText($("camera-toggle"), gettext("Camera off"));
    cam.raf = requestAnimationFrame(tick);
  }

  function stopCamera(keepChoice = true) {
    cancelAnimationFrame(cam.raf);
    cam.raf = 0;
    if (cam.stream) cam.stream.getTracks().forEach((t) => t.stop());
    cam.stream = null;
    const video = $("camera-video");
    video.srcObject = null;
    video.hidden = true;
    if (keepChoice) localStorage.setItem(CAMERA_KEY, "off");
    showText($("camera-toggle"), gettext("Camera"));
  }

  function tick(now) {
    cam.raf = requestAnimationFrame(tick);
    const video = $("camera-video");
    if (video.readyState < 2 || now - cam.lastDecode < DECODE_EVERY_MS) return;
    cam.lastDecode = now;
    const w = video.videoWidth;
    const h = video.videoHeight;
    if (!w || !h) return;
    const scale = Math.min(1, 640 / Math.max(w, h));
    const cw = Math.round(w * scale);
    const ch = Math.round(h * scale);
    if (cam.canvas.width !== cw || cam.canvas.height !== ch) {
      cam.canvas.width = cw;
      cam.canvas.height = ch;
    }
    cam.ctx.drawImage(video, 0, 0, cw, ch);
    const found = window.jsQR(cam.ctx.getImageData(0, 0, cw, ch).data, cw, ch, {
      inversionAttempts: "dontInvert",
    });
    if (!found || !found.data) return;
    const code = found.data.trim();
    const t = Date.now();
    // A pass held in front of the camera is read many times a second: act once, then again only after it
    // has been out of sight for DEBOUNCE_MS.
    const repeat = code === cam.last && t - cam.lastAt < DEBOUNCE_MS;
    cam.last = code;
    cam.lastAt = t;
    if (!repeat) scanCode(code);
  }

  /* ---------- manual search and walk-ins ---------- */

  /** The reference a manual check-in sends: the participant's id (staff see NIPs masked), else a full NIP. */
  function reference(person) {
    if (Number.isInteger(person.id)) return { participant_id: person.id };
    if (/^\d{18}$/.test(person.nip || "")) return { participant_nip: person.nip };
    return null;
  }

  function resultItem(person) {
    const li = node("li");
    li.append(node("strong", "", person.name));
    li.append(node("div", "muted", [person.agency, person.unit].filter(Boolean).join(" · ")));
    const nip = person.nip ? `NIP ${person.nip}` : gettext("no NIP");
    const meta = node("div", "", `${nip} · ${person.batch}`);
    const otherBatch = person.batch !== state.setup.batch;
    if (otherBatch) {
      meta.append(" ", showText(node("span", "tag"), gettext("other batch")));
    }
    if (person.checked_in_at) {
      const at = timeOf(person.checked_in_at, state.setup.timezone);
      meta.append(" ", showText(node("span", "tag done-tag"), fill(gettext("already checked in %(time)s"), { time: at })));
    }
    li.append(meta);
    li.dataset.batch = person.batch;
    li.dataset.checkedIn = person.checked_in_at ? "yes" : "no";
    // Only the batch's own people, not yet in: anyone else would only earn a "Salah kelompok" or "Sudah masuk".
    if (otherBatch || person.checked_in_at) return li;
    const ref = reference(person);
    const button = showText(node("button", "secondary"), gettext("Check in"));
    button.type = "button";
    button.disabled = !ref;
    button.addEventListener("click", () => {
      button.disabled = true;
      li.classList.add("done");
      submit("manual", batchPath("/checkins"), {
        ...ref,
        scan_id: uuid(),
        station: state.setup.station,
        scanned_at: isoNow(),
      }, person.name);
    });
    li.append(button);
    return li;
  }

  async function search(query) {
    const status = $("search-status");
    const list = $("search-results");
    list.replaceChildren();
    showText(status, gettext("Searching…"));
    status.hidden = false;
    try {
      const data = await getJSON(`${apiBase(state.setup)}/participants?limit=20&q=${enc(query)}`);
      const found = data.participants || [];
      if (!found.length) showText(status, gettext("Nobody found."));
      else status.hidden = true;
      list.replaceChildren(...found.map(resultItem));
    } catch (err) {
      showText(status, gettext("The search failed (network?)."));
    }
  }

  function walkIn(form) {
    const body = { scan_id: uuid(), station: state.setup.station, scanned_at: isoNow() };
    for (const field of ["name", "agency", "unit", "nip", "phone", "email"]) {
      const value = form.elements[field].value.trim();
      if (value) body[field] = value;
    }
    submit("walk_in", batchPath("/walkins"), body, body.name);
    form.reset();
    $("walkin").open = false;
  }

  /* ---------- set-up: event, batch, station ---------- */

  function loadSetup() {
    try {
      const s = JSON.parse(localStorage.getItem(SETUP_KEY) || "null");
      return s && s.event && s.batch && s.station ? s : null;
    } catch (_) {
      return null;
    }
  }

  function batchLabel(b, tz) {
    const day = format(b.starts_at, EN ? "en-GB" : "id-ID", { day: "numeric", month: "short" }, tz);
    return `${b.code} · ${day} ${timeOf(b.starts_at, tz)} · ${b.name}`;
  }

  async function fillBatches(slug, wanted) {
    const select = $("setup-batch");
    select.replaceChildren();
    if (!slug) return null;
    const event = await getJSON(`/api/v1/events/${enc(slug)}`);
    for (const b of event.batches || []) {
      const option = node("option", "", batchLabel(b, event.timezone));
      option.value = b.code;
      select.append(option);
    }
    const batches = event.batches || [];
    const now = Date.now();
    // the remembered batch, else the first one not yet over (batches come in time order)
    const next = batches.find((b) => b.code === wanted) || batches.find((b) => Date.parse(b.ends_at) > now);
    if (next) select.value = next.code;
    return event;
  }

  async function showSetup(asked) {
    stopCamera(false);
    $("scanner").hidden = true;
    $("setup").hidden = false;
    const previous = { ...(state.setup || loadSetup() || {}), ...(asked || {}) };
    $("setup-station").value = previous.station || "";
    const error = $("setup-error");
    error.hidden = true;
    try {
      const data = await getJSON("/api/v1/events");
      const select = $("setup-event");
      select.replaceChildren(
        ...(data.events || []).map((e) => {
          const option = node("option", "", e.name);
          option.value = e.slug;
          return option;
        }),
      );
      if ((data.events || []).some((e) => e.slug === previous.event)) select.value = previous.event;
      await fillBatches(select.value, previous.batch);
    } catch (_) {
      showText(error, gettext("The events could not be loaded."));
      error.hidden = false;
    }
  }

  async function startFromForm() {
    const slug = $("setup-event").value;
    const code = $("setup-batch").value;
    const station = $("setup-station").value.trim();
    if (!slug || !code || !station) return;
    let event;
    try {
      event = await getJSON(`/api/v1/events/${enc(slug)}`);
    } catch (_) {
      const error = $("setup-error");
      showText(error, gettext("The event could not be loaded."));
      error.hidden = false;
      return;
    }
    const batch = (event.batches || []).find((b) => b.code === code);
    state.setup = {
      event: slug,
      event_name: event.name,
      timezone: event.timezone,
      batch: code,
      batch_name: batch ? batch.name : code,
      station: station.slice(0, 64),
    };
    localStorage.setItem(SETUP_KEY, JSON.stringify(state.setup));
    showScanner();
  }

  function showScanner() {
    const s = state.setup;
    $("setup").hidden = true;
    $("scanner").hidden = false;
    $("bar-batch").textContent = `${s.batch} · ${s.batch_name}`;
    $("bar-event").textContent = s.event_name;
    $("bar-station").textContent = s.station;
    $("count-in").textContent = "–";
    $("count-expected").textContent = "–";
    refreshStats();
    loadHistory();
    if (localStorage.getItem(CAMERA_KEY) === "on") startCamera();
    else focusCode();
  }

  /* ---------- keeping the handheld scanner's input focused ---------- */

  function typing(el) {
    return el && (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable);
  }

  function focusCode() {
    // On a touch screen a focused input opens the on-screen keyboard over the result: wait for a key instead.
    if ($("scanner").hidden || window.matchMedia("(pointer: coarse)").matches) return;
    if (typing(document.activeElement) && document.activeElement !== $("code")) return;
    $("code").focus({ preventScroll: true });
  }

  document.addEventListener("keydown", (e) => {
    unlockAudio();
    if ($("scanner").hidden || e.ctrlKey || e.metaKey || e.altKey || typing(document.activeElement)) return;
    // A keyboard-wedge scanner types into whatever has focus: send its characters to the code input.
    if (e.key.length === 1) $("code").focus({ preventScroll: true });
  }, true);
  document.addEventListener("pointerdown", unlockAudio, true);

  /* ---------- wiring ---------- */

  $("setup-event").addEventListener("change", () => {
    fillBatches($("setup-event").value, null).catch(() => undefined);
  });
  $("setup-form").addEventListener("submit", (e) => {
    e.preventDefault();
    startFromForm();
  });
  $("change-setup").addEventListener("click", () => {
    showSetup();
  });
  $("code-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = $("code");
    const value = input.value;
    input.value = "";
    scanCode(value);
    input.focus({ preventScroll: true });
  });
  $("camera-toggle").addEventListener("click", () => {
    if (cam.stream) stopCamera();
    else startCamera();
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("search-q").value.trim();
    if (q) search(q);
  });
  $("walkin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    walkIn(e.target);
  });

  window.addEventListener("online", () => {
    setNetwork(true);
    pump();
    refreshStats();
  });
  window.addEventListener("offline", () => setNetwork(false));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      pump();
      refreshStats();
    }
  });
  setInterval(() => {
    if (!state.sending) pump();
  }, RETRY_MS);
  setInterval(() => {
    if (document.visibilityState === "visible") refreshStats();
  }, STATS_MS);

  async function restoreQueue() {
    // Scans queued before a reload are still on disk: list them as pending, then try to send them.
    const items = await Queue.all();
    merge(
      items.slice(-RECENT_MAX).map((item) => ({
        scan_id: item.scan_id,
        label: item.label,
        kind: item.kind,
        at: item.body.scanned_at,
        state: "pending",
        answer: null,
      })),
    );
    $("pending-count").textContent = String(items.length);
    $("pending").hidden = items.length === 0;
  }

  setNetwork(true);
  state.setup = loadSetup();
  restoreQueue().then(() => pump());
  // A link from a batch (/scan?event=…&batch=…) picks that batch; the station stays the remembered one.
  const params = new URLSearchParams(window.location.search);
  const asked = { event: params.get("event") || "", batch: params.get("batch") || "" };
  const askedOther = asked.event && asked.batch &&
    !(state.setup && state.setup.event === asked.event && state.setup.batch === asked.batch);
  if (askedOther) showSetup(asked);
  else if (state.setup) showScanner();
  else showSetup();
})();
