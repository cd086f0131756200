#!/usr/bin/env node
// Writes the package's entry point, lib/index.js, and lib/bundle.js, which holds every compiled
// module of lib/ in one table. The entry point loads each module the first time it is required:
// Node then resolves, reads and compiles one file instead of about 140. The modules keep their
// relative requires and their exports; packages outside lib/ are required as usual. The compiled
// files stay in lib/ (the command line loads lib/integrations/krakend/cli.js), and jsii's own
// entry point is kept as lib/index.modules.js.
//
// The package's exports are the entry point's, each a getter that loads the module defining it
// on first use: a program that uses PrometheusStack and AppServiceMonitor never runs the modules
// of Grafana, Alertmanager, Kuma or KrakenD. Which module defines which export is found here,
// from the compiled files, by identity.
//
// The table is compiled with a V8 code cache, as Node's own compile cache does for modules
// (`module.enableCompileCache()`, Node 22): the first process that loads the package writes
// the bytecode of the functions it ran to a per-user cache directory when it exits, and later
// processes start from that bytecode instead of parsing and compiling the library again.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const MARKER = '// cdk8s-prometheus-monitoring: bundled entry point (scripts/bundle-lib.cjs)';
const lib = path.join(__dirname, '..', 'lib');
const entry = path.join(lib, 'index.js');
const bundle = path.join(lib, 'bundle.js');
const original = path.join(lib, 'index.modules.js');

// jsii rewrites index.js only when it changed: keep its latest output as the table's entry.
if (!fs.readFileSync(entry, 'utf8').startsWith(MARKER)) fs.copyFileSync(entry, original);

const files = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.js') && p !== entry && p !== bundle) files.push(path.relative(lib, p).split(path.sep).join('/'));
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
const table = ['({'];
for (const f of files) {
  const source = fs.readFileSync(path.join(lib, f), 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
  table.push(`${JSON.stringify(f)}: function (exports, require, module, __filename, __dirname) {\n${source}\n},`);
}
table.push('})\n');
const tableText = table.join('\n');
fs.writeFileSync(bundle, tableText);
// Names the build in the cache's file name: a cache written for another build is never read.
const build = crypto.createHash('sha256').update(tableText).digest('hex').slice(0, 16);

const out = [MARKER, '"use strict";', `const EXPORTS = ${JSON.stringify(EXPORTS)};`, `const BUILD = '${build}';`];
out.push(`const FS = require('fs');
const PATH = require('path');
const VM = require('vm');
const LOADED = {};
const SOURCES = compile(PATH.join(__dirname, 'bundle.js'));

/**
 * The table of modules, compiled from the code cache when there is a valid one. When there was
 * none, or this process ran modules the cache does not hold, the cache is written on exit.
 */
function compile(file) {
  const source = FS.readFileSync(file, 'utf8');
  const cache = codeCache();
  const script = new VM.Script(source, { filename: file, cachedData: cache?.data });
  const accepted = cache?.data !== undefined && !script.cachedDataRejected;
  module.exports[Symbol.for('cdk8s-prometheus-monitoring.codeCache')] = { file: cache?.file, accepted };
  if (cache) {
    process.once('exit', () => {
      const ran = Object.keys(LOADED).sort();
      if (ran.length === 0 || (accepted && ran.every((id) => cache.modules.includes(id)))) return;
      writeCache(cache, script, ran);
    });
  }
  return script.runInThisContext();
}

/**
 * Where the cache of this build is, for this Node.js and these V8 flags, and what it holds.
 * Undefined when NODE_DISABLE_COMPILE_CACHE is set, as for Node's compile cache. The directory
 * is the user's own (mode 0700): bytecode from a directory another user can write is not read.
 */
function codeCache() {
  try {
    if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = process.env.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR
      || PATH.join(require('os').tmpdir(), 'cdk8s-prometheus-monitoring-cache' + (uid === undefined ? '' : '-' + uid));
    const runtime = [BUILD, process.versions.v8, process.arch, nodeFlags(), process.env.NODE_OPTIONS ?? ''].join('\\n');
    const file = PATH.join(dir, require('crypto').createHash('sha256').update(runtime).digest('hex').slice(0, 32) + '.bin');
    const cache = { dir, file, uid, modules: [], data: undefined };
    let bytes;
    try {
      const stat = FS.statSync(dir);
      if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
      bytes = FS.readFileSync(file);
    } catch {
      return cache;
    }
    // A header line: {"sha256": <of the data>, "modules": [...]}, then V8's code cache. A file
    // that is not whole is not read, and is written again on exit.
    try {
      const end = bytes.indexOf(10);
      const header = JSON.parse(bytes.subarray(0, end).toString('utf8'));
      const data = bytes.subarray(end + 1);
      if (Array.isArray(header.modules) && require('crypto').createHash('sha256').update(data).digest('hex') === header.sha256) {
        cache.data = data;
        cache.modules = header.modules;
      }
    } catch {
      // Not a cache file.
    }
    return cache;
  } catch {
    return undefined;
  }
}

/**
 * The flags Node.js was started with, which may change how V8 compiles, without the program
 * (\`node -e <program>\`) or the modules it preloads.
 */
function nodeFlags() {
  const flags = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (/^(-e|-p|-pe|-r|--eval|--print|--require|--import|--loader|--experimental-loader)$/.test(args[i])) i++;
    else if (!/^--(eval|print|require|import|loader|experimental-loader)=/.test(args[i])) flags.push(args[i]);
  }
  return flags.join(' ');
}

/** Writes the cache for the next process, replacing the file in one step; a cache that cannot be written is left alone. */
function writeCache(cache, script, modules) {
  const temporary = cache.file + '.' + process.pid + '.tmp';
  try {
    FS.mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    const data = script.createCachedData();
    const header = JSON.stringify({ sha256: require('crypto').createHash('sha256').update(data).digest('hex'), modules });
    FS.writeFileSync(temporary, Buffer.concat([Buffer.from(header + '\\n'), data]), { mode: 0o600 });
    FS.renameSync(temporary, cache.file);
  } catch {
    try { FS.rmSync(temporary, { force: true }); } catch { /* nothing to remove */ }
  }
}

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
console.log(`lib/index.js: ${files.length} modules in lib/bundle.js, ${Object.keys(EXPORTS).length} exports loaded on first use`);
