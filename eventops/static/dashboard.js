/* The moderators' dashboard: counters per channel, the recap and the review queue of one batch.
 *
 * Live from the batch's Server-Sent Events stream (each change marks parts of the page stale; each part is
 * refetched at most once per its interval, see MIN_MS), and polled every 15 s while the stream is down. Everything that
 * came from outside (display names, roster names, messages) is shown with textContent, never as HTML.
 */
(function () {
  "use strict";

  const root = document.getElementById("dash");
  if (!root) return;
  const API = root.dataset.api;
  const TZ = root.dataset.timezone || undefined;
  const POLL_MS = 15000;
  const REVIEW_PAGE = 20; // a page at a time: a long queue made the phone page 43,000 px tall
  let reviewLimit = REVIEW_PAGE;

  const { el, num, dataJson } = window.eventopsApi;
  const reasons = dataJson(root, "reasons");
  const $ = (id) => document.getElementById(id);

  // --- small helpers -------------------------------------------------------------------------------------

  // gettext and fill come from i18n.js, the catalogue's messages in the page's language.
  const LOCALE = window.eventopsApi.locale;
  const timeOf = (iso) => window.eventopsApi.timeOf(iso, TZ);

  function setText(id, value) {
    const el = $(id);
    if (el) el.textContent = value;
  }


  function clockNow() {
    try {
      return new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: TZ }).format(new Date());
    } catch (_) {
      return new Date().toLocaleTimeString();
    }
  }

  function banner(text) {
    const b = $("banner");
    b.textContent = text || "";
    b.hidden = !text;
  }

  const { HttpError } = window.eventopsApi;
  const { call, post } = window.eventopsApi.client(API, root.dataset.csrf, () => {
    $("banner").dataset.session = "expired";
    banner(gettext("Session expired; reload and log in again."));
  });

  // --- counters ------------------------------------------------------------------------------------------

  async function loadVenue() {
    const s = await call("/checkins/stats");
    setText("venue-in", num(s.checked_in));
    setText("venue-expected", num(s.expected_offline));
    $("venue").dataset.checkedIn = String(s.checked_in);
    $("venue-walkins").hidden = !s.walk_ins;
    setText("venue-walkins-n", num(s.walk_ins));
    expectedOnline = typeof s.expected === "number" ? s.expected - s.expected_offline : null;
    setText("zoom-expected", num(expectedOnline));
  }

  let expectedOnline = null;

  async function loadZoom() {
    const z = await call("/zoom/online");
    setText("zoom-online", num(z.online_now));
    setText("zoom-matched", num(z.matched));
    setText("zoom-unmatched", num(z.unmatched));
    setText("zoom-people", num(z.participants_online));
    $("zoom").dataset.online = String(z.online_now);
  }

  async function loadYoutube() {
    const y = await call("/youtube");
    setText("yt-viewers", y.viewers === null || y.viewers === undefined ? "–" : num(y.viewers));
    const state = $("yt-state");
    state.textContent = "";
    state.dataset.running = y.running ? "yes" : "no";
    if (!y.video_id) state.append(el("span", "muted", gettext("No stream set")));
    else if (!y.configured) state.append(el("span", "error", gettext("YouTube is not configured")));
    else if (y.running) state.append(el("strong", "ok", gettext("Polling on")));
    else state.append(el("strong", "", gettext("Polling stopped")));
    const why = $("yt-reason");
    why.textContent = "";
    why.hidden = !y.stop_reason;
    why.dataset.stopReason = y.stop_reason || "";
    if (y.stop_reason) {
      why.append(el("span", "", reasons[y.stop_reason] || y.stop_reason));
      if (y.detail) why.append(el("span", "muted detail", ` · ${y.detail}`));
    }
  }

  // --- the chart: venue, Zoom and YouTube over the batch's time (uPlot; definitions in attendance/timeline.py) ---

  const SERIES = [
    ["venue", gettext("At the venue")],
    ["zoom", "Zoom"],
    ["youtube", "YouTube"],
  ];
  const CHART_HEIGHT = 220;
  let chart = null;

  function chartOptions(width) {
    const colours = getComputedStyle($("timeline"));
    const options = {
      width,
      height: CHART_HEIGHT,
      legend: { show: false }, // the summary line above the chart is the legend, in words and at any width
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.1))] } },
      axes: [{ label: gettext("Time"), values: tickLabels }, { label: gettext("People"), size: 56 }],
      series: [
        {},
        ...SERIES.map(([key, name]) => ({
          label: name,
          stroke: colours.getPropertyValue(`--c-${key}`).trim(),
          width: 2,
          points: { show: false },
        })),
      ],
    };
    if (TZ && typeof uPlot.tzDate === "function") options.tzDate = (ts) => uPlot.tzDate(new Date(ts * 1e3), TZ);
    return options;
  }

  /** Times as the page's language writes them (13.30 or 13:30, in the event's zone), with the date when the
   * chart spans days. */
  function tickLabels(u, splits) {
    const xs = u.data[0];
    const days = xs.length > 1 && xs[xs.length - 1] - xs[0] > 86400;
    const options = { hour: "2-digit", minute: "2-digit", timeZone: TZ, ...(days ? { day: "numeric", month: "short" } : {}) };
    let format;
    try {
      format = new Intl.DateTimeFormat(LOCALE, options);
    } catch (_) {
      format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: undefined });
    }
    return splits.map((ts) => format.format(new Date(ts * 1000)));
  }

  function showSummary(point) {
    const line = $("chart-summary");
    line.textContent = "";
    for (const [key, name] of SERIES) {
      const value = point ? point[key] : null;
      line.dataset[key] = value === null || value === undefined ? "" : String(value);
      const item = el("span", "item");
      item.append(el("span", `sw sw-${key}`), `${name} `, el("strong", "", num(value)));
      line.append(item);
    }
  }

  async function loadChart() {
    const r = await call("/timeline");
    const points = r.points || [];
    showSummary(points[points.length - 1]);
    $("chart").dataset.points = String(points.length);
    if (typeof window.uPlot !== "function") return; // the counters and the summary still work without it
    const data = [points.map((p) => Date.parse(p.t) / 1000), ...SERIES.map(([key]) => points.map((p) => p[key] ?? null))];
    if (chart) chart.setData(data);
    else chart = new uPlot(chartOptions($("chart").clientWidth), data, $("chart"));
    $("chart").dataset.width = String(chart.width);
  }

  if ("ResizeObserver" in window) {
    new ResizeObserver(() => {
      const width = $("chart").clientWidth;
      if (chart && width && width !== chart.width) {
        chart.setSize({ width, height: CHART_HEIGHT });
        $("chart").dataset.width = String(chart.width); // what it was drawn at, for tests and the curious
      }
    }).observe($("chart"));
  }

  // --- recap ---------------------------------------------------------------------------------------------

  const STATUS = {
    present: gettext("Present"),
    partial: gettext("Partial"),
    absent: gettext("Absent"),
  };
  const MODE = {
    offline: gettext("At the venue"),
    zoom: gettext("Zoom"),
    youtube: gettext("YouTube"),
    form: gettext("Form"),
  };

  /** Before the batch ends nobody is absent yet, only not here yet (a K2 dashboard at 07.00 is all "absent"). */
  function statusLabels(phase, frozen) {
    if (frozen || phase === "after") return STATUS;
    return { ...STATUS, absent: gettext("Not here yet") };
  }

  function fillTable(table, counts, labels) {
    const body = table.tBodies[0];
    body.textContent = "";
    const keys = [...Object.keys(labels), ...Object.keys(counts).filter((k) => !(k in labels))];
    for (const key of keys) {
      if (!(key in counts)) continue;
      const row = document.createElement("tr");
      row.dataset.key = key;
      row.append(el("td", "", labels[key] || key || "–"), el("td", "num", num(counts[key])));
      body.append(row);
    }
  }

  async function loadRecap() {
    const s = await call("/summary");
    const labels = statusLabels(s.phase, s.frozen);
    fillTable($("recap-status"), s.by_status || {}, labels);
    fillTable($("recap-mode"), s.by_mode || {}, MODE);
    $("recap-frozen").hidden = !s.frozen;
    const note = $("recap-phase");
    note.textContent = "";
    note.dataset.phase = s.phase || "";
    if (s.phase === "before" && !s.frozen) note.append(el("span", "", gettext("The batch has not started yet.")));
    else if (s.phase === "during" && !s.frozen) note.append(el("span", "", gettext("The batch is running; figures are not final.")));
    note.hidden = !note.textContent;
    $("recap").hidden = false;
    fillAgencies(s.by_agency || [], labels);
  }

  // --- per agency, and the filter by agency ---------------------------------------------------------------

  let agencyRows = [];

  function fillAgencies(rows, labels) {
    agencyRows = rows;
    const head = $("agency-absent-head");
    head.textContent = "";
    head.append(el("span", "", labels.absent));
    const select = $("agency-filter");
    const chosen = select.value;
    const names = rows.map((g) => g.agency);
    const have = [...select.options].slice(1).map((o) => o.value);
    if (names.join("\u0000") !== have.join("\u0000")) {
      select.length = 1;
      for (const name of names) {
        const option = el("option", "", name);
        option.value = name;
        select.append(option);
      }
      select.value = names.includes(chosen) ? chosen : "";
    }
    showAgencies();
    $("agencies").hidden = rows.length === 0;
  }

  function showAgencies() {
    const chosen = $("agency-filter").value;
    const body = $("agency-list");
    body.textContent = "";
    for (const g of agencyRows) {
      if (chosen && g.agency !== chosen) continue;
      const tr = el("tr");
      tr.dataset.agency = g.agency;
      tr.append(
        el("td", "", g.agency),
        el("td", "num", num(g.expected)),
        el("td", "num", num(g.present_offline + g.present_online)),
        el("td", "num", num(g.partial)),
        el("td", "num", num(g.absent)),
      );
      body.append(tr);
    }
  }

  $("agency-filter").addEventListener("change", () => {
    showAgencies();
    load("roster");
  });

  // --- checkpoint codes and their answers ------------------------------------------------------------------

  async function loadCodes() {
    const r = await call("/checkpoints");
    const list = $("codes-list");
    list.textContent = "";
    const now = Date.now();
    for (const c of r.checkpoints || []) {
      const opens = Date.parse(c.opens_at);
      const closes = Date.parse(c.closes_at);
      const state = closes <= now ? gettext("closed") : opens <= now ? gettext("open") : gettext("not open yet");
      const tr = el("tr");
      tr.dataset.code = c.code;
      tr.append(el("td", "", c.code), el("td", closes > now && opens <= now ? "ok" : "muted", state));
      const answers = el("td", "num", num(c.submissions));
      answers.dataset.answers = String(c.submissions);
      tr.append(answers);
      list.append(tr);
    }
    $("codes-table").hidden = !list.children.length;
    $("codes-empty").hidden = list.children.length > 0;
  }

  // --- the roster-wide search: each person's venue, Zoom and YouTube/form status -------------------------

  const ROSTER_LIMIT = 20;
  const SOURCE = {
    offline: gettext("On site"),
    zoom: gettext("Zoom"),
    youtube: gettext("YouTube"),
    form: gettext("Form"),
  };
  let rosterLabels = STATUS;

  function chip(on, text) {
    return el("span", on ? "chip on" : "chip", text);
  }

  let rosterAsked = 0; // answers can arrive out of order: only the newest question's answer is shown
  async function loadRoster() {
    const asked = ++rosterAsked;
    const params = new URLSearchParams({ limit: String(ROSTER_LIMIT) });
    const q = $("roster-q").value.trim();
    if (q) params.set("q", q);
    const agency = $("agency-filter").value;
    if (agency) params.set("agency", agency);
    const r = await call(`/people?${params}`);
    if (asked !== rosterAsked) return;
    rosterLabels = statusLabels(r.phase, r.frozen);
    setText("roster-total", num(r.total));
    const list = $("roster-list");
    list.textContent = "";
    for (const p of r.people || []) {
      const li = el("li");
      li.dataset.status = p.status;
      li.append(el("div", "who", p.name));
      li.append(el("div", "muted", [p.agency, p.nip].filter(Boolean).join(" · ")));
      const chips = el("div", "chips");
      chips.append(el("span", `status-${p.status}`, rosterLabels[p.status] || p.status));
      const sources = new Set(p.sources || []);
      const venue = SOURCE.offline;
      chips.append(chip(sources.has("offline"), p.checked_in_at ? `${venue} ${timeOf(p.checked_in_at)}` : venue));
      chips.append(chip(sources.has("zoom"), `Zoom ${num(p.online_minutes)} ${gettext("min")}`));
      chips.append(chip(sources.has("youtube") || sources.has("form"), `${gettext("Codes")} ${num(p.checkpoints)}`));
      li.append(chips);
      list.append(li);
    }
    const shown = (r.people || []).length;
    $("roster-more").hidden = r.total <= shown;
    setText("roster-more", fill(gettext("%(shown)s of %(total)s shown; narrow the search"), { shown: num(shown), total: num(r.total) }));
  }

  let rosterTimer = null;
  $("roster-q").addEventListener("input", () => {
    clearTimeout(rosterTimer);
    rosterTimer = setTimeout(() => load("roster"), 300);
  });

  // --- review queue --------------------------------------------------------------------------------------

  const REASON_TEXT = {
    ambiguous: gettext("Several close names"),
    homonym: gettext("Same name, several people"),
    honorific_conflict: gettext("Titles disagree"),
    agency_mismatch: gettext("Agency disagrees"),
    close_name: gettext("A close name, not certain"),
    low_score: gettext("No close name"),
    device_name: gettext("A device name"),
    no_name: gettext("No name"),
  };

  function decided(li, text) {
    li.remove();
    const total = Math.max(0, (Number($("review-total").dataset.total) || 1) - 1);
    $("review-total").dataset.total = String(total);
    setText("review-total", num(total));
    $("review-empty").hidden = $("review-list").children.length > 0;
    showReviewStatus(text);
    mark("counters");
  }

  function showReviewStatus(text, isError) {
    const s = $("review-status");
    s.textContent = text;
    s.className = isError ? "error" : "muted";
    s.hidden = !text;
  }

  async function decide(li, item, body, busy) {
    for (const b of li.querySelectorAll("button, input")) b.disabled = true;
    try {
      const d = await post(`/review/${item.id}`, body);
      const who = d.participant ? `${d.participant.name}` : "";
      const text =
        d.state === "dismissed"
          ? `${gettext("Dismissed")}: ${d.display_name}`
          : `${gettext("Saved")}: ${d.display_name} → ${who}`;
      decided(li, text);
    } catch (err) {
      for (const b of li.querySelectorAll("button, input")) b.disabled = false;
      const message = err instanceof HttpError ? err.message : gettext("Network error");
      const slot = li.querySelector(".item-error");
      slot.textContent = message;
      slot.hidden = false;
      if (err instanceof HttpError && err.status === 404) mark("review");
    } finally {
      if (busy) busy.disabled = false;
    }
  }

  function reviewItem(item) {
    const li = document.createElement("li");
    li.className = "review-item";
    li.dataset.id = String(item.id);

    li.append(el("div", "display-name", item.display_name || "—"));

    const meta = el("div", "meta muted");
    meta.append(
      el("span", "", `${num(item.connections)} ${gettext("connections")}`),
      " · ",
      el("span", "", `${num(item.minutes)} ${gettext("minutes")}`),
      " · ",
      el("span", "", `${gettext("joined")} ${timeOf(item.first_joined)}`),
    );
    if (item.email) meta.append(" · ", el("span", "", item.email));
    li.append(meta, el("div", "reason", REASON_TEXT[item.reason] || item.reason || ""));

    const choices = el("div", "suggestions");
    for (const s of item.suggestions || []) {
      const b = el("button", "suggestion");
      b.type = "button";
      b.dataset.ref = String(s.participant_ref);
      b.append(el("strong", "", s.name), " ");
      b.append(el("span", "who", [s.participant_nip_masked, s.agency].filter(Boolean).join(" · ")));
      b.append(el("span", "pick", gettext("this one")));
      b.addEventListener("click", () => decide(li, item, { participant_ref: s.participant_ref }, b));
      choices.append(b);
    }
    li.append(choices);

    const form = el("form", "nip-form");
    form.autocomplete = "off";
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "numeric";
    input.maxLength = 40;
    input.placeholder = "NIP (18 angka · digits)";
    input.setAttribute("aria-label", "NIP");
    input.required = true;
    const save = el("button", "", gettext("Save"));
    save.type = "submit";
    const dismiss = el("button", "secondary dismiss", gettext("Dismiss"));
    dismiss.type = "button";
    form.append(input, save, dismiss);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const nip = input.value.replace(/\s+/g, "");
      if (nip) decide(li, item, { participant_nip: nip }, save);
    });
    dismiss.addEventListener("click", () => decide(li, item, { dismiss: true }, dismiss));
    li.append(form);

    const error = el("p", "item-error error");
    error.hidden = true;
    error.setAttribute("role", "alert");
    li.append(error);
    return li;
  }

  async function loadReview() {
    const list = $("review-list");
    // A moderator typing a NIP must not lose it to a refresh: keep the list while a field has focus.
    if (list.contains(document.activeElement) && document.activeElement.tagName === "INPUT") {
      mark("review");
      return;
    }
    const q = await call(`/review?limit=${reviewLimit}`);
    $("review-total").dataset.total = String(q.total);
    setText("review-total", num(q.total));
    list.textContent = "";
    for (const item of q.items || []) list.append(reviewItem(item));
    const shown = (q.items || []).length;
    $("review-empty").hidden = shown > 0;
    $("review-more").hidden = q.total <= shown;
    setText("review-shown", `${num(shown)} ${gettext("of")} ${num(q.total)} `);
  }

  // --- who is online and who is not ----------------------------------------------------------------------

  const PEOPLE_LIMIT = 100;

  async function loadPeople() {
    const section = $("people");
    const params = new URLSearchParams({ state: section.dataset.state || "online", limit: String(PEOPLE_LIMIT) });
    const q = $("people-q").value.trim();
    if (q) params.set("q", q);
    const r = await call(`/zoom/participants?${params}`);
    setText("people-total", num(r.total));
    const body = $("people-list");
    body.textContent = "";
    for (const p of r.participants || []) {
      const tr = el("tr", p.online_now ? "ok" : "");
      tr.append(el("td", "", p.name), el("td", "optional", p.nip || "–"), el("td", "optional", p.agency));
      tr.append(el("td", "num", num(p.minutes)), el("td", "num optional", num(p.connections)));
      body.append(tr);
    }
    const shown = (r.participants || []).length;
    $("people-empty").hidden = shown > 0;
    $("people-more").hidden = r.total <= shown;
    setText("people-more", fill(gettext("%(shown)s of %(total)s shown; narrow the search"), { shown: num(shown), total: num(r.total) }));
  }

  for (const tab of document.querySelectorAll("#people [data-state]")) {
    if (tab.tagName !== "BUTTON") continue;
    tab.addEventListener("click", () => {
      $("people").dataset.state = tab.dataset.state;
      for (const t of document.querySelectorAll("#people button[data-state]")) {
        t.setAttribute("aria-selected", String(t === tab));
      }
      load("people");
    });
  }

  let searchTimer = null;
  $("people-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => load("people"), 300);
  });

  // --- refresh scheduling --------------------------------------------------------------------------------

  const LOADERS = {
    counters: [loadVenue, loadZoom, loadYoutube, loadCodes],
    review: [loadReview],
    recap: [loadRecap],
    people: [loadPeople],
    roster: [loadRoster],
    chart: [loadChart],
  };
  // The least time between two loads of a part: the counters are cheap; the review queue runs the matcher
  // and the recap computes every record of the batch, so a burst of joins must not load them each time.
  // The roster search computes every record too: typing loads it at once, changes at most every 30 s.
  // The chart reads every check-in and Zoom session of the batch: at most every 5 s.
  const MIN_MS = { counters: 1000, review: 5000, recap: 30000, people: 5000, roster: 30000, chart: 5000 };
  const last = {};
  const due = {};
  const busy = {};
  const again = {};
  const failing = new Map();

  /** Mark parts stale: each is loaded once its interval since its last load has passed, never twice at once. */
  function mark(...parts) {
    for (const part of parts) {
      if (!(part in LOADERS) || due[part]) continue;
      const wait = Math.max(0, (last[part] || 0) + MIN_MS[part] - Date.now());
      due[part] = setTimeout(() => {
        due[part] = null;
        load(part);
      }, wait);
    }
  }

  async function load(part) {
    if (busy[part]) {
      again[part] = true;
      return;
    }
    busy[part] = true;
    last[part] = Date.now();
    try {
      await Promise.all(LOADERS[part].map((f) => f()));
      failing.delete(part);
      setText("updated", `${gettext("updated")} ${clockNow()}`);
    } catch (err) {
      if (part !== "recap") failing.set(part, err); // a missing recap is not worth an alarm
    } finally {
      busy[part] = false;
      showFailures();
      if (again[part]) {
        // It was asked for (typed, or due) while a load ran: load it now, not an interval later, or a
        // search typed during the first load would wait 30 s for its answer.
        again[part] = false;
        load(part);
      }
    }
  }

  function showFailures() {
    if ($("banner").dataset.session === "expired") return;
    const [err] = failing.values();
    banner(err ? `${gettext("Failed to load")}: ${err.message}` : "");
  }

  // --- live stream, with polling as the fallback ---------------------------------------------------------

  const ON_EVENT = {
    hello: ["counters", "review", "recap", "people", "roster", "chart"],
    checkin: ["counters", "recap", "roster", "chart"],
    zoom: ["counters", "review", "recap", "people", "roster", "chart"],
    youtube_viewers: ["counters", "chart"],
    youtube_state: ["counters"],
    youtube_chat: ["counters"],
    checkpoint: ["counters"],
    checkpoint_submission: ["counters", "recap", "roster"],
    review: ["counters", "review", "recap", "people", "roster"],
    attendance: ["counters", "recap", "people", "roster"],
  };

  function setLive(state) {
    root.dataset.live = state;
    const s = $("live-status");
    s.className = `live ${state}`;
    s.textContent = "";
    if (state === "open") s.append(el("span", "", gettext("● Live")));
    else if (state === "connecting") s.append(el("span", "", gettext("Connecting…")));
    else s.append(el("span", "", gettext("Stream down: updating every 15 s")));
  }

  let source = null;
  let reconnect = null;

  function connect() {
    reconnect = null;
    if (!("EventSource" in window)) {
      setLive("polling");
      mark("counters", "review", "recap", "people", "roster", "chart");
      return;
    }
    setLive("connecting");
    source = new EventSource(`${API}/live`, { withCredentials: true });
    source.onopen = () => setLive("open");
    for (const [kind, parts] of Object.entries(ON_EVENT)) {
      source.addEventListener(kind, () => {
        if (root.dataset.live !== "open") setLive("open");
        mark(...parts);
      });
    }
    source.onerror = () => {
      // The browser retries by itself while CONNECTING; a CLOSED stream (e.g. a 401 or 404) is ours to reopen.
      if (root.dataset.live !== "polling") mark("counters", "review", "recap", "people", "roster", "chart");
      setLive("polling");
      if (source.readyState === EventSource.CLOSED && reconnect === null) {
        source = null;
        reconnect = setTimeout(connect, POLL_MS);
      }
    };
  }

  setInterval(() => {
    if (root.dataset.live !== "open" && !document.hidden) mark("counters", "review", "recap", "people", "roster", "chart");
  }, POLL_MS);

  // The chart's last point is now: move it on once a minute even when nothing happens.
  setInterval(() => {
    if (root.dataset.live === "open" && !document.hidden) mark("chart");
  }, 60000);

  $("review-next").addEventListener("click", () => {
    reviewLimit += REVIEW_PAGE;
    load("review");
  });

  $("match-now").addEventListener("click", async (e) => {
    const button = e.currentTarget;
    button.disabled = true;
    try {
      const r = await post("/match");
      showReviewStatus(`${gettext("Matched")}: ${num(r.matched)} / ${num(r.connections)}`);
    } catch (err) {
      showReviewStatus(err instanceof HttpError ? err.message : gettext("Network error"), true);
    } finally {
      button.disabled = false;
      mark("counters", "review");
    }
  });

  // The first load comes with the stream's `hello` (or at once when the stream cannot be opened).
  connect();
})();
