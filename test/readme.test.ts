// The README shows only real code and real messages: each TypeScript block is an excerpt of a
// file under examples/ (which other tests synthesize), and each error line is what the code throws.
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Dashboard, DashboardPanel, DashboardRow, Grafana, GrafanaAdminCredentials, PrometheusStack, Relabel, RemoteWrite, ScrapeJob, ServiceDiscovery,
} from '../src';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

interface Block {
  /** The words after the language on the opening fence, such as `fixture=quick-start`. */
  readonly info: string;
  readonly code: string;
}

function blocks(lang: string): string[] {
  return fencedBlocks(lang).map((b) => b.code);
}

function fencedBlocks(lang: string): Block[] {
  const re = new RegExp('```' + lang + '(?: ([^\\n]*))?\\n([\\s\\S]*?)```', 'g');
  return [...readme.matchAll(re)].map((m) => ({ info: m[1] ?? '', code: m[2] }));
}

function exampleFiles(dir = path.join(root, 'examples')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    // A dot file is a variant a test is running beside an example (test/util.ts runExampleProgram).
    if (e.name.startsWith('.')) return [];
    if (e.isDirectory()) return e.name === 'dist' ? [] : exampleFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
const codeLines = (text: string) => lines(text).filter((l) => !l.startsWith('//') || l === '/// here');

/** The names a TypeScript source imports, as `module: name`, and its other lines. */
function splitImports(source: string): { imports: Set<string>; rest: string } {
  const imports = new Set<string>();
  const rest = source.replace(/^import\s+(?:\{([^}]*)\}|\* as (\w+))\s+from\s+'([^']+)';\n?/gm, (_, names: string | undefined, star: string | undefined, from: string) => {
    for (const name of (names ?? `* as ${star}`).split(',').map((n) => n.trim()).filter((n) => n !== '')) imports.add(`${from}: ${name}`);
    return '';
  });
  return { imports, rest };
}

const examples = exampleFiles().map((file) => ({ file, ...splitImports(fs.readFileSync(file, 'utf8')) }));

test.each(fencedBlocks('ts').map((b, i) => [i, b]))('TypeScript block %i is an excerpt of an example, imports included', (_, block) => {
  const { imports, rest } = splitImports((block as Block).code);
  const wanted = lines(rest).join('\n');
  const sources = examples.filter((e) => lines(e.rest).join('\n').includes(wanted));
  expect(sources.map((e) => path.relative(root, e.file))).not.toEqual([]);
  // An example that has these lines imports what the block imports, from the same modules.
  expect(sources.some((e) => [...imports].every((i) => e.imports.has(i)))).toBe(true);
});

test.each(fencedBlocks('ts').map((b, i) => [i, b]))('TypeScript block %i is a whole program or says which sample it extends', (_, block) => {
  const { info, code } = block as Block;
  if (/\bnofixture\b/.test(info) || info === 'fixture=node') {
    // A whole program, imports first; a cdk8s one also makes its App and Chart and synthesizes.
    expect(code).toMatch(/^import /);
    if (/new App\(/.test(code)) {
      expect(code).toMatch(/new Chart\(/);
      expect(code).toMatch(/app\.synth\(\);\s*$/);
    }
  } else {
    // An addition to an earlier sample, which rosetta compiles in place of the fixture's `/// here`.
    expect(info).toMatch(/^fixture=[\w-]+$/);
    expect(fs.existsSync(path.join(root, 'rosetta', `${info.slice('fixture='.length)}.ts-fixture`))).toBe(true);
  }
});

const quickStart = fs.readFileSync(path.join(root, 'examples', 'quick-start', 'main.ts'), 'utf8');

test('the rosetta fixture of whole programs declares only what Node.js provides', () => {
  const code = codeLines(fs.readFileSync(path.join(root, 'rosetta', 'node.ts-fixture'), 'utf8'));
  expect(code).toEqual(['declare const console: { log(...data: unknown[]): void };', '/// here']);
});

test.each(fs.readdirSync(path.join(root, 'rosetta')).filter((f) => f.endsWith('.ts-fixture') && f !== 'node.ts-fixture').map((f) => [f]))(
  'the rosetta fixture %s is the first example plus lines the README shows, with the place of the sample before its synth',
  (fixtureFile) => {
    const fixture = splitImports(fs.readFileSync(path.join(root, 'rosetta', fixtureFile), 'utf8'));
    const first = splitImports(quickStart);
    const shown = new Set(fencedBlocks('ts').flatMap((b) => codeLines(splitImports(b.code).rest)));
    const shownImports = new Set(fencedBlocks('ts').flatMap((b) => [...splitImports(b.code).imports]));
    const code = codeLines(fixture.rest).filter((l) => !/^declare const (console|process):/.test(l));
    const firstCode = codeLines(first.rest);
    // Besides what Node.js declares (rosetta compiles without @types/node): the first example,
    // its synth last, and before that the sample's place...
    expect(code.slice(0, firstCode.length - 1)).toEqual(firstCode.slice(0, -1));
    expect(code.slice(-2)).toEqual(['/// here', 'app.synth();']);
    // ...after lines that README samples show, and imports that they or the first example make.
    for (const line of code.slice(firstCode.length - 1, -2)) expect(shown).toContain(line);
    for (const name of fixture.imports) expect(first.imports.has(name) || shownImports.has(name)).toBe(true);
  },
);

test('the README has TypeScript examples', () => {
  expect(blocks('ts').length).toBeGreaterThanOrEqual(5);
});

test('every error message in the README is what the code throws', () => {
  const thrown = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };
  const produced = [
    thrown(() => new PrometheusStack(new Chart(Testing.app(), 'test'), 'prometheus', { nodePort: 20000 })),
    thrown(() => Relabel.keep({ sourceLabels: ['a'], regex: '(?<=a)b' })),
    thrown(() => Relabel.replace({ sourceLabels: ['a'], regex: '(.+)', targetLabel: 'b', replacement: '$1_suffix' })),
    thrown(() => new ScrapeJob({
      jobName: 'weave',
      scrapeInterval: Duration.seconds(15),
      scrapeTimeout: Duration.seconds(20),
      discovery: [ServiceDiscovery.staticTargets({ targets: ['localhost:6782'] })],
    })),
    thrown(() => new RemoteWrite({ url: 'mimir.example.com/api/v1/push' })),
    thrown(() => new Dashboard({
      uid: 'checkout',
      title: 'Checkout',
      rows: [new DashboardRow({ title: 'Traffic', panels: [DashboardPanel.timeSeries({ title: 'Requests', queries: [{ expr: 'sum(rate(http_requests_total[5m])' }] })] })],
    })),
    thrown(() => {
      const chart = new Chart(Testing.app(), 'test');
      const stack = new PrometheusStack(chart, 'prometheus');
      new Grafana(stack, 'Grafana', {
        prometheus: stack,
        adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin'),
        settings: { 'security.admin_password': 'hunter2' },
      });
    }),
    thrown(() => {
      const chart = new Chart(Testing.app(), 'test');
      const stack = new PrometheusStack(chart, 'prometheus');
      const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecretName('grafana-admin') });
      const dashboard = () => new Dashboard({ uid: 'checkout', title: 'Checkout' });
      grafana.addDashboard(dashboard());
      grafana.addDashboard(dashboard());
    }),
  ];
  const errorsBlock = blocks('text')[0];
  expect(lines(errorsBlock)).toEqual(produced);
});

test("CI runs the Quick start's test command as it stands", () => {
  const section = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  const commands = [...section.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]);
  expect(commands).toHaveLength(2);
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8').split('\n');
  expect(ci).toContain(commands[1]);
  // and on a fresh machine: an empty npm cache of its own
  expect(ci.join('\n')).toMatch(/npm_config_cache="\$\(mktemp -d\)"\nexport npm_config_cache/);
});
