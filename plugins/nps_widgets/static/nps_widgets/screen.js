/* Meeting-room screen: cycles the slides, refreshes them on every live update (through the
   screen's own stream, no session) and every few minutes as a safety net. */
(function () {
  "use strict";
  var root = document.getElementById("screen-slides");
  if (!root) return;
  var seconds = parseInt(root.getAttribute("data-seconds"), 10) || 12;
  var index = 0;

  function slides() { return root.querySelectorAll(".slide"); }
  function show(i) {
    var all = slides();
    if (!all.length) return;
    index = (i + all.length) % all.length;
    all.forEach(function (s, n) { s.classList.toggle("is-current", n === index); s.setAttribute("aria-hidden", n === index ? "false" : "true"); });
    var dots = document.getElementById("screen-dots");
    if (dots) {
      dots.innerHTML = "";
      all.forEach(function (_s, n) { var d = document.createElement("span"); if (n === index) d.className = "is-current"; dots.appendChild(d); });
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
      .then(function (html) { root.innerHTML = html; show(index); })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  show(0);
  window.setInterval(function () { show(index + 1); }, seconds * 1000);
  window.setInterval(reload, 5 * 60 * 1000);
  document.addEventListener("nps:live", reload);
})();
