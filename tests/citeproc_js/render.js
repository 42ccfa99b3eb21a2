#!/usr/bin/env node
// Renders a bibliography with citeproc-js, the reference CSL processor, for
// tests/render/test_citeproc_agreement.py (its docstring explains the comparison).
//
// stdin (JSON):
//   {
//     "style":   "<style …>…</style>",            the CSL XML (the same file citeproc-py gets)
//     "locale":  "<locale …>…</locale>",          a locale XML, used for any language asked for
//     "locales": {"en-US": "<locale…>", …},       optional: per-language locale XML (wins over "locale")
//     "fallback": ["en-GB", "en-US"],             optional: languages to try when one is missing
//     "items":   [{CSL-JSON with "id"}, …],       in registration order
//     "format":  "text" | "html" | ["text", "html"]
//   }
// stdout (JSON):
//   {"version": "2.4.63",
//    "ids": ["id3", "id1", …],                    bibliography order
//    "entries": {"text": ["…", …], "html": ["…", …]}}  one string per entry, in that order
//   or, for a single format given as a string, also "bibliography": [...] (that format's entries).
// On error: {"error": "message"} on stdout and exit status 1.
//
// Nothing is fetched: the locale XML comes from citeproc-py's bundled locales, so both
// processors use the same terms, dates and punctuation rules.
"use strict";

const CSL = require("citeproc");
const citeprocVersion = require("citeproc/package.json").version;

function readStdin() {
  return require("fs").readFileSync(0, "utf8");
}

function fail(message) {
  process.stdout.write(JSON.stringify({ error: String(message) }) + "\n");
  process.exit(1);
}

function main() {
  let request;
  try {
    request = JSON.parse(readStdin());
  } catch (error) {
    fail("stdin is not JSON: " + error.message);
  }
  const items = request.items || [];
  const byId = new Map(items.map((item) => [String(item.id), item]));
  const locales = request.locales || {};
  const fallback = request.fallback || [];
  const formats = Array.isArray(request.format) ? request.format : [request.format || "text"];

  const sys = {
    retrieveItem: (id) => byId.get(String(id)),
    retrieveLocale: (lang) => {
      if (locales[lang]) return locales[lang];
      for (const other of fallback) {
        if (locales[other]) return locales[other];
      }
      return request.locale || false;
    },
  };

  let engine;
  try {
    engine = new CSL.Engine(sys, request.style, request.lang || undefined);
  } catch (error) {
    fail("citeproc-js cannot build the style: " + error.message);
  }
  engine.updateItems(items.map((item) => String(item.id)));

  const entries = {};
  let ids = null;
  for (const format of formats) {
    if (format !== "text" && format !== "html") fail("unknown format " + format);
    engine.setOutputFormat(format);
    const result = engine.makeBibliography();
    if (!result) fail("the style has no bibliography");
    const [params, strings] = result;
    const order = params.entry_ids.map((group) => String(group[0]));
    if (ids === null) ids = order;
    else if (JSON.stringify(ids) !== JSON.stringify(order)) fail("order differs between formats");
    entries[format] = strings.map((entry) => entry.replace(/\n+$/, ""));
  }
  const output = { version: citeprocVersion, ids: ids || [], entries };
  if (!Array.isArray(request.format)) output.bibliography = entries[formats[0]];
  process.stdout.write(JSON.stringify(output) + "\n");
}

main();
