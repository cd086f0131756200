// The public API is documented: a summary on every type and member, `@default` on every optional
// property. Read from the jsii assembly, which `npx projen compile` writes before the tests run.
import * as fs from 'fs';
import * as path from 'path';

const assemblyPath = path.join(__dirname, '..', '..', '.jsii');

function problems(): string[] {
  if (!fs.existsSync(assemblyPath)) {
    throw new Error('.jsii not found: run `npx projen compile` (the build does) before this test');
  }
  const assembly = JSON.parse(fs.readFileSync(assemblyPath, 'utf8'));
  const out: string[] = [];
  for (const [fqn, type] of Object.entries<any>(assembly.types)) {
    if (!type.docs?.summary) out.push(`${fqn}: no summary`);
    for (const p of type.properties ?? []) {
      if (!p.docs?.summary) out.push(`${fqn}.${p.name}: no summary`);
      if (p.optional && !p.docs?.default) out.push(`${fqn}.${p.name}: optional without @default`);
      if (p.docs?.default === 'undefined') out.push(`${fqn}.${p.name}: @default undefined says nothing`);
    }
    for (const m of type.methods ?? []) {
      if (!m.docs?.summary) out.push(`${fqn}.${m.name}(): no summary`);
    }
    for (const m of type.members ?? []) {
      if (!m.docs?.summary) out.push(`${fqn}.${m.name}: no summary`);
    }
  }
  return out;
}

test('every public type and member is documented, every optional property has @default', () => {
  expect(problems()).toEqual([]);
});

test('the main classes are in the assembly', () => {
  const assembly = JSON.parse(fs.readFileSync(assemblyPath, 'utf8'));
  const names = Object.keys(assembly.types).map((fqn) => fqn.split('.').pop());
  for (const name of ['PrometheusStack', 'PrometheusConfig', 'ScrapeJob', 'Relabel', 'ServiceDiscovery', 'RemoteWrite', 'RuleGroup', 'Credential', 'Authentication']) {
    expect(names).toContain(name);
  }
});
