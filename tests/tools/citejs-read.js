#!/usr/bin/env node
// Reads a file with citation-js (the independent reader) and prints CSL-JSON on stdout.
// usage: node citejs-read.js FILE [FORMAT]   (FORMAT forces citation-js's input type, e.g.
//   @ris/file or @bibtex/text — the classic-BibTeX mapping; without it citation-js detects it)
'use strict';
const fs = require('fs');
const { Cite, plugins } = require('@citation-js/core');
require('@citation-js/plugin-ris');
require('@citation-js/plugin-bibtex');
require('@citation-js/plugin-csl');

const text = fs.readFileSync(process.argv[2], 'utf8');
try {
  const cite = new Cite(text, { forceType: process.argv[3] || undefined });
  const data = cite.data.map(({ _graph, ...item }) => item);
  process.stdout.write(JSON.stringify(data));
} catch (error) {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
}
