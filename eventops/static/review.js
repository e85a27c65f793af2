/* The moderators' review page: the batch's unmatched Zoom names grouped by suggested person, 50 groups a page,
 * each decided with one click or one key, the sure ones accepted and the devices, the too-little names, the
 * namesakes nothing separates and the names close to nobody dismissed in bulk.
 *
 * Keys (outside text fields): j/k move, Enter or a accepts the suggestion (namesakes have none), 1-3 picks a
 * candidate, d dismisses.
 * Live from the batch's Server-Sent Events stream: a change reloads the page of the queue (at most every 3 s),
 * keeping the selection. Display names and roster names are shown with textContent, never as HTML.
 */
(function () {
  "use strict";

  const root = document.getElementById("review-page");
  if (!root || !window.eventopsApi) return;
  const { el, HttpError, num, dataJson } = window.eventopsApi;
  const API = root.dataset.api;
  const TZ = root.dataset.timezone || undefined;
  const PAGE = 50;
  const RELOAD_MS = 3000;
  const $ = (id) => document.getElementById(id);
  const api = window.eventopsApi.client(API, root.dataset.csrf, () =>
    banner(gettext("Session expired; reload and log in again.")),
  );

  const reasons = dataJson(root, "reasons");
  // gettext and fill come from i18n.js, the catalogue's messages in the page's language.
  const LOCALE = window.eventopsApi.locale;
  const timeOf = (iso) => window.eventopsApi.timeOf(iso, TZ);
  let offset = 0;
  let view = "queue"; // or "presence": the names matched by presence, to check
  let selectedId = null;
  let selectedAt = 0;

  function banner(text) {
    $("banner").textContent = text || "";
    $("banner").hidden = !text;
  }

  function status(text, isError) {
    const s = $("review-status");
    s.textContent = text;
    s.className = isError ? "error" : "muted";
    s.hidden = !text;
  }

  function failure(err) {
    return err instanceof HttpError ? err.message : gettext("Network error");
  }

  function reasonOf(code) {
    return el("span", "reason", reasons[code] || code || "");
  }

  // --- selection --------------------------------------------------------------------------------------------

  function items() {
    return Array.from(document.querySelectorAll("#groups li.review-item"));
  }

  function select(li, scroll) {
    for (const other of document.querySelectorAll("#groups li.selected")) {
      other.classList.remove("selected");
      other.removeAttribute("aria-current");
    }
    if (!li) {
      selectedId = null;
      return;
    }
    li.classList.add("selected");
    li.setAttribute("aria-current", "true");
    selectedId = li.dataset.id;
    selectedAt = items().indexOf(li);
    if (scroll) li.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const at = all.findIndex((li) => li.dataset.id === selectedId);
    select(all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + step))], true);
  }

  // --- decisions --------------------------------------------------------------------------------------------

  function removeItem(li) {
    const all = items();
    const at = all.indexOf(li);
    const group = li.closest(".group");
    li.remove();
    if (group && !group.querySelector("li.review-item")) group.remove();
    const rest = items();
    if (li.dataset.id === selectedId) select(rest[Math.min(at, rest.length - 1)] || null, true);
    const total = Math.max(0, (Number($("items-total").dataset.total) || 1) - 1);
    $("items-total").dataset.total = String(total);
    $("items-total").textContent = num(total);
    $("review-empty").hidden = rest.length > 0;
  }

  async function decide(li, body) {
    if (li.dataset.busy) return;
    li.dataset.busy = "1";
    for (const b of li.querySelectorAll("button, input")) b.disabled = true;
    try {
      const d = await api.post(`/review/${li.dataset.id}`, body);
      const text =
        d.state === "dismissed"
          ? `Diabaikan · Dismissed: ${d.display_name}`
          : `Disimpan · Saved: ${d.display_name} → ${d.participant ? d.participant.name : ""}`;
      status(text);
      removeItem(li);
    } catch (err) {
      delete li.dataset.busy;
      for (const b of li.querySelectorAll("button, input")) b.disabled = false;
      const slot = li.querySelector(".item-error");
      slot.textContent = failure(err);
      slot.hidden = false;
      if (err instanceof HttpError && (err.status === 404 || err.status === 409)) schedule();
    }
  }

  function accept(li, n) {
    const button = li.querySelectorAll("button.suggestion")[n];
    if (button) decide(li, { participant_ref: Number(button.dataset.ref) });
  }

  // --- drawing ----------------------------------------------------------------------------------------------

  function chip(cls, text) {
    return el("span", `chip ${cls}`, text);
  }

  /** A candidate with what separates namesakes: workplace, expected mode, at the venue, already on Zoom. */
  function candidate(li, s, n, suggested, matched) {
    const b = el("button", "suggestion");
    if (matched === s.participant_ref) b.classList.add("matched");
    b.type = "button";
    b.dataset.ref = String(s.participant_ref);
    b.append(el("span", "key", String(n + 1)), el("strong", "", s.name));
    b.append(el("span", "who", [s.participant_nip_masked, s.agency, s.unit].filter(Boolean).join(" · ")));
    const chips = el("span", "chips");
    chips.append(
      s.mode === "online" ? chip("mode", gettext("online")) : chip("mode venue", gettext("at the venue")),
    );
    if (s.checked_in) chips.append(chip("on", gettext("checked in")));
    if (s.zoom_connections)
      chips.append(
        chip(s.zoom_strong ? "warn" : "", fill(gettext("already on Zoom (%(n)s)"), { n: num(s.zoom_connections) })),
      );
    chips.append(chip("score", fill(gettext("score %(n)s"), { n: num(s.score) })));
    b.append(chips);
    if (matched === s.participant_ref) b.append(el("span", "pick", gettext("correct, keep")));
    else if (suggested && n === 0 && !matched && li.dataset.reason !== "homonym")
      b.append(el("span", "pick", gettext("accept suggestion"))); // namesakes: no candidate comes first
    else b.append(el("span", "pick", gettext("this one")));
    b.addEventListener("click", () => {
      select(li);
      decide(li, { participant_ref: s.participant_ref });
    });
    return b;
  }

  function reviewItem(item, suggested) {
    const li = el("li", "review-item");
    li.dataset.id = String(item.id);
    li.dataset.reason = item.reason || "";
    if (item.one_candidate) li.dataset.oneCandidate = String(item.one_candidate);
    li.tabIndex = -1;
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
    li.append(meta, reasonOf(item.reason));
    // namesakes nothing in the name separates: one click dismisses them all, or a moderator who knows more
    // picks one by the evidence beside each candidate
    if (item.reason === "homonym" && view === "queue")
      li.append(el("span", "chip bulk-group", gettext("namesakes · dismissable in bulk")));

    const choices = el("div", "suggestions");
    const matched = item.matched_ref || null;
    if (matched) li.dataset.matched = String(matched);
    // the person matched by presence first: accepting keeps the match (as a moderator's decision)
    const shown = (item.suggestions || []).slice().sort((a, b) => (b.participant_ref === matched) - (a.participant_ref === matched));
    shown.forEach((s, n) => choices.append(candidate(li, s, n, suggested, matched)));
    li.append(choices);

    const form = el("form", "nip-form");
    form.autocomplete = "off";
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "numeric";
    input.maxLength = 40;
    input.placeholder = gettext("NIP (18 digits)");
    input.setAttribute("aria-label", "NIP");
    input.required = true;
    const save = el("button", "", gettext("Save"));
    save.type = "submit";
    const dismiss = el("button", "secondary dismiss", gettext("Dismiss (d)"));
    dismiss.type = "button";
    form.append(input, save, dismiss);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const nip = input.value.replace(/\s+/g, "");
      if (nip) decide(li, { participant_nip: nip });
    });
    dismiss.addEventListener("click", () => {
      select(li);
      decide(li, { dismiss: true });
    });
    li.append(form);
    const error = el("p", "item-error error");
    error.hidden = true;
    error.setAttribute("role", "alert");
    li.append(error);
    li.addEventListener("click", (e) => {
      if (e.target === li || !e.target.closest("button, input")) select(li);
    });
    return li;
  }

  function groupOf(g) {
    const section = el("section", "group");
    const head = el("h2", "group-head");
    if (g.person) {
      section.dataset.ref = String(g.person.participant_ref);
      head.append(el("span", "", g.person.name));
    } else {
      section.dataset.reason = g.reason || "";
      head.append(reasonOf(g.reason));
    }
    head.append(" ", el("span", "muted", fill(gettext("%(names)s names · %(minutes)s minutes"), { names: num(g.items.length), minutes: num(g.minutes) })));
    section.append(head);
    const list = el("ol", "review-list");
    for (const item of g.items) list.append(reviewItem(item, Boolean(g.person)));
    section.append(list);
    return section;
  }

  function bulkButton(id, count) {
    const b = $(id);
    b.querySelector("[data-count]").textContent = num(count);
    b.dataset.count = String(count);
    b.disabled = !count;
  }

  // --- loading ----------------------------------------------------------------------------------------------

  async function load() {
    const active = document.activeElement;
    if (active && active.tagName === "INPUT" && $("groups").contains(active)) {
      schedule(); // a moderator typing a NIP must not lose it to a refresh
      return;
    }
    const q = await api.call(`/review/people?limit=${PAGE}&offset=${offset}${view === "presence" ? "&presence=1" : ""}`);
    if (!q.groups.length && offset > 0) {
      offset = Math.max(0, offset - PAGE);
      return load();
    }
    $("items-total").dataset.total = String(q.items_total);
    $("items-total").textContent = num(q.items_total);
    $("groups-total").textContent = num(q.total);
    $("presence-total").textContent = num(q.presence);
    if (view === "queue") {
      const counts = q.bulk.dismissable || {};
      bulkButton("accept-all", q.bulk.one_candidate);
      bulkButton("dismiss-devices", (counts.device_name || 0) + (counts.no_name || 0));
      bulkButton("dismiss-too-little", counts.too_little || 0);
      bulkButton("dismiss-namesakes", counts.homonym || 0);
      bulkButton("dismiss-far", counts.low_score || 0);
    }
    const box = $("groups");
    box.textContent = "";
    for (const g of q.groups) box.append(groupOf(g));
    $("review-empty").hidden = q.groups.length > 0;
    const pages = Math.max(1, Math.ceil(q.total / PAGE));
    $("pager").hidden = pages <= 1;
    $("page-at").textContent = fill(gettext("page %(page)s of %(pages)s"), { page: num(offset / PAGE + 1), pages: num(pages) });
    $("page-prev").disabled = offset === 0;
    $("page-next").disabled = offset + PAGE >= q.total;
    const all = items();
    const keep = all.find((li) => li.dataset.id === selectedId);
    select(keep || all[Math.min(selectedAt, all.length - 1)] || null, false);
    $("updated").textContent = `${gettext("updated")} ${new Date().toLocaleTimeString(LOCALE)}`;
    root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
  }

  let timer = null;
  let loading = false;
  let again = false;
  let lastLoad = 0;

  function schedule() {
    if (timer) return;
    timer = setTimeout(run, Math.max(0, lastLoad + RELOAD_MS - Date.now()));
  }

  async function run() {
    timer = null;
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    lastLoad = Date.now();
    try {
      await load();
      banner("");
    } catch (err) {
      banner(`${gettext("Failed to load")}: ${failure(err)}`);
    } finally {
      loading = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  // --- bulk -------------------------------------------------------------------------------------------------

  async function bulk(button, requests, label) {
    button.disabled = true;
    let decided = 0;
    let skipped = 0;
    try {
      for (const [path, body] of requests) {
        const r = await api.post(path, body);
        decided += r.decided.length;
        skipped += r.skipped.length;
      }
      status(`${label}: ${num(decided)}` + (skipped ? ` · ${fill(gettext("skipped %(n)s"), { n: num(skipped) })}` : ""));
    } catch (err) {
      status(failure(err), true);
    } finally {
      lastLoad = 0;
      schedule();
    }
  }

  $("accept-all").addEventListener("click", (e) =>
    bulk(e.currentTarget, [["/review/accept", { all: true }]], gettext("Accepted")),
  );
  for (const id of ["dismiss-devices", "dismiss-too-little", "dismiss-namesakes", "dismiss-far"]) {
    $(id).addEventListener("click", (e) => {
      const codes = (e.currentTarget.dataset.reasons || "").split(",").filter(Boolean);
      bulk(e.currentTarget, codes.map((reason) => ["/review/dismiss", { reason }]), gettext("Dismissed"));
    });
  }
  for (const tab of document.querySelectorAll("#views [data-view]")) {
    tab.addEventListener("click", () => {
      view = tab.dataset.view;
      for (const other of document.querySelectorAll("#views [data-view]"))
        other.setAttribute("aria-selected", String(other === tab));
      root.dataset.view = view;
      document.querySelector(".bulk-bar").hidden = view !== "queue";
      $("presence-note").hidden = view !== "presence";
      offset = 0;
      selectedAt = 0;
      lastLoad = 0;
      schedule();
    });
  }
  $("page-prev").addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    selectedAt = 0;
    lastLoad = 0;
    schedule();
  });
  $("page-next").addEventListener("click", () => {
    offset += PAGE;
    selectedAt = 0;
    lastLoad = 0;
    schedule();
  });

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
    const li = items().find((x) => x.dataset.id === selectedId);
    if (e.key === "j") move(1);
    else if (e.key === "k") move(-1);
    else if (!li) return;
    else if (e.key === "a" || (e.key === "Enter" && !(target && target.tagName === "BUTTON"))) {
      if (li.dataset.reason !== "homonym") accept(li, 0); // which namesake is first means nothing
    }
    else if (e.key === "d") decide(li, { dismiss: true });
    else if (e.key >= "1" && e.key <= "3") accept(li, Number(e.key) - 1);
    else return;
    e.preventDefault();
  });

  // --- live -------------------------------------------------------------------------------------------------

  function setLive(state) {
    root.dataset.live = state;
    const s = $("live-status");
    s.className = `live ${state}`;
    s.textContent = "";
    if (state === "open") s.append(el("span", "", gettext("● Live")));
    else if (state === "connecting") s.append(el("span", "", gettext("Connecting…")));
    else s.append(el("span", "", gettext("Stream down: updating every 15 s")));
  }

  function connect() {
    if (!("EventSource" in window)) {
      setLive("polling");
      schedule();
      return;
    }
    const source = new EventSource(`${API}/live`, { withCredentials: true });
    source.onopen = () => setLive("open");
    for (const kind of ["hello", "zoom", "review", "checkin"]) {
      source.addEventListener(kind, () => {
        if (root.dataset.live !== "open") setLive("open");
        schedule();
      });
    }
    source.onerror = () => {
      setLive("polling");
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 15000);
    };
  }

  setInterval(() => {
    if (root.dataset.live !== "open" && !document.hidden) schedule();
  }, 15000);
  connect();
})();
