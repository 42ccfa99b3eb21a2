/* evidencebib site: index search + sort, citation style menu, copy buttons.
   Progressive enhancement: without this script every page still shows its full content
   (the whole index table; the bibliography in the page's style, links to the other styles,
   download links). Nothing is fetched from elsewhere: the copy buttons' texts come from the
   condition's own exports.js, added as a script the first time they are wanted. */
(function () {
  "use strict";

  var STORAGE_KEY = "evidencebib.style";
  var HOUSE = "ig-criteria";

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* file:// or disabled */ }
    }
  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  /* URLSearchParams never throws on a malformed escape such as "?q=%" */
  function param(name) {
    try { return new URLSearchParams(window.location.search).get(name); } catch (e) { return null; }
  }

  /* -- index: search ------------------------------------------------------------------------
     A query is words and "quoted phrases"; a condition matches when it has every one of them.
     A word matches at the start of a word of the condition's text (enceph -> encephalitis,
     never inside a word: mune does not find immune); a phrase matches consecutive words. */

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }
  function parseQuery(query) {
    var terms = [];
    var pattern = /"([^"]*)"?|(\S+)/g;
    var match;
    var meaningful = false;
    while ((match = pattern.exec(query)) !== null) {
      var part = match[1] !== undefined ? match[1] : match[2];
      if (part.trim()) { meaningful = true; }
      var term = words(part);
      if (term.length) { terms.push(term); }
    }
    /* something typed that holds no word at all (a lone "%") matches nothing */
    return { terms: terms, empty: !meaningful, nothing: meaningful && terms.length === 0 };
  }
  function hasTerm(tokens, term) {
    var last = term.length - 1;
    for (var i = 0; i + last < tokens.length; i++) {
      var j = 0;
      while (j < last && tokens[i + j] === term[j]) { j++; }
      if (j === last && tokens[i + last].lastIndexOf(term[last], 0) === 0) { return true; }
    }
    return false;
  }

  function setupIndex() {
    var table = document.getElementById("conditions-table");
    if (!table) { return; }
    var controls = document.getElementById("index-controls");
    var input = document.getElementById("condition-search");
    var status = document.getElementById("search-status");
    var empty = document.getElementById("no-results");
    var printNote = document.getElementById("print-filter");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var tokens = rows.map(function (row) { return words(row.getAttribute("data-search") || ""); });

    function filter(updateUrl) {
      var query = parseQuery(input.value);
      var shown = 0;
      rows.forEach(function (row, index) {
        var match = !query.nothing && query.terms.every(function (term) {
          return hasTerm(tokens[index], term);
          });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      empty.hidden = shown !== 0;
      var filtered = !query.empty;
      status.textContent = filtered
        ? "Showing " + shown + " of " + rows.length + " conditions."
        : rows.length + (rows.length === 1 ? " condition." : " conditions.");
      printNote.textContent = filtered
        ? "Conditions matching the search " + input.value.trim() + ": " + shown + " of " +
          rows.length + "."
        : "";
      printNote.hidden = !filtered;
      if (updateUrl) {
        var url = new URL(window.location.href);
        if (filtered) { url.searchParams.set("q", input.value); } else { url.searchParams.delete("q"); }
        try { window.history.replaceState(null, "", url.href); } catch (e) { /* file:// in some browsers */ }
      }
    }

    /* -- sort: conditions without a category (data-category="") stay last, both ways -------- */
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var current = { key: null, ascending: true };

    function sortBy(key, type, ascending) {
      var sorted = rows.slice().sort(function (a, b) {
        var x = a.getAttribute("data-" + key) || "";
        var y = b.getAttribute("data-" + key) || "";
        var order;
        if (x === "" || y === "") {
          order = (x === "") - (y === "");
          if (order !== 0) { return order; }
        }
        if (type === "number") { order = Number(x) - Number(y); }
        else { order = x < y ? -1 : (x > y ? 1 : 0); }
        if (order === 0) {
          return (a.getAttribute("data-title") || "").localeCompare(b.getAttribute("data-title") || "");
        }
        return ascending ? order : -order;
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (th) {
        var indicator = th.querySelector(".sort-indicator");
        if (!indicator) { return; }
        if (th.getAttribute("data-sort") === key) {
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          indicator.textContent = ascending ? "\u25B2" : "\u25BC";
        } else {
          th.removeAttribute("aria-sort");
          indicator.textContent = "\u2195";
        }
      });
      current = { key: key, ascending: ascending };
    }

    headers.forEach(function (th) {
      var key = th.getAttribute("data-sort");
      if (!key) { return; }
      var type = th.getAttribute("data-sort-type") || "text";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.setAttribute("data-sort-button", key);
      var label = document.createElement("span");
      label.className = "sort-label";
      th.setAttribute("data-print-label", th.textContent.trim());
      while (th.firstChild) { label.appendChild(th.firstChild); }
      button.appendChild(label);
      var indicator = document.createElement("span");
      indicator.className = "sort-indicator";
      indicator.setAttribute("aria-hidden", "true");
      indicator.textContent = "\u2195";
      button.appendChild(indicator);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = current.key === key ? !current.ascending : true;
        sortBy(key, type, ascending);
      });
    });
    if (headers.some(function (th) { return th.getAttribute("data-sort") === "title"; })) {
      sortBy("title", "text", true);
    }

    /* the reader's last citation style: condition links go straight to that style's page */
    var chosen = recall(STORAGE_KEY);
    var pages = {};
    try { pages = JSON.parse(document.body.getAttribute("data-style-pages") || "{}"); } catch (e) { pages = {}; }
    if (chosen && pages[chosen] && chosen !== HOUSE) {
      Array.prototype.forEach.call(document.querySelectorAll("a[data-condition-link]"), function (a) {
        a.setAttribute("href", a.getAttribute("href").replace(/index\.html$/, pages[chosen]));
      });
    }

    controls.hidden = false;
    input.addEventListener("input", function () { filter(true); });
    var initial = param("q");
    if (initial) { input.value = initial; }
    filter(false);
    /* Back from a condition: the browser may restore the box's text without the filter */
    window.addEventListener("pageshow", function () {
      var again = param("q");
      if (again !== null && again !== input.value) { input.value = again; }
      filter(false);
    });
  }

  /* -- condition page: style menu ---------------------------------------------------------
     Each style is its own page (apa.html …): the menu loads it, keeping #ref-KEY. */

  function setupStyles() {
    var form = document.getElementById("style-switcher");
    var current = document.body.getAttribute("data-style");
    var select = document.getElementById("style-select");
    var hrefs = {};
    if (select) {
      Array.prototype.forEach.call(select.options, function (option) {
        hrefs[option.value] = option.getAttribute("data-href");
      });
    }
    /* an old link with ?style=NAME goes to that style's page */
    var asked = param("style");
    if (asked && hrefs[asked] && asked !== current) {
      window.location.replace(hrefs[asked] + window.location.hash);
      return;
    }
    if (!form || !select) { return; }
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    select.addEventListener("change", function () {
      var href = hrefs[select.value];
      if (!href) { return; }
      store(STORAGE_KEY, select.value);
      window.location.assign(href + window.location.hash);
    });
    /* Back restores the page from the cache with the menu as it was left: put it right */
    window.addEventListener("pageshow", function () { select.value = current; });
    select.value = current;
    form.hidden = false;
    var links = document.querySelector(".style-links");
    if (links) { links.hidden = true; }
    var label = document.getElementById("style-links-label");
    if (label) { label.hidden = true; }
    Array.prototype.forEach.call(document.querySelectorAll(".style-links a"), function (a) {
      a.addEventListener("click", function () { store(STORAGE_KEY, a.getAttribute("data-style")); });
    });
  }

  /* -- condition page: copy a reference (formatted, RIS, BibTeX, CSL-JSON) ---------------- */

  var exportsLoading = null;

  function loadExports() {
    if (window.evidencebibExports) { return Promise.resolve(window.evidencebibExports); }
    if (!exportsLoading) {
      exportsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = "exports.js";
        script.onload = function () { resolve(window.evidencebibExports || {}); };
        script.onerror = function () { exportsLoading = null; reject(new Error("exports.js did not load")); };
        document.head.appendChild(script);
      });
    }
    return exportsLoading;
  }

  function writeClipboard(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "readonly");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      document.body.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  var LABELS = { citation: "Reference", ris: "RIS", bibtex: "BibTeX", "csl-json": "CSL-JSON" };

  function setupCopy() {
    var status = document.getElementById("copy-status");
    var bibliography = document.getElementById("bibliography");
    if (!status || !bibliography) { return; }
    var tools = bibliography.querySelectorAll(".ref-tools");
    Array.prototype.forEach.call(tools, function (tool) {
      var key = tool.parentNode.getAttribute("data-key");
      var group = document.createElement("span");
      group.className = "copy-buttons";
      var label = document.createElement("span");
      label.className = "ref-tools-label";
      label.textContent = "Copy";
      group.appendChild(label);
      ["citation", "ris", "bibtex", "csl-json"].forEach(function (format) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy-button";
        button.setAttribute("data-copy", format);
        button.textContent = LABELS[format];
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " of " + key;
        button.appendChild(hidden);
        group.appendChild(button);
      });
      tool.insertBefore(group, tool.firstChild);
    });
    /* fetch the texts early when a reader heads for a button */
    bibliography.addEventListener("focusin", function (event) {
      if (event.target.getAttribute && event.target.getAttribute("data-copy")) { loadExports().catch(function () {}); }
    });
    bibliography.addEventListener("pointerover", function (event) {
      if (event.target.closest && event.target.closest(".ref-tools")) { loadExports().catch(function () {}); }
    });
    // an entry's text as a reader sees it: citeproc-js's display divs touch ("1." + "Banjar"),
    // the style sheet sets them apart, so a space is put after a left margin
    function entryText(element) {
      var clone = element.cloneNode(true);
      Array.prototype.forEach.call(clone.querySelectorAll(".csl-left-margin"), function (margin) {
        margin.appendChild(document.createTextNode(" "));
    });
      return clone.textContent.replace(/\s+/g, " ").trim();
  }

    bibliography.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
      if (!button) { return; }
      var entry = button.closest("li.entry");
      var key = entry.getAttribute("data-key");
      var format = button.getAttribute("data-copy");
      var text = format === "citation"
        ? Promise.resolve(entryText(entry.querySelector(".csl-entry")))
        : loadExports().then(function (all) {
          var texts = all[key] || {};
          if (!texts[format]) { throw new Error("no " + LABELS[format] + " text"); }
          return texts[format];
        });
      status.textContent = "";
      text.then(writeClipboard).then(function () {
        status.textContent = LABELS[format] + (format === "citation" ? "" : " text") + " of " + key + " copied.";
      }, function () {
        status.textContent = "Could not copy " + LABELS[format] + " of " + key + "; use the download link.";
      });
    });
  }

  function init() {
    setupIndex();
    setupStyles();
    setupCopy();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
