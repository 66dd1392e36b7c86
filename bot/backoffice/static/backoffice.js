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
  // The orders board: redrawn in place every few seconds while open, unless someone is
  // typing into it (a code, a reason): what they type is never lost.
  function refreshBoard(board) {
    var busy = board.contains(document.activeElement) &&
      /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
    if (busy || document.hidden) return;
    fetch(board.dataset.refresh, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var stillBusy = board.contains(document.activeElement) &&
          /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName);
        if (html !== null && !stillBusy) board.innerHTML = html;
      })
      .catch(function () { /* offline a moment: the next round tries again */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (board && board.dataset.refresh) {
      setInterval(function () { refreshBoard(board); }, 4000);
    }
    var form = document.getElementById("launch");
    var data = launch.get("tgWebAppData");
    if (form && data) {
      document.getElementById("init-data").value = data;
      form.submit();
    }
  });
})();
