/* Live NPS: listens to the score stream and re-renders, in place, every block on the page whose
   filters a new response touches. Blocks carry data-live-src (a URL returning their fresh HTML)
   and data-live-filter (their filters and dates as JSON). Without JavaScript the page still shows
   the numbers it was rendered with. */
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch) return;

  function liveBlocks() { return Array.prototype.slice.call(document.querySelectorAll("[data-live-src]")); }

  function affects(filter, message) {
    var changed = message.changed || {};
    for (var key in filter) {
      if (!Object.prototype.hasOwnProperty.call(filter, key)) continue;
      if (key === "from") { if (message.to && message.to < filter.from) return false; continue; }
      if (key === "to") { if (message.from && message.from > filter.to) return false; continue; }
      var values = changed[key];
      if (values === "*" || values === undefined) continue;
      var wanted = String(filter[key]).split(",").map(function (v) { return v.trim(); });
      if (!values.some(function (v) { return wanted.indexOf(v) !== -1; })) return false;
    }
    return true;
  }

  var state = new WeakMap();

  function refresh(el) {
    var s = state.get(el) || {};
    state.set(el, s);
    if (s.busy) { s.again = true; return; }
    s.busy = true;
    fetch(el.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.firstElementChild;
        if (fresh && el.parentNode) {
          fresh.classList.add("is-updated");
          el.parentNode.replaceChild(fresh, el);
          window.setTimeout(function () { fresh.classList.remove("is-updated"); }, 1500);
          el = fresh;
        }
      })
      .catch(function () { /* keep the numbers we have; the next update tries again */ })
      .then(function () {
        s.busy = false;
        if (s.again) { s.again = false; refresh(el); }
      });
  }

  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    liveBlocks().forEach(function (el) {
      var filter = {};
      try { filter = JSON.parse(el.getAttribute("data-live-filter") || "{}"); } catch (e) { /* all */ }
      if (affects(filter, message)) refresh(el);
    });
    document.dispatchEvent(new CustomEvent("nps:live", { detail: message }));
  }

  function start() {
    var url = document.body.getAttribute("data-live-url") || "/api/v1/live/";
    if (!liveBlocks().length && !document.body.hasAttribute("data-live-url")) return;
    var source = new EventSource(url, { withCredentials: true });
    var opened = false;
    source.onmessage = onMessage;
    source.onopen = function () {
      // After a reconnect, updates may have been missed: refresh everything once.
      if (opened) liveBlocks().forEach(refresh);
      opened = true;
      document.documentElement.setAttribute("data-live", "connected");
    };
    source.onerror = function () { document.documentElement.setAttribute("data-live", "reconnecting"); };
    window.npsLive = { source: source, refresh: refresh, affects: affects };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
