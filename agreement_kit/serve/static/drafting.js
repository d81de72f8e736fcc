// The drafting page's live preview: a little script on top of plain forms.
// Each change posts the form to /api/preview (with the page's token); the
// answer is the server's own: the agreement's HTML, the review's findings
// and the pipeline's problems by field. No check is repeated here. The
// working spec is also kept in this browser's storage, so nothing is lost
// if the server is restarted.
"use strict";
(function () {
  const form = document.getElementById("draft-form");
  if (!form) return;
  // Where the commentary sits beside the controls (drafting.css), it is read as choices are made.
  if (window.matchMedia("(min-width: 75rem)").matches) {
    document.querySelectorAll("details.commentary").forEach(function (d) { d.open = true; });
  }
  const STORE = "agreement-kit:spec";
  const token = form.elements.csrf.value;
  const frame = document.getElementById("preview-frame");
  const status = document.getElementById("status");
  const specData = JSON.parse(document.getElementById("spec-data").textContent);
  const kindLinks = Array.from(document.querySelectorAll(".preview-kinds a[data-kind]"));
  let kind = kindLinks.length ? kindLinks[0].dataset.kind : "";
  let focus = "";
  let timer = null;
  let sequence = 0;
  let updates = 0;

  function save(spec) {
    try { localStorage.setItem(STORE, JSON.stringify({ spec: spec, saved: new Date().toISOString() })); } catch (e) { /* storage full or off */ }
  }

  // A server restarted with nothing for this session: bring back the draft this browser kept.
  let stored = null;
  try { stored = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { stored = null; }
  if (form.dataset.revision === "0" && stored && stored.spec && JSON.stringify(stored.spec) !== JSON.stringify(specData)) {
    fetch("/restore", { method: "POST", headers: { "X-CSRF-Token": token, "Content-Type": "application/json" }, body: JSON.stringify({ spec: stored.spec }) })
      .then(function (r) { if (r.ok) location.reload(); });
    return;
  }
  save(specData);

  function say(text) { status.textContent = text; }

  function escapeId(path) { return "f-" + path.replace(/[^A-Za-z0-9_-]/g, "-"); }

  function parentPath(path) { return path.replace(/(\.[^.\[\]]*|\[\d+\])$/, ""); }

  function placeOf(target) {
    let path = target;
    while (path) {
      const el = form.querySelector('[data-path="' + CSS.escape(path) + '"]');
      if (el) return path;
      const shorter = parentPath(path);
      if (shorter === path) break;
      path = shorter;
    }
    return null;
  }

  function showProblems(problems) {
    form.querySelectorAll(".error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    const list = document.getElementById("problem-list");
    list.replaceChildren();
    problems.forEach(function (p) {
      const where = placeOf(p.target);
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.textContent = p.field || "spec";
      link.href = "#" + escapeId(where || "") + "-err";
      li.append(link, ": " + p.message);
      list.append(li);
      if (!where) return;
      const slot = document.getElementById(escapeId(where) + "-err");
      if (slot) {
        slot.textContent = slot.textContent ? slot.textContent + "; " + p.message : p.message;
        slot.hidden = false;
      }
      const holder = form.querySelector('[data-path="' + CSS.escape(where) + '"]');
      const input = holder && holder.querySelector(":scope > input, :scope > select, :scope > textarea");
      if (input) input.setAttribute("aria-invalid", "true");
    });
    document.getElementById("problems").hidden = problems.length === 0;
  }

  function showFindings(findings) {
    const list = document.getElementById("finding-list");
    list.replaceChildren();
    findings.forEach(function (f) {
      const li = document.createElement("li");
      li.className = "sev-" + f.severity;
      const sev = document.createElement("span");
      sev.className = "sev";
      sev.textContent = f.severity;
      li.append(sev, " ");
      if (f.clause_id) {
        const a = document.createElement("a");
        a.href = "#edit-" + f.clause_id;
        a.textContent = (f.number ? f.number + " " : "") + f.title;
        li.append(a);
      } else {
        li.append(f.title);
      }
      li.append(": " + f.summary);
      list.append(li);
    });
    if (!findings.length) { const li = document.createElement("li"); li.textContent = "No findings."; list.append(li); }
    document.getElementById("finding-count").textContent = "(" + findings.length + ")";
  }

  function showNumbers(numbers) {
    document.querySelectorAll("[data-number-of]").forEach(function (el) {
      const kinds = numbers[el.dataset.numberOf];
      el.textContent = kinds ? Object.values(kinds)[0] : "";
    });
    document.querySelectorAll("fieldset.clause").forEach(function (fs) {
      const box = fs.querySelector(':scope > .check input[type="checkbox"]');
      if (box) fs.classList.toggle("left-out", !box.checked);
    });
  }

  function scrollPreview(anchor) {
    if (!anchor) return;
    try {
      const target = frame.contentDocument.getElementById(anchor);
      if (!target) return;
      target.scrollIntoView({ block: "start" });
      target.style.outline = "3px solid #ffbf47";
      target.style.outlineOffset = "4px";
    } catch (e) { /* the preview is not ours to script */ }
  }

  function markKind(current) {
    kindLinks.forEach(function (a) {
      if (a.dataset.kind === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
  }

  async function update() {
    const data = new FormData(form);
    data.set("focus", focus);
    data.set("kind", kind);
    const mine = ++sequence;
    document.body.dataset.busy = "true";
    say("Updating the preview…");
    let answer;
    try {
      const response = await fetch("/api/preview", { method: "POST", headers: { "X-CSRF-Token": token }, body: new URLSearchParams(data) });
      if (!response.ok) throw new Error(response.status + " " + (await response.text()));
      answer = await response.json();
    } catch (e) {
      if (mine === sequence) { say("The preview could not be updated: " + e.message); document.body.dataset.busy = "false"; }
      return;
    }
    if (mine !== sequence) return;  // a later change is on its way
    save(answer.spec);
    showProblems(answer.problems);
    showFindings(answer.findings);
    showNumbers(answer.numbers);
    if (answer.html !== null) {
      kind = answer.kind;
      markKind(kind);
      frame.onload = function () { scrollPreview(answer.anchor); frame.onload = null; };
      frame.srcdoc = answer.html;
    }
    updates += 1;
    document.body.dataset.updates = String(updates);
    document.body.dataset.busy = "false";
    const n = answer.problems.length;
    say(n ? n + (n === 1 ? " problem" : " problems") + " to put right; the preview shows the last good draft." : "Draft saved; preview updated.");
  }

  function schedule(target, delay) {
    const clause = target.closest("[data-clause]");
    focus = clause ? clause.dataset.clause : "";
    clearTimeout(timer);
    timer = setTimeout(update, delay);
  }

  form.addEventListener("input", function (e) {
    if (e.target.matches("input[type=text], textarea, input[type=number], input[type=date]")) schedule(e.target, 500);
  });
  form.addEventListener("change", function (e) {
    // Agreements and nation change which clauses the form offers: the page is built again.
    if (e.target.hasAttribute("data-reload")) {
      form.elements.focus.value = "";
      form.submit();
      return;
    }
    schedule(e.target, 0);
  });
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.type === "submit" && !e.defaultPrevented && form.dataset.live !== "off") {
      e.preventDefault();
      clearTimeout(timer);
      update();
    }
  });

  kindLinks.forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      kind = a.dataset.kind;
      focus = "";
      update();
    });
  });

  // A link to a clause (a finding, a problem) opens its section and moves the focus there.
  function reveal(hash) {
    if (!hash || hash.length < 2) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    for (let el = target.parentElement; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
    const control = target.matches("fieldset") ? target.querySelector("input, select, textarea") : target.closest(".field, fieldset");
    target.scrollIntoView({ block: "start" });
    const focusable = control && control.matches("input, select, textarea") ? control : control && control.querySelector("input, select, textarea");
    if (focusable) focusable.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (e) {
    const a = e.target.closest('a[href^="#"]');
    if (a && a.getAttribute("href").length > 1) { e.preventDefault(); history.replaceState(null, "", a.getAttribute("href")); reveal(a.getAttribute("href")); }
  });
  reveal(location.hash);
  document.body.dataset.updates = "0";
})();
