// pillar serve: live reload. The server adds this script to HTML responses while it serves;
// it is never part of a built site. It reloads the page after a newer good build and shows
// the errors of a failed build as an overlay (the last good page stays beneath it).
(function () {
  "use strict";
  var OVERLAY = "pillar-error-overlay";
  var me = document.currentScript;
  var page = { server: 0, build: 0, error: null };
  try {
    page = JSON.parse(me.getAttribute("data-pillar-status"));
  } catch (e) { /* keep the default: the first message decides */ }

  // `built`: whether this run of serve has built the site at least once.
  function show(text, built) {
    var box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;box-sizing:border-box;" +
        "margin:0;padding:1.5rem;background:rgba(28,8,8,.98);color:#fff;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#ffb3b3";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;font:inherit";
      box.appendChild(title);
      box.appendChild(pre);
      (document.body || document.documentElement).appendChild(box);
    }
    box.firstChild.textContent = built
      ? "pillar: the last build failed. The page beneath is the last good build; " +
        "fix the problem and save to reload."
      : "pillar: the site could not be built. " +
        "Fix the problem and save: the page reloads by itself.";
    // textContent: the diagnostics are shown as text, never parsed as HTML.
    box.lastChild.textContent = text;
  }

  function hide() {
    var box = document.getElementById(OVERLAY);
    if (box) box.remove();
  }

  function apply(s) {
    if (s.server !== page.server || s.build !== page.build) {
      location.reload();
      return;
    }
    if (s.error) show(s.error, s.build > 0);
    else hide();
  }

  apply(page);
  if (!window.WebSocket) return;

  var wait = 250;
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") +
      location.host + "/__pillar/live");
    ws.onopen = function () { wait = 250; };
    ws.onmessage = function (e) {
      try { apply(JSON.parse(e.data)); } catch (err) { /* not ours */ }
    };
    // The server restarted or stopped: try again, less and less often.
    ws.onclose = function () {
      setTimeout(connect, wait);
      wait = Math.min(wait * 2, 5000);
    };
  }
  connect();
})();
