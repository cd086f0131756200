#!/usr/bin/env node
// Checks the code-only jsii bindings: every language has its sources, and the main classes
// of the library appear in each. Usage: node scripts/check-bindings.cjs <dist-bindings dir>
'use strict';
const fs = require('fs');
const path = require('path');

const root = process.argv[2] ?? 'dist-bindings';
const classes = [
  'PrometheusStack', 'PrometheusConfig', 'ScrapeJob', 'Relabel', 'ServiceDiscovery', 'RemoteWrite', 'RuleGroup',
  'AppServiceMonitor', 'WeaveMonitoring', 'KrakendMetrics', 'KumaMetricsMesh', 'Grafana', 'Dashboard',
];
const languages = { python: /\.py$/, java: /\.java$/, dotnet: /\.cs$/, go: /\.go$/ };

function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

let failed = false;
for (const [lang, pattern] of Object.entries(languages)) {
  const sources = files(path.join(root, lang)).filter((f) => pattern.test(f));
  const text = sources.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const missing = classes.filter((c) => !new RegExp(`\\b${c}\\b`).test(text));
  if (sources.length === 0 || missing.length > 0) {
    failed = true;
    console.error(`${lang}: ${sources.length} source files; missing classes: ${missing.join(', ') || '(no sources)'}`);
  } else {
    console.log(`${lang}: ${sources.length} source files, all ${classes.length} main classes present`);
  }
}
process.exit(failed ? 1 : 0);
