#!/usr/bin/env node
// Issue 15 audit: what citeproc-js prints for two same-author entries dated 2014/2015.
//   node tests/tools/citeproc_js_range_suffix.js styles/ig-criteria.csl <locales-en-US.xml>
// (the locale: citeproc-py's, `python -c "import citeproc; print(citeproc.LOCALES_PATH)"`).
// Prints the cluster, the bibliography, the year suffixes the registry assigned and the
// ambiguity keys (with ig-criteria.csl the first key reads "Smith 2014–accessed 2015").
"use strict";
const path = require("path");
const fs = require("fs");
const CSL = require(path.join(__dirname, "..", "citeproc_js", "node_modules", "citeproc"));
const [style, locale] = [fs.readFileSync(process.argv[2], "utf8"), fs.readFileSync(process.argv[3], "utf8")];
const item = (id, title) => ({id, type: "article-journal", author: [{family: "Smith", given: "Jane"}],
  title, "container-title": "J", issued: {"date-parts": [[2014], [2015]]}});
const items = {one: item("one", "One"), two: item("two", "Two")};
const engine = new CSL.Engine({retrieveLocale: () => locale, retrieveItem: (id) => items[id]}, style);
engine.setOutputFormat("text");
engine.updateItems(["one", "two"]);
const reg = engine.registry.registry;
console.log("cluster:", engine.makeCitationCluster([{id: "one"}, {id: "two"}]));
console.log("bibliography:", JSON.stringify(engine.makeBibliography()[1]));
console.log("year_suffix:", reg.one.disambig.year_suffix, reg.two.disambig.year_suffix);
console.log("ambiguity keys:", JSON.stringify(reg.one.ambig), JSON.stringify(reg.two.ambig));
