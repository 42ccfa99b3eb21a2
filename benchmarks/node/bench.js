#!/usr/bin/env node
// citeproc-js timing runner for benchmarks/render_throughput.py.
// stdin: {"style": xml, "locales": {lang: xml}, "fallback": [lang…], "items": [CSL-JSON], "repeat": n}
// stdout: {"version", "construct_s", "render_s": [per repeat], "ids": [...], "entries": [text…]}
// Times updateItems + makeBibliography("text") on a fresh engine per repeat (engine construction
// is timed separately). citeproc is taken from tests/citeproc_js/node_modules (a colleague's
// installation, used read-only) or else from benchmarks/node/node_modules.
"use strict";
const path = require("path");
const fs = require("fs");

function loadCiteproc() {
  const candidates = [
    path.join(__dirname, "..", "..", "tests", "citeproc_js", "node_modules", "citeproc"),
    path.join(__dirname, "node_modules", "citeproc"),
  ];
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, "package.json"))) {
      return { CSL: require(dir), version: require(path.join(dir, "package.json")).version, dir };
    }
  }
  throw new Error("citeproc-js not installed: run `npm ci` in benchmarks/node (or scripts/setup-citeproc-js)");
}

function main() {
  const { CSL, version, dir } = loadCiteproc();
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const items = request.items;
  const byId = new Map(items.map((item) => [String(item.id), item]));
  const locales = request.locales || {};
  const fallback = request.fallback || [];
  const sys = {
    retrieveItem: (id) => byId.get(String(id)),
    retrieveLocale: (lang) => {
      if (locales[lang]) return locales[lang];
      for (const other of fallback) if (locales[other]) return locales[other];
      return false;
    },
  };
  const repeat = request.repeat || 1;
  const renderTimes = [];
  let constructTime = null;
  let result = null;
  const ids = items.map((item) => String(item.id));
  for (let r = 0; r < repeat; r++) {
    let t0 = process.hrtime.bigint();
    const engine = new CSL.Engine(sys, request.style);
    const t1 = process.hrtime.bigint();
    if (constructTime === null) constructTime = Number(t1 - t0) / 1e9;
    engine.setOutputFormat("text");
    t0 = process.hrtime.bigint();
    engine.updateItems(ids);
    const bib = engine.makeBibliography();
    renderTimes.push(Number(process.hrtime.bigint() - t0) / 1e9);
    result = bib;
  }
  const [params, strings] = result;
  process.stdout.write(JSON.stringify({
    version, from: dir, construct_s: constructTime, render_s: renderTimes,
    ids: params.entry_ids.map((group) => String(group[0])),
    entries: strings.map((entry) => entry.replace(/\n+$/, "")),
  }) + "\n");
}

main();
