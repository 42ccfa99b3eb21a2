/* evidencebib site: index search + sort, citation style switcher.
   Progressive enhancement: without this script every page still shows its full content
   (the whole index table; the house-style bibliography). Nothing is fetched from anywhere. */
(function () {
  "use strict";

  var STORAGE_KEY = "evidencebib.style";

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* file:// or disabled */ }
  }
  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function param(name) {
    var match = new RegExp("[?&]" + name + "=([^&#]*)").exec(window.location.search);
    return match ? decodeURIComponent(match[1].replace(/\+/g, " ")) : null;
  }

  /* -- index: search and sort ---------------------------------------------------------- */

  function setupIndex() {
    var table = document.getElementById("conditions-table");
    if (!table) { return; }
    var controls = document.getElementById("index-controls");
    var input = document.getElementById("condition-search");
    var status = document.getElementById("search-status");
    var empty = document.getElementById("no-results");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      empty.hidden = shown !== 0;
      status.textContent = words.length
        ? "Showing " + shown + " of " + rows.length + " conditions."
        : rows.length + (rows.length === 1 ? " condition." : " conditions.");
    }

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var current = { key: null, ascending: true };

    function sortBy(key, type, ascending) {
      var sorted = rows.slice().sort(function (a, b) {
        var x = a.getAttribute("data-" + key) || "";
        var y = b.getAttribute("data-" + key) || "";
        var order;
        if (type === "number") { order = Number(x) - Number(y); }
        else { order = x.localeCompare(y); }
        if (order === 0) {
          order = (a.getAttribute("data-title") || "").localeCompare(b.getAttribute("data-title") || "");
          return order;
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
      while (th.firstChild) { button.appendChild(th.firstChild); }
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

    controls.hidden = false;
    input.addEventListener("input", filter);
    var initial = param("q");
    if (initial) { input.value = initial; }
    filter();
  }

  /* -- condition page: style switcher ---------------------------------------------------- */

  function setupStyles() {
    var form = document.getElementById("style-switcher");
    if (!form) { return; }
    var select = document.getElementById("style-select");
    var status = document.getElementById("style-status");
    var blocks = Array.prototype.slice.call(document.querySelectorAll(".bib[data-style]"));
    var available = blocks.map(function (b) { return b.getAttribute("data-style"); });

    function show(style, announce) {
      if (available.indexOf(style) === -1) { style = available[0]; }
      blocks.forEach(function (block) {
        block.hidden = block.getAttribute("data-style") !== style;
      });
      select.value = style;
      document.documentElement.setAttribute("data-style", style);
      if (announce) {
        status.textContent = "References shown in " +
          select.options[select.selectedIndex].text + " style.";
      }
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    select.addEventListener("change", function () {
      store(STORAGE_KEY, select.value);
      show(select.value, true);
    });
    form.hidden = false;
    show(param("style") || recall(STORAGE_KEY) || available[0], false);
  }

  function init() {
    setupIndex();
    setupStyles();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
