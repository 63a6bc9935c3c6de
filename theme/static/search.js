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

  // The index: the pages (title, URL, description, first words) and every word of their
  // whole text with the pages that hold it, as gaps between page numbers. A big site's index
  // comes in parts: the first lists the others' files ("more"), each numbering its own pages;
  // they are joined here in order, each part's pages after the last's.
  var loading = null;
  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }
  function join(parts) {
    var pages = [], byWord = new Map();
    parts.forEach(function (data) {
      var offset = pages.length;
      data.p.forEach(function (e) {
        pages.push({ t: e.t, u: e.u, d: e.d || "", s: e.s || "", title: e.t.toLowerCase() });
      });
      Object.keys(data.w).forEach(function (w) {
        var at = offset, list = byWord.get(w);
        if (!list) byWord.set(w, list = []);
        data.w[w].forEach(function (gap) { at += gap; list.push(at); });
      });
    });
    var words = [];
    byWord.forEach(function (list, w) { words.push({ w: w, pages: list }); });
    return { pages: pages, words: words };
  }
  function load() {
    if (!loading) {
      var url = new URL(box.getAttribute("data-index"), location.href);
      loading = json(url.href).then(function (first) {
        var rest = (first.more || []).map(function (name) { return json(new URL(name, url).href); });
        return Promise.all(rest).then(function (parts) { index = join([first].concat(parts)); });
      }).catch(function (e) { loading = null; throw e; });
    }
    return loading;
  }

  function escape(w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // Whether `word` stands as a whole word in `text` (not inside a longer one).
  function whole(text, word) {
    return new RegExp("(^|[^\\p{L}\\p{N}])" + escape(word) + "($|[^\\p{L}\\p{N}])", "u").test(text);
  }

  // Each page's score for one query word (page number to score): a word of the page's
  // title above one of its text, a whole word above a part of a longer one.
  function scores(word) {
    var out = new Map();
    index.words.forEach(function (v) {
      var at = v.w.indexOf(word);
      if (at < 0) return;
      var s = v.w === word ? 4 : 1;
      v.pages.forEach(function (p) { if ((out.get(p) || 0) < s) out.set(p, s); });
    });
    out.forEach(function (s, p) {
      var title = index.pages[p].title;
      if (title.indexOf(word) >= 0) out.set(p, 10 * (whole(title, word) ? 4 : 1));
    });
    return out;
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

  // A stretch of `text` around the first of `words` in it (null when none is).
  function snippet(text, words) {
    var low = text.toLowerCase(), i = -1;
    for (var k = 0; k < words.length && i < 0; k++) i = low.indexOf(words[k]);
    if (i < 0) return null;
    var start = Math.max(0, i - 60);
    var space = text.indexOf(" ", start);
    if (start > 0 && space >= 0 && space < i) start = space + 1; // not mid-word
    var end = text.indexOf(" ", i + 100);
    if (end < 0) end = text.length;
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  // The text of a page's <main>, fetched once, for a match beyond the index's first words.
  var texts = new Map();
  function pageText(url) {
    if (!texts.has(url)) {
      texts.set(url, fetch(url).then(function (r) { return r.text(); }).then(function (html) {
        var main = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        return main ? main.textContent.replace(/\s+/g, " ").trim() : "";
      }).catch(function () { return ""; }));
    }
    return texts.get(url);
  }

  function fill(p, e, words) {
    var near = snippet(e.s, words) || snippet(e.d, words);
    if (near) { marked(p, near, words); return; }
    marked(p, e.d || e.s, words);
    pageText(root + e.u).then(function (text) {
      var found = text && snippet(text, words);
      if (found) { p.textContent = ""; marked(p, found, words); }
    });
  }

  var asked = 0;
  function search(q) {
    var words = q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; });
    var ask = ++asked;
    if (!words.length) { list.textContent = ""; list.hidden = true; status.textContent = ""; return; }
    load().then(function () {
      if (ask !== asked) return; // a later keystroke has its own search
      list.textContent = "";
      var total = null;
      words.forEach(function (w) {
        var s = scores(w);
        if (!total) { total = s; return; }
        var both = new Map();
        total.forEach(function (t, p) { if (s.has(p)) both.set(p, t + s.get(p)); });
        total = both;
      });
      var hits = [];
      total.forEach(function (score, p) { hits.push({ e: index.pages[p], p: p, score: score }); });
      hits.sort(function (a, b) { return b.score - a.score || a.p - b.p; });
      hits.slice(0, 10).forEach(function (h) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = root + h.e.u;
        marked(a, h.e.t, words);
        var p = document.createElement("p");
        fill(p, h.e, words);
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
