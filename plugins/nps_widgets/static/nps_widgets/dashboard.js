/* Statistics page: re-query on every filter change without a reload; the URL keeps the state so
   the view can be shared. Without JavaScript the form is a plain GET form. */
(function () {
  "use strict";
  var form = document.getElementById("dashboard-filters");
  var results = document.getElementById("dashboard-results");
  if (!form || !results || !window.fetch) return;
  var pending = null;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") params.append(key, value); });
    return params.toString();
  }

  function update() {
    var qs = query();
    var url = form.getAttribute("action") + (qs ? "?" + qs : "");
    window.history.replaceState(null, "", url);
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) { results.innerHTML = html; results.removeAttribute("aria-busy"); })
      .catch(function (e) { if (e.name !== "AbortError") results.removeAttribute("aria-busy"); });
  }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  form.classList.add("is-enhanced");
})();
