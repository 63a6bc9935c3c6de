/* Search for pillar sites: turns the header's fallback link into a search box over
   search-index.json (built with the site). Without scripts the link stays. */
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  if (!box || !window.fetch) return;
  var root = box.getAttribute("data-root") || "";
  var index = null;
  var form = document.createElement("form");
  form.setAttribute("role", "search");
  form.className = "search-form";
  var id = "site-search-input";
  form.innerHTML =
    '<label class="visually-hidden" for="' + id + '"></label>' +
    '<input id="' + id + '" type="search" autocomplete="off" spellcheck="false">' +
    '<p class="search-status visually-hidden" role="status" aria-live="polite"></p>' +
    '<ol class="search-results" hidden></ol>';
  var label = form.querySelector("label");
  var input = form.querySelector("input");
  var status = form.querySelector(".search-status");
  var list = form.querySelector(".search-results");
  label.textContent = box.getAttribute("data-label");
  input.placeholder = box.getAttribute("data-placeholder");
  input.setAttribute("aria-controls", "site-search-results");
  list.id = "site-search-results";
  box.textContent = "";
  box.appendChild(form);

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(box.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (data) {
      index = data.map(function (e) {
        return { t: e.t, u: e.u, d: e.d || "", s: e.s, hay: (e.t + " " + (e.d || "") + " " + e.s).toLowerCase(), title: e.t.toLowerCase() };
      });
      return index;
    });
  }

  function snippet(text, word) {
    var i = text.toLowerCase().indexOf(word);
    if (i < 0) return text.slice(0, 140);
    var start = Math.max(0, i - 60);
    var space = text.lastIndexOf(" ", i);
    if (space > start && space < i) start = space + 1; // not mid-word
    return (start > 0 ? "…" : "") + text.slice(start, i + 100) + "…";
  }

  function escape(w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // Whether `word` stands as a whole word in `text` (not inside a longer one).
  function whole(text, word) {
    return new RegExp("(^|[^\\p{L}\\p{N}])" + escape(word) + "($|[^\\p{L}\\p{N}])", "u").test(text);
  }

  // Appends `text` to `el`, each occurrence of a query word in a <mark>.
  function marked(el, text, words) {
    var re = new RegExp(words.map(escape).join("|"), "gi");
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      el.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      el.appendChild(mark);
      last = m.index + m[0].length;
    }
    el.appendChild(document.createTextNode(text.slice(last)));
  }

  // A page's score for `word`: in the title above in the text, a whole word above a part of one.
  function score(e, word) {
    if (e.hay.indexOf(word) < 0) return 0;
    var inTitle = e.title.indexOf(word) >= 0;
    return (inTitle ? 10 : 1) * (whole(inTitle ? e.title : e.hay, word) ? 4 : 1);
  }

  function search(q) {
    var words = q.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 1; });
    list.textContent = "";
    if (!words.length) { list.hidden = true; status.textContent = ""; return; }
    load().then(function (entries) {
      var hits = [];
      entries.forEach(function (e) {
        var total = 0;
        for (var k = 0; k < words.length; k++) {
          var s = score(e, words[k]);
          if (!s) return;
          total += s;
        }
        hits.push({ e: e, score: total });
      });
      hits.sort(function (a, b) { return b.score - a.score; });
      hits.slice(0, 10).forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + h.e.u;
        marked(a, h.e.t, words);
        var p = document.createElement("p");
        marked(p, snippet(h.e.s || h.e.d, words[0]), words);
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      status.textContent = hits.length
        ? (hits.length === 1 ? box.getAttribute("data-count-one") : box.getAttribute("data-count")).replace("{n}", hits.length)
        : box.getAttribute("data-none");
      if (!hits.length) { list.hidden = false; var li = document.createElement("li"); li.textContent = status.textContent; list.appendChild(li); }
    });
  }

  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 80);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { input.value = ""; search(""); }
  });
})();
