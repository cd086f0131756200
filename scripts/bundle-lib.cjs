#!/usr/bin/env node
// Writes lib/index.js, the package's entry point, as one file that holds every compiled module
// of lib/ in a table and loads each the first time it is required: Node then resolves, reads
// and compiles one file instead of about 140. The modules keep their relative requires, their
// order of evaluation and their exports; packages outside lib/ are required as usual. The
// compiled files stay in lib/ (the command line loads lib/integrations/krakend/cli.js), and
// jsii's own entry point is kept as lib/index.modules.js, the table's entry.
'use strict';
const fs = require('fs');
const path = require('path');

const MARKER = '// cdk8s-prometheus-monitoring: bundled entry point (scripts/bundle-lib.cjs)';
const lib = path.join(__dirname, '..', 'lib');
const entry = path.join(lib, 'index.js');
const original = path.join(lib, 'index.modules.js');

// jsii rewrites index.js only when it changed: keep its latest output as the table's entry.
if (!fs.readFileSync(entry, 'utf8').startsWith(MARKER)) fs.copyFileSync(entry, original);

const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js') && p !== entry) files.push(path.relative(lib, p).split(path.sep).join('/'));
  }
})(lib);
files.sort();

const out = [MARKER, '"use strict";', 'const SOURCES = {'];
for (const f of files) {
  const source = fs.readFileSync(path.join(lib, f), 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
  out.push(`${JSON.stringify(f)}: function (exports, require, module, __filename, __dirname) {\n${source}\n},`);
}
out.push(`};
const LOADED = {};
function load(id) {
  const loaded = LOADED[id];
  if (loaded) return loaded.exports;
  const module = { exports: {} };
  LOADED[id] = module;
  const dir = id.includes('/') ? id.slice(0, id.lastIndexOf('/')) : '';
  const local = (spec) => {
    if (!spec.startsWith('.')) return require(spec);
    const parts = dir ? dir.split('/') : [];
    for (const s of spec.split('/')) {
      if (s === '..') parts.pop();
      else if (s !== '.' && s !== '') parts.push(s);
    }
    const base = parts.join('/');
    const target = SOURCES[base + '.js'] ? base + '.js' : SOURCES[(base ? base + '/' : '') + 'index.js'] ? (base ? base + '/' : '') + 'index.js' : undefined;
    return target ? load(target) : require(require('path').join(__dirname, dir, spec));
  };
  SOURCES[id].call(module.exports, module.exports, local, module, require('path').join(__dirname, id), require('path').join(__dirname, dir));
  return module.exports;
}
module.exports = load('index.modules.js');
`);
fs.writeFileSync(entry, out.join('\n'));
console.log(`lib/index.js: ${files.length} modules in one file`);
