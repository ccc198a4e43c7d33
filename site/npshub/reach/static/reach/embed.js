/* NPS Hub: the embedded score. Renders aggregate figures only, as text (never HTML). */
(function () {
  "use strict";
  var config = __CONFIG__;
  var script = document.currentScript;
  var lang = (document.documentElement.lang || "en").slice(0, 2) === "ru" ? "ru" : "en";
  var words = {
    en: { title: "Net Promoter Score", basis: function (n, d) { return n + " answers, last " + d + " days"; },
          trend: "Monthly trend", none: "No answers yet" },
    ru: { title: "Индекс NPS", basis: function (n, d) { return "ответов: " + n + ", за " + d + " дн."; },
          trend: "По месяцам", none: "Пока нет ответов" }
  }[lang];
  var number = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var whole = new Intl.NumberFormat(lang);

  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.setAttribute("style", style);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sparkline(points) {
    var ns = "http://www.w3.org/2000/svg", width = 160, height = 40;
    var values = points.filter(function (p) { return p.nps !== null; });
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", words.trend);
    if (values.length < 2) return svg;
    var scores = values.map(function (p) { return p.nps; });
    var low = Math.min.apply(null, scores), high = Math.max.apply(null, scores);
    if (high - low < 10) { var mid = (high + low) / 2; low = mid - 5; high = mid + 5; }
    var coords = values.map(function (p, i) {
      var x = (i / (values.length - 1)) * (width - 4) + 2;
      var y = height - 4 - ((p.nps - low) / (high - low)) * (height - 8);
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", coords.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", config.colors.brand || "#0B5FFF");
    line.setAttribute("stroke-width", "2");
    svg.appendChild(line);
    return svg;
  }

  function render(box, data) {
    box.textContent = "";
    var card = el("div", "font-family:" + config.font + ";display:inline-block;padding:12px 16px;border-radius:8px;" +
      "border:1px solid #d0d5dd;background:#fff;color:" + (config.colors["brand-dark"] || "#0A2A66") + ";");
    card.appendChild(el("div", "font-size:14px;font-weight:600;", words.title));
    var score = data.nps === null ? words.none : number.format(data.nps);
    var value = el("div", "font-size:40px;font-weight:700;line-height:1.1;color:" + (config.colors.brand || "#0B5FFF") + ";", score);
    value.setAttribute("data-nps", data.nps === null ? "" : String(data.nps));
    card.appendChild(value);
    card.appendChild(el("div", "font-size:12px;color:#475467;", words.basis(whole.format(data.responses), data.period_days)));
    if (data.trend) card.appendChild(sparkline(data.trend));
    box.appendChild(card);
    box.setAttribute("data-state", "shown");
  }

  var box = document.querySelector("[data-nps-hub-score]");
  if (!box) {
    box = el("div");
    box.setAttribute("data-nps-hub-score", "");
    if (script && script.parentNode) script.parentNode.insertBefore(box, script.nextSibling);
    else document.body.appendChild(box);
  }
  box.setAttribute("data-state", "loading");
  fetch(config.url, { mode: "cors", credentials: "omit" })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (data) { render(box, data); })
    .catch(function () { box.textContent = ""; box.setAttribute("data-state", "refused"); });
})();
