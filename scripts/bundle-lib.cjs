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
const out = [MARKER, '"use strict";', `const EXPORTS = ${JSON.stringify(EXPORTS)};`];
out.push(`const FS = require('fs');
const PATH = require('path');
const VM = require('vm');
const LOADED = {};
/** The user files are checked against; undefined where there are no user ids (Windows). */
const UID = typeof process.geteuid === 'function' ? process.geteuid() : undefined;
const SOURCES = compile(PATH.join(__dirname, 'bundle.js'));

/**
 * The table of modules. In a process of its own, it is compiled from the code cache when there
 * is a valid one, and the cache is written on exit when there was none, or when this process ran
 * modules the cache does not hold.
 *
 * A host that runs modules in a vm context of its own (jest does) gets the table evaluated in
 * that context, where its objects are made, and no cache.
 */
function compile(file) {
  const bytes = FS.readFileSync(file);
  const source = bytes.toString('utf8');
  if (VM.runInThisContext('Object') !== Object) {
    status({ accepted: false });
    return (0, eval)(source + '\\n//# sourceURL=' + file);
  }
  const cache = openCache(bytes);
  const script = new VM.Script(source, { filename: file, cachedData: cache?.data });
  const accepted = cache?.data !== undefined && !script.cachedDataRejected;
  status({ file: cache?.file, accepted });
  if (cache?.writable) {
    const held = cache.modules;
    cache.data = undefined;
    exitWrites().set(cache.file, () => {
      const ran = Object.keys(LOADED);
      if (ran.length === 0 || (accepted && ran.every((id) => held.includes(id)))) return;
      writeCache(cache, script, [...new Set([...held, ...ran])].sort());
    });
  }
  return script.runInThisContext();
}

/** What the code cache did in this process (read by the package's tests). */
function status(value) {
  Object.defineProperty(module.exports, Symbol.for('cdk8s-prometheus-monitoring.codeCache'), { value, configurable: true });
}

/** The cache writes to run when the process exits: one listener, whatever loads the package how often. */
function exitWrites() {
  const key = Symbol.for('cdk8s-prometheus-monitoring.codeCache.exitWrites');
  if (!process[key]) {
    const writes = new Map();
    Object.defineProperty(process, key, { value: writes });
    process.once('exit', () => {
      for (const write of writes.values()) write();
    });
  }
  return process[key];
}

/**
 * The user's cache directory for the package: CDK8S_PROMETHEUS_MONITORING_CACHE_DIR, or
 * cdk8s-prometheus-monitoring in the platform's per-user cache directory.
 */
function cacheDirectory() {
  const env = process.env;
  if (env.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR) return PATH.resolve(env.CDK8S_PROMETHEUS_MONITORING_CACHE_DIR);
  const home = require('os').homedir();
  const base = process.platform === 'win32' ? env.LOCALAPPDATA
    : process.platform === 'darwin' ? home && PATH.join(home, 'Library', 'Caches')
      : env.XDG_CACHE_HOME && PATH.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : home && PATH.join(home, '.cache');
  return base && PATH.isAbsolute(base) ? PATH.join(base, 'cdk8s-prometheus-monitoring') : undefined;
}

/** Whether a directory's lstat is a directory of this user that no one else can write (not a link to one). */
function ownDirectory(stat) {
  return stat.isDirectory() && (UID === undefined || (stat.uid === UID && (stat.mode & 0o077) === 0));
}

function sha256(...parts) {
  const hash = require('crypto').createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * The cache for this table's source, this Node.js and its V8 flags, and what it holds. Undefined
 * when NODE_DISABLE_COMPILE_CACHE is set (as for Node's compile cache), when V8 coverage is on,
 * or when the directory is not the user's own. Bytecode is read only from a regular file of the
 * user's, in such a directory, never through a link.
 */
function openCache(bytes) {
  try {
    if (process.env.NODE_DISABLE_COMPILE_CACHE || process.env.NODE_V8_COVERAGE) return undefined;
    const dir = cacheDirectory();
    if (!dir) return undefined;
    const key = sha256(bytes, [process.version, process.arch, require('v8').cachedDataVersionTag()].join('\\n'));
    const cache = { dir, file: PATH.join(dir, key.slice(0, 32) + '.bin'), modules: [], data: undefined, writable: false };
    try {
      if (!ownDirectory(FS.lstatSync(dir))) return undefined;
    } catch (e) {
      cache.writable = e.code === 'ENOENT';
      return cache;
    }
    cache.writable = true;
    const file = readOwnFile(cache.file);
    // A header line, {"sha256": <of the data>, "modules": [...]}, then V8's code cache. A file
    // that is not whole is not read, and is written again on exit.
    const end = file ? file.indexOf(10) : -1;
    if (end < 0) return cache;
    let header;
    try {
      header = JSON.parse(file.subarray(0, end).toString('utf8'));
    } catch {
      return cache;
    }
    const data = file.subarray(end + 1);
    if (Array.isArray(header?.modules) && sha256(data) === header.sha256) {
      cache.data = data;
      cache.modules = header.modules;
    }
    return cache;
  } catch {
    return undefined;
  }
}

/** A regular file of this user's, opened without following a link, or undefined. */
function readOwnFile(file) {
  let fd;
  try {
    fd = FS.openSync(file, FS.constants.O_RDONLY | (FS.constants.O_NOFOLLOW ?? 0));
    const stat = FS.fstatSync(fd);
    if (!stat.isFile() || (UID !== undefined && stat.uid !== UID) || stat.size > 64 * 1024 * 1024) return undefined;
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < buffer.length) {
      const n = FS.readSync(fd, buffer, read, buffer.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    return buffer;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) FS.closeSync(fd);
  }
}

/**
 * Writes the cache for the next process: into a new file of a random name, opened exclusively
 * and without following a link, then renamed over the old one in one step. The directory is
 * made, or checked again, first. A cache that cannot be written is left alone.
 */
function writeCache(cache, script, modules) {
  let temporary;
  try {
    FS.mkdirSync(PATH.dirname(cache.dir), { recursive: true });
    try {
      FS.mkdirSync(cache.dir, { mode: 0o700 });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    if (!ownDirectory(FS.lstatSync(cache.dir))) return;
    const data = script.createCachedData();
    const header = JSON.stringify({ sha256: sha256(data), modules });
    temporary = PATH.join(cache.dir, require('crypto').randomBytes(12).toString('hex') + '.tmp');
    const C = FS.constants;
    const fd = FS.openSync(temporary, C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW ?? 0), 0o600);
    try {
      FS.writeSync(fd, Buffer.concat([Buffer.from(header + '\\n'), data]));
    } finally {
      FS.closeSync(fd);
    }
    FS.renameSync(temporary, cache.file);
    temporary = undefined;
    prune(cache.dir, cache.file);
  } catch {
    // No cache this time.
  } finally {
    if (temporary) {
      try { FS.unlinkSync(temporary); } catch { /* already gone */ }
    }
  }
}

/** Keeps the cache directory small: the 8 newest caches (other builds, Node.js versions, V8 flags), and no temporary file of a writer that died an hour ago. */
function prune(dir, kept) {
  const now = Date.now();
  const caches = [];
  for (const name of FS.readdirSync(dir)) {
    const file = PATH.join(dir, name);
    const stat = FS.lstatSync(file);
    if (name.endsWith('.tmp') && now - stat.mtimeMs > 3600 * 1000) FS.unlinkSync(file);
    else if (name.endsWith('.bin') && file !== kept) caches.push({ file, mtime: stat.mtimeMs });
  }
  caches.sort((a, b) => b.mtime - a.mtime);
  for (const { file } of caches.slice(7)) FS.unlinkSync(file);
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
