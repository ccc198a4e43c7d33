/* Statistics page: re-query on every filter change without a reload; the URL keeps the state so
   the view can be shared. A chip's remove link (and the empty state's links) update the form and
   the figures in place. Without JavaScript the form is a plain GET form and the links plain links. */
(function () {
  "use strict";
  var form = document.getElementById("dashboard-filters");
  var results = document.getElementById("dashboard-results");
  if (!form || !results || !window.fetch || !window.URLSearchParams) return;
  var pending = null;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") params.append(key, value); });
    return params.toString();
  }

  /* The figures' own state after an update: the breakdown that was used (a dimension filtered to
     one value cannot be broken down), the interval, and how many filters are active. */
  function sync() {
    var state = results.querySelector("[data-dashboard-state]");
    if (!state) return;
    var single = (state.getAttribute("data-single") || "").split(",");
    var by = form.elements.namedItem("by");
    if (by) {
      Array.prototype.forEach.call(by.options, function (option) { option.disabled = single.indexOf(option.value) >= 0; });
      by.value = state.getAttribute("data-by");
    }
    var interval = form.elements.namedItem("interval");
    if (interval) interval.value = state.getAttribute("data-interval");
    var count = document.getElementById("dashboard-count");
    if (count) count.textContent = state.getAttribute("data-active-text") || "";
  }

  /* Set every control from a link's query string (what the server would have rendered). */
  function apply(href) {
    var params = new URL(href, window.location.href).searchParams;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") {
        var chosen = [];
        params.getAll(el.name).forEach(function (v) { chosen = chosen.concat(v.split(",")); });
        el.checked = chosen.indexOf(el.value) >= 0;
      } else if (el.tagName === "SELECT" || el.type === "date") {
        var value = params.get(el.name);
        if (el.name === "period" && value === null) value = "90";
        el.value = value === null ? "" : value;
      }
    });
  }

  function update() {
    var qs = query();
    var url = form.getAttribute("action") + (qs ? "?" + qs : "");
    window.history.replaceState(null, "", url);
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (r) { return r.text().then(function (html) { return { ok: r.ok, html: html }; }); })
      .then(function (answer) {
        results.removeAttribute("aria-busy");
        if (answer.ok) { results.innerHTML = answer.html; sync(); }
        else window.location.assign(url);  // a 400 page says what is wrong with the filters
      })
      .catch(function (e) { if (e.name !== "AbortError") results.removeAttribute("aria-busy"); });
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  results.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a[data-drop]");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    apply(link.href);
    update();
  });
  form.classList.add("is-enhanced");
})();
