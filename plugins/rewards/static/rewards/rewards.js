// Shows the signed-in employee's unread rewards notifications (new badges, kudos, approvals)
// as a count in the header, linking to their profile where they are listed.
(function () {
  var tools = document.querySelector(".site-tools");
  if (!tools || !document.querySelector(".site-user")) return;
  fetch("/api/v1/rewards/notifications/", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) return;
      var link = document.createElement("a");
      link.href = "/me/";
      link.className = "rw-bell";
      link.setAttribute("data-notifications", data.unread);
      var label = document.documentElement.lang === "ru" ? "Уведомления" : "Notifications";
      link.setAttribute("aria-label", label + ": " + data.unread);
      link.textContent = label;
      var count = document.createElement("span");
      count.className = "rw-bell__count";
      count.textContent = data.unread;
      link.appendChild(count);
      tools.insertBefore(link, tools.querySelector(".site-user"));
    })
    .catch(function () {});
})();
