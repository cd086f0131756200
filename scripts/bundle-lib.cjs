#!/usr/bin/env node
// Writes lib/index.js, the package's entry point, as one file that holds every compiled module
// of lib/ in a table and loads each the first time it is required: Node then resolves, reads
// and compiles one file instead of about 140. The modules keep their relative requires and their
// exports; packages outside lib/ are required as usual. The compiled files stay in lib/ (the
// command line loads lib/integrations/krakend/cli.js), and jsii's own entry point is kept as
// lib/index.modules.js.
//
// The package's exports are the entry point's, each a getter that loads the module defining it
// on first use: a program that uses PrometheusStack and AppServiceMonitor never runs the modules
// of Grafana, Alertmanager, Kuma or KrakenD. Which module defines which export is found here,
// from the compiled files, by identity.
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

// Each export of jsii's entry point: the module that defines it and its name there, or the
// module alone for a namespace export (such as `monitoring`), which is the module itself.
const entryExports = require(original);
const definers = files.filter((f) => f !== 'index.modules.js' && !f.endsWith('/index.js'));
const EXPORTS = {};
for (const name of Object.keys(entryExports)) {
  const value = entryExports[name];
  const id = definers.find((f) => require(path.join(lib, f)) === value);
  if (id) {
    EXPORTS[name] = [id];
    continue;
  }
  const definer = definers.find((f) => value !== undefined && Object.getOwnPropertyDescriptor(require(path.join(lib, f)), name)?.value === value);
  if (!definer) throw new Error(`bundle-lib: no module of lib/ defines the export '${name}'`);
  EXPORTS[name] = [definer, name];
}
const out = [MARKER, '"use strict";', `const EXPORTS = ${JSON.stringify(EXPORTS)};`, 'const SOURCES = {'];
for (const f of files) {
  const source = fs.readFileSync(path.join(lib, f), 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
  out.push(`${JSON.stringify(f)}: function (exports, require, module, __filename, __dirname) {\n${source}\n},`);
}
out.push(`};
const PATH = require('path');
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
    return target ? load(target) : require(PATH.join(__dirname, dir, spec));
  };
  const dirname = dir ? PATH.join(__dirname, dir) : __dirname;
  try {
    SOURCES[id].call(module.exports, module.exports, local, module, PATH.join(dirname, id.slice(dir ? dir.length + 1 : 0)), dirname);
  } catch (e) {
    // As Node does: a module that failed to load is loaded again next time, not half.
    delete LOADED[id];
    throw e;
  }
  return module.exports;
}
Object.defineProperty(module.exports, '__esModule', { value: true });
// Every construct of the library needs these: they load with the package, as with jsii's entry point.
require('constructs');
require('cdk8s');
require('cdk8s-plus-28');
for (const [name, [id, member]] of Object.entries(EXPORTS)) {
  Object.defineProperty(module.exports, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = member === undefined ? load(id) : load(id)[member];
      Object.defineProperty(module.exports, name, { enumerable: true, value });
      return value;
    },
  });
}
`);
fs.writeFileSync(entry, out.join('\n'));
console.log(`lib/index.js: ${files.length} modules in one file, ${Object.keys(EXPORTS).length} exports loaded on first use`);
