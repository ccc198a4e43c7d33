/* Meeting-room screen: shows the slides in turn, each for its own seconds (data-seconds; else the
   screen's), refreshes them on every live update (through the screen's own stream, no session) and
   every few minutes as a safety net.
   Video slides play muted; with seconds they loop until the seconds are over, without they play
   once to the end. A refresh replaces the live slides only: a playing video is kept as it is. */
(function () {
  "use strict";
  var root = document.getElementById("screen-slides");
  if (!root) return;
  var seconds = parseInt(root.getAttribute("data-seconds"), 10) || 12;
  var LONGEST_VIDEO = 15 * 60; // seconds: a video "to the end" that never ends still gives way
  var index = 0;
  var timer = null;
  var visits = {}; // comment slides show their next quote on each visit

  function slides() { return Array.prototype.slice.call(root.querySelectorAll(":scope > .slide")); }
  function secondsOf(slide) { return parseInt(slide.getAttribute("data-seconds"), 10) || 0; }

  function stopVideo(slide) {
    var video = slide.querySelector("video");
    if (!video) return;
    video.onended = video.onerror = null;
    video.pause();
  }

  function startVideo(slide) {
    var video = slide.querySelector("video");
    var own = secondsOf(slide);
    video.muted = true;
    video.loop = own > 0;
    try { video.currentTime = 0; } catch (e) { /* not loaded yet: it starts at 0 anyway */ }
    if (!own) { video.onended = next; video.onerror = next; }
    var playing = video.play();
    if (playing && playing.catch) playing.catch(function () { if (!own) next(); });
    var limit = own || (isFinite(video.duration) && video.duration > 0 ? Math.ceil(video.duration) + 2 : LONGEST_VIDEO);
    return Math.min(limit, LONGEST_VIDEO);
  }

  function quoteAt(slide, n) {
    var figures = slide.querySelectorAll(".slide__figure");
    if (!slide.classList.contains("slide--quotes") || figures.length < 2) return;
    figures.forEach(function (f, i) { f.hidden = i !== n % figures.length; });
  }
  function nextQuote(slide) {
    var key = slide.getAttribute("data-key");
    visits[key] = visits[key] === undefined ? 0 : visits[key] + 1;
    quoteAt(slide, visits[key]);
  }

  function dots(all) {
    var box = document.getElementById("screen-dots");
    if (!box) return;
    box.innerHTML = "";
    all.forEach(function (_s, n) { var d = document.createElement("span"); if (n === index) d.className = "is-current"; box.appendChild(d); });
  }

  function mark(all) {
    all.forEach(function (s, n) { s.classList.toggle("is-current", n === index); s.setAttribute("aria-hidden", n === index ? "false" : "true"); });
    dots(all);
  }

  function show(i) {
    var all = slides();
    window.clearTimeout(timer);
    if (!all.length) { timer = window.setTimeout(function () { show(0); }, seconds * 1000); return; }
    all.forEach(stopVideo);
    index = (i + all.length) % all.length;
    var current = all[index];
    mark(all);
    nextQuote(current);
    var wait = current.querySelector("video") ? startVideo(current) : (secondsOf(current) || seconds);
    timer = window.setTimeout(next, wait * 1000);
  }
  function next() { show(index + 1); }

  /* Put the fresh slides in place, keeping each video slide whose video is unchanged (by key). */
  function merge(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var current = slides()[index];
    var currentKey = current ? current.getAttribute("data-key") : null;
    var old = {};
    slides().forEach(function (s) { old[s.getAttribute("data-key")] = s; });
    var fresh = Array.prototype.slice.call(holder.querySelectorAll(":scope > .slide")).map(function (s) {
      var key = s.getAttribute("data-key");
      var kept = old[key];
      var src = s.getAttribute("data-src");
      if (kept && src && kept.getAttribute("data-src") === src && kept.getAttribute("data-seconds") === s.getAttribute("data-seconds")) return kept;
      s.classList.toggle("is-current", key === currentKey); // no fade out and in of the slide on show
      if (visits[key] !== undefined) quoteAt(s, visits[key]);
      return s;
    });
    slides().forEach(function (s) { if (fresh.indexOf(s) < 0) { stopVideo(s); s.remove(); } });
    fresh.forEach(function (s, n) {
      var at = root.children[n];
      if (at !== s) root.insertBefore(s, at || null);
    });
    var found = fresh.map(function (s) { return s.getAttribute("data-key"); }).indexOf(currentKey);
    if (found >= 0) {
      index = found;
      mark(fresh);
    } else {
      show(Math.min(index, Math.max(fresh.length - 1, 0)));
    }
  }

  var busy = false;
  function reload() {
    if (busy) return;
    busy = true;
    fetch(root.getAttribute("data-fragment"), { cache: "no-store" })
      .then(function (r) {
        if (r.status === 404) { window.location.reload(); throw new Error("gone"); }
        if (!r.ok) throw new Error(r.status);
        return r.text();
      })
      .then(merge)
      .catch(function () {})
      .then(function () { busy = false; });
  }

  show(0);
  window.setInterval(reload, 5 * 60 * 1000);
  document.addEventListener("nps:live", reload);
})();
