#!/usr/bin/env node
// Prints each manifest file a synth wrote and a one-line summary of its objects by kind, so the
// newcomer who ran `npx projen synth:example` knows where to look.
// Usage: node scripts/summarize-manifests.cjs DIR...
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const files = process.argv.slice(2).flatMap((dir) => fs.readdirSync(dir)
  .filter((f) => f.endsWith('.k8s.yaml'))
  .sort()
  .map((f) => path.join(dir, f)));
if (files.length === 0) {
  console.error(`no *.k8s.yaml in ${process.argv.slice(2).join(', ')}`);
  process.exit(1);
}
for (const file of files) {
  const kinds = new Map();
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const obj = doc.toJS();
    if (obj && obj.kind) kinds.set(obj.kind, (kinds.get(obj.kind) ?? 0) + 1);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const byKind = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(`Wrote ${path.relative(process.cwd(), file)}: ${total} objects (${byKind})`);
}
