#!/usr/bin/env node
// Checks the Python that jsii-rosetta translated from every TypeScript sample (the README's and the
// API docs'), so that a Python user can paste it:
// - `python3 -m py_compile`: syntax errors;
// - Debian's `pyflakes3`: undefined names and repeated imports. A name that the sample's rosetta
//   fixture declares (the earlier sample it extends) is defined for it;
// - JavaScript idioms that survive translation: `.push(`, `__dirname`, `path.join`, `${` in an
//   f-string, `this.`, `new `, `===`.
// Usage: node scripts/check-python-samples.cjs TABLET.json
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const IDIOMS = [
  [/\.push\(/, "'.push(' is JavaScript: a Python list has append(). Build the list as a literal in the TypeScript sample"],
  [/__dirname/, "'__dirname' does not exist in Python. Use a path the sample does not compute, or say where the file is"],
  [/\bpath\.join\(/, "'path.join' is Node.js. Use a path the sample does not compute"],
  [/\bf(["']).*\$\{.*\1/, "'${' in an f-string is a literal '$' in Python. Avoid template literals with interpolations in the TypeScript sample"],
  [/\bthis\./, "'this.' is JavaScript"],
  [/(^|[^\w.])new [A-Z]/, "'new' is JavaScript"],
  [/===|!==/, "'===' is JavaScript"],
];

function tool(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(`${cmd} not found: install it (Debian: apt-get install -y ${cmd === 'pyflakes3' ? 'pyflakes3' : 'python3'})`);
  }
}

const snake = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
/** The names a TypeScript source declares (as Python names) or imports. */
const declared = (ts) => new Set([
  ...[...ts.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => snake(m[1])),
  ...[...ts.matchAll(/^import\s+\{([^}]*)\}\s+from/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter((n) => n !== '')),
]);

function where(snippet) {
  const loc = snippet.location;
  const api = loc.api.api === 'moduleReadme' ? 'README.md' : `${loc.api.fqn ?? loc.api.api}${loc.api.memberName ? `.${loc.api.memberName}` : ''}`;
  return loc.field && loc.field.line !== undefined ? `${api} line ${loc.field.line}` : api;
}

function check(tabletFile) {
  tool('python3');
  tool('pyflakes3');
  const tablet = JSON.parse(fs.readFileSync(tabletFile, 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-samples-'));
  const problems = [];
  let count = 0;
  try {
    for (const snippet of Object.values(tablet.snippets)) {
      const python = snippet.translations.python?.source;
      if (python === undefined) continue;
      count++;
      const visible = snippet.translations.$?.source ?? '';
      const own = declared(visible);
      const fromFixture = new Set([...declared(snippet.fullSource ?? '')].filter((n) => !own.has(n)));
      const file = path.join(dir, `sample${count}.py`);
      fs.writeFileSync(file, `${python}\n`);
      const found = [];

      const compiled = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
      if (compiled.status !== 0) found.push(`py_compile: ${(compiled.stderr || compiled.stdout).trim().split('\n').slice(-1)[0]}`);

      const flakes = spawnSync('pyflakes3', [file], { encoding: 'utf8' });
      for (const line of `${flakes.stdout}${flakes.stderr}`.split('\n').filter((l) => l.trim() !== '')) {
        const undefinedName = /undefined name '([^']+)'/.exec(line);
        if (undefinedName && fromFixture.has(undefinedName[1])) continue;
        found.push(`pyflakes: ${line.replace(`${file}:`, 'line ')}`);
      }

      python.split('\n').forEach((line, i) => {
        if (/^\s*#/.test(line)) return;
        for (const [re, why] of IDIOMS) if (re.test(line)) found.push(`line ${i + 1}: ${why}: ${line.trim()}`);
      });

      if (found.length > 0) {
        problems.push(`${where(snippet)}, translated to Python:\n  ${found.join('\n  ')}\n${python.split('\n').map((l, i) => `    ${String(i + 1).padStart(3)} | ${l}`).join('\n')}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (count === 0) throw new Error(`${tabletFile} has no Python translations`);
  return { count, problems };
}

if (require.main === module) {
  const tabletFile = process.argv[2];
  if (!tabletFile) {
    console.error('usage: check-python-samples.cjs TABLET.json');
    process.exit(2);
  }
  const { count, problems } = check(tabletFile);
  if (problems.length > 0) {
    console.error(`${problems.length} of ${count} Python samples have errors:\n\n${problems.join('\n\n')}`);
    process.exit(1);
  }
  console.log(`${count} Python samples: no syntax error, no undefined name, no JavaScript idiom`);
}

module.exports = { check };
