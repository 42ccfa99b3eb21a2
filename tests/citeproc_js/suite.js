#!/usr/bin/env node
// Runs CSL test-suite fixtures (and fixture-shaped jobs) through citeproc-js, the way citeproc-js's
// own test runner does, for tests/render/csl_suite/ and tests/render/everyday/.
//
// The driving follows Juris-M/citeproc-test-runner (lib/sys.js, `Sys.prototype.run` and
// `updateDoc`), re-written here, not copied:
//   - one CSL.Engine per fixture, built from the fixture's CSL with no language argument (the
//     style's default-locale, else en-US); retrieveLocale reads `locales-<lang>.xml` from
//     `localesDir` (citeproc-py's bundled locales; the suite's README says so) with the XML
//     declaration removed, and answers false for a language without a file;
//   - OPTIONS: each key is set on the sys object and in engine.opt.development_extensions;
//     `variableWrapper` installs the runner's wrapper (a link around a first-position title with
//     a URL, bold around a non-first first-reference-note-number);
//   - MODE submodes (`citation-rtf`, `bibliography-nosort` …) as the runner reads them;
//   - ABBREVIATIONS loaded into the sys's abbreviation cache, keys normalised as the runner does;
//     (the runner also preloads jurisdiction abbreviations from the `citeproc-abbrevs` package for
//     items with a `jurisdiction`; that package is not installed, so that preload is not done);
//   - items registered with updateItems: each list of BIBENTRIES in turn, else every INPUT id,
//     except when CITATIONS are given (then processCitationCluster registers them);
//   - citations: CITATION-ITEMS clusters through makeCitationCluster, one after another; without
//     CITATION-ITEMS or CITATIONS, one cluster of every registered item in registry order;
//     CITATIONS through processCitationCluster(citation, pre, post), keeping the document as the
//     runner does, and printed as `..[i] text` (not updated by the last call) / `>>[i] text`;
//   - bibliography mode: makeBibliography(BIBSECTION), bibstart + entries + bibend.
//
// stdin (JSON): {"localesDir": "…", "jobs": [job, …]} where a job is
//   {"kind": "fixture", "fixture": {"NAME", "MODE", "CSL", "INPUT", optional sections …}}
//     -> {"result": "<what the runner compares with RESULT>",
//         "citations": ["<cluster>", …]           makeCitationCluster strings, or the doc lines
//         "bibliography": {"ids": [...], "entries": ["<div class=\"csl-entry\">…</div>", …]}
//                                                 when the style has a bibliography (asked for
//                                                 after the citations, in every mode)}
//   {"kind": "document", "CSL", "INPUT", "clusters": [{"citationID", "citationItems",
//                                                      "properties": {"noteIndex"}}, …]}
//     -> {"citations": {"<citationID>": "<text>", …}}   each cluster processed in document order
//        with every earlier one as citationsPre (a fresh engine: a whole document at once);
//   optional for any job: "format": "html" (default) | "text" | "rtf"; "locales": {"en-US": "<locale…>"}
//   (locale XML used instead of the file of that language).
// stdout (JSON): {"version": "2.4.63", "results": [{"name", …answer} or {"name", "error"}, …]}
// With `--lines LOCALES_DIR`: one job per stdin line, one answer per stdout line.
"use strict";

const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");
const citeprocVersion = require("citeproc/package.json").version;

// The runner's Turkish month names (it adds them to every engine's date parser).
const TURKISH_MONTHS = ["ocak", "Şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos",
  "eylül", "ekim", "kasım", "aralık", "bahar", "yaz", "sonbahar", "kış"];

// Abbreviation keys: what the runner's normalizeAbbrevsKey does to a title-like key (drops
// small words and punctuation, lower-cases) or to a jurisdiction/country (upper-cases).
function abbreviationKey(variable, key) {
  const text = key ? String(key).trim() : "";
  if (variable === "jurisdiction" || variable === "country") return text.toUpperCase();
  return text
    .replace(/(?:\b|^)(?:and|et|y|und|l[ae]|the|[ld]')(?:\b|$)|[\x21-\x2C./\x3A-\x40\x5B-\x60\\\x7B\x7D-\x7E]/ig, "")
    .replace(/\s*\x7C\s*/g, "\x7C")
    .replace(/\./g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

function runnerVariableWrapper(params, prePunct, str, postPunct) {
  const variable = params.variableNames[0];
  if (variable === "title" && params.itemData.URL && params.context === "citation"
      && params.position === "first") {
    return prePunct + "<a href=\"" + params.itemData.URL + "\">" + str + "</a>" + postPunct;
  }
  if (variable === "first-reference-note-number" && params.context === "citation"
      && params.position !== "first") {
    return prePunct + "<b>" + str + "</b>" + postPunct;
  }
  return prePunct + str + postPunct;
}

class FixtureSys {
  constructor(localesDir, items, options, locales) {
    this.localesDir = localesDir;
    this.localeTexts = locales || {};
    this.items = new Map();
    this.ids = [];
    this.setItems(items);
    this.abbreviations = { default: new CSL.AbbreviationSegments() };
    for (const key of Object.keys(options || {})) this[key] = options[key];
    if (options && options.variableWrapper) this.variableWrapper = runnerVariableWrapper;
  }

  setItems(items) {
    this.items = new Map();
    this.ids = [];
    for (const item of items || []) {
      this.items.set(String(item.id), item);
      this.ids.push(item.id);
    }
  }

  retrieveItem(id) {
    return this.items.get(String(id));
  }


  retrieveLocale(lang) {
    if (this.localeTexts[lang]) return this.localeTexts[lang].replace(/\s*<\?[^>]*\?>\s*\n/g, "");
    try {
      const xml = fs.readFileSync(path.join(this.localesDir, "locales-" + lang + ".xml"), "utf8");
      return xml.replace(/\s*<\?[^>]*\?>\s*\n/g, "");
    } catch (error) {
      return false;
    }
  }

  // The runner's look-up: the most specific jurisdiction ("us:ny" before "us" before "default")
  // that holds the key wins, and is copied into the engine's abbreviation object.
  getAbbreviation(styleId, target, jurisdiction, category, key) {
    const chain = ["default"];
    if (jurisdiction !== "default") {
      const parts = jurisdiction.split(":");
      for (let i = 1; i <= parts.length; i += 1) chain.push(parts.slice(0, i).join(":"));
    }
    chain.reverse();
    let found = chain[chain.length - 1];
    for (const candidate of chain) {
      if (!target[candidate]) target[candidate] = new CSL.AbbreviationSegments();
      const segment = this.abbreviations[candidate] && this.abbreviations[candidate][category];
      if (segment && segment[key]) {
        target[candidate][category][key] = segment[key];
        found = candidate;
        break;
      }
      found = candidate;
    }
    return found;
  }

  loadAbbreviations(table) {
    for (const jurisdiction of Object.keys(table)) {
      const target = {};
      for (const segment of Object.keys(table[jurisdiction])) {
        target[segment] = {};
        for (const key of Object.keys(table[jurisdiction][segment])) {
          const isJurisdiction = jurisdiction === "default" && segment === "place" && key.toUpperCase() === key;
          const isCourt = ["institution-entire", "institution-part"].indexOf(segment) > -1;
          const normalised = isJurisdiction || isCourt ? key : abbreviationKey("title", key);
          target[segment][normalised] = table[jurisdiction][segment][key];
        }
      }
      this.abbreviations[jurisdiction] = target;
    }
  }
}

function makeEngine(sys, csl, format) {
  const engine = new CSL.Engine(sys, csl);
  engine.fun.dateparser.addDateParserMonths(TURKISH_MONTHS);
  if (format && format !== "html") engine.setOutputFormat(format);
  return engine;
}

// makeBibliography's entry_ids lists every item, its strings only the entries that print
// something; when they differ in number, the items that print are found one by one (a
// bibliography selecting that item alone), so that each entry is paired with its id.
function bibliographyOf(engine, bibsection) {
  const made = bibsection ? engine.makeBibliography(bibsection) : engine.makeBibliography();
  if (!made) return null;
  const [params, strings] = made;
  let ids = params.entry_ids.map((group) => String(group[0]));
  if (ids.length !== strings.length) {
    ids = ids.filter((id) => {
      const alone = engine.makeBibliography({ select: [{ field: "id", value: id }] });
      return alone && alone[1].length > 0;
    });
  }
  return {
    ids,
    entries: strings.map((entry) => entry.replace(/\n+$/, "").replace(/^ +/, "")),
    joined: params.bibstart + strings.join("") + params.bibend,
  };
}

// The runner's document bookkeeping for CITATIONS (updateDoc): after each call, citations the
// engine no longer knows are dropped, the rest follow the pre/post order, every line is marked
// ".." and the citations the call returned are replaced or inserted with ">>".
function runCitations(engine, citations, doc) {
  for (const [citation, pre, post] of citations) {
    const [, updated] = engine.processCitationCluster(citation, pre, post);
    doc = doc.filter((line) => engine.registry.citationreg.citationById[line.citationID]);
    const order = new Map(pre.concat(post).map((entry, index) => [entry[0], index]));
    doc.sort((a, b) => {
      const x = order.get(a.citationID);
      const y = order.get(b.citationID);
      if (x > y) return 1;
      if (x < y) return -1;
      return 0;
    });
    for (const line of doc) line.prefix = "..";
    const fresh = [];
    for (const [index, text, citationID] of updated) {
      const existing = doc.find((line) => line.citationID === citationID);
      if (existing) {
        existing.prefix = ">>";
        existing.text = text;
      } else {
        fresh.push([index, text, citationID]);
      }
    }
    for (const [index, text, citationID] of fresh) {
      doc.splice(index, 0, { prefix: ">>", citationID, text });
    }
  }
  return doc;
}

function runFixture(job, localesDir) {
  const fixture = job.fixture;
  const modeParts = String(fixture.MODE).trim().split("-");
  const mode = modeParts[0];
  const submode = new Set(modeParts.slice(1));
  const sys = new FixtureSys(localesDir, fixture.INPUT, fixture.OPTIONS, job.locales);
  let format = job.format || "html";
  for (const other of ["rtf", "plain", "asciidoc", "xslfo"]) {
    if (submode.has(other)) format = other === "plain" ? "text" : other;
  }
  const engine = makeEngine(sys, fixture.CSL, format);
  if (submode.has("suppress_trailing_punctuation")) engine.citation.opt.suppressTrailingPunctuation = true;
  for (const key of Object.keys(fixture.OPTIONS || {})) {
    if (key !== "variableWrapper") engine.opt.development_extensions[key] = fixture.OPTIONS[key];
  }
  const langParams = {
    persons: ["translit"], institutions: ["translit"], titles: ["translit", "translat"],
    journals: ["translit"], publishers: ["translat"], places: ["translat"],
  };
  for (const key of Object.keys(fixture.LANGPARAMS || {})) {
    if (key === "langs") {
      const langs = fixture.LANGPARAMS.langs;
      if (langs.translat) engine.setLangTagsForCslTranslation(langs.translat);
      if (langs.translit) engine.setLangTagsForCslTransliteration(langs.translat);  // sic, as the runner
    } else {
      langParams[key] = fixture.LANGPARAMS[key];
    }
  }
  engine.setLangPrefsForCites(langParams);
  if (fixture.MULTIAFFIX) engine.setLangPrefsForCiteAffixes(fixture.MULTIAFFIX);
  if (fixture.ABBREVIATIONS) sys.loadAbbreviations(fixture.ABBREVIATIONS);

  const nosort = submode.has("nosort");
  if (fixture.BIBENTRIES) {
    for (const ids of fixture.BIBENTRIES) engine.updateItems(ids, nosort);
  } else if (!fixture.CITATIONS) {
    engine.updateItems(sys.ids, nosort);
  }
  let clusters = fixture["CITATION-ITEMS"];
  if (!clusters && !fixture.CITATIONS) {
    clusters = [engine.registry.reflist.map((entry) => ({ id: entry.id }))];
  }
  let citations = [];
  if (clusters) {
    citations = clusters.map((cluster) => engine.makeCitationCluster(cluster));
  } else {
    let doc = runCitations(engine, fixture.CITATIONS, []);
    if (fixture.INPUT2) {
      sys.setItems(fixture.INPUT2);
      doc = runCitations(engine, fixture.CITATIONS, doc);
    }
    citations = doc.map((line, index) => line.prefix + "[" + index + "] " + line.text);
  }
  let result = citations.join("\n");
  let bibliography = null;
  if (mode === "bibliography") {
    bibliography = bibliographyOf(engine, fixture.BIBSECTION);
  } else {
    try {
      bibliography = bibliographyOf(engine, null);  // for callers comparing entries too
    } catch (error) {
      bibliography = null;
    }
  }
  if (mode === "bibliography") {
    if (submode.has("header")) {
      const params = engine.makeBibliography()[0];
      result = Object.keys(params).sort().map((key) => key + ": " + params[key]).join("\n").trim();
    } else {
      result = bibliography ? bibliography.joined : "";
    }
  }
  const answer = { result: result.replace(/\r\n?/g, "\n"), citations };
  if (bibliography) answer.bibliography = { ids: bibliography.ids, entries: bibliography.entries };
  return answer;
}

function runDocument(job, localesDir) {
  const sys = new FixtureSys(localesDir, job.INPUT, job.OPTIONS, job.locales);
  const engine = makeEngine(sys, job.CSL, job.format || "html");
  const texts = {};
  const pre = [];
  for (const cluster of job.clusters) {
    const [, updated] = engine.processCitationCluster(cluster, pre.slice(), []);
    for (const [, text, citationID] of updated) texts[citationID] = text;
    pre.push([cluster.citationID, (cluster.properties || {}).noteIndex || 0]);
  }
  return { citations: texts };
}

function runJob(job, localesDir) {
  const name = job.name || (job.fixture && job.fixture.NAME) || "";
  CSL.debug = () => {};
  try {
    const answer = job.kind === "document" ? runDocument(job, localesDir) : runFixture(job, localesDir);
    return Object.assign({ name }, answer);
  } catch (error) {
    return { name, error: String((error && error.message) || error).split("\n")[0] };
  }
}

// `suite.js --lines LOCALES_DIR`: one job per stdin line, one answer per stdout line, until
// stdin closes (tests/support/engine_adapter.py keeps one such process).
function serveLines(localesDir) {
  const readline = require("readline");
  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    if (!line.trim()) return;
    let answer;
    try {
      answer = runJob(JSON.parse(line), localesDir);
    } catch (error) {
      answer = { error: "job is not JSON: " + error.message };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
}

function main() {
  if (process.argv[2] === "--lines") {
    serveLines(process.argv[3]);
    return;
  }
  let request;
  try {
    request = JSON.parse(fs.readFileSync(0, "utf8"));
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: "stdin is not JSON: " + error.message }) + "\n");
    process.exit(1);
  }
  const results = (request.jobs || []).map((job) => runJob(job, request.localesDir));
  process.stdout.write(JSON.stringify({ version: citeprocVersion, results }) + "\n");
}

main();
