// The back office's one script, ours and served from here (nothing from another site).
// In a Telegram Mini App: hand Telegram's signed launch data to the server, and wear the
// chat's theme colours. Everything else works without it.
(function () {
  "use strict";
  var launch = new URLSearchParams(window.location.hash.slice(1));
  var theme = launch.get("tgWebAppThemeParams");
  if (theme) {
    try { sessionStorage.setItem("tgTheme", theme); } catch (e) { /* private mode */ }
  } else {
    try { theme = sessionStorage.getItem("tgTheme"); } catch (e) { theme = null; }
  }
  if (theme) {
    try {
      var colours = JSON.parse(theme);
      Object.keys(colours).forEach(function (name) {
        if (/^#[0-9a-fA-F]{3,8}$/.test(colours[name])) {
          document.documentElement.style.setProperty("--tg-" + name.replace(/_/g, "-"), colours[name]);
        }
      });
    } catch (e) { /* not JSON: keep our own colours */ }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("launch");
    var data = launch.get("tgWebAppData");
    if (form && data) {
      document.getElementById("init-data").value = data;
      form.submit();
    }
  });
})();
