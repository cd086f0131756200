// The library as a jsii host (Python, Java, Go, .NET) drives it: through the compiled lib/ and
// the assembly (.jsii), with plain JSON values where the assembly declares typed ones.
//
// The jsii kernel (@jsii/kernel) turns every host call into `new Class(...args)`, `Class.method(...args)`
// or `obj.method(...args)` on these same JavaScript classes; enum members arrive as their values,
// structs as plain objects, objects of the library's classes as the real objects. The kernel is not
// a dependency of this project, so this test makes the calls the kernel would make, for every
// constructor, static factory and method of the assembly: each argument, and each property of each
// struct argument, replaced by a value of the wrong shape or left out. Every call must fail with
// the library's message (`<where>: '<prop>' ..., got <value>`), never a TypeError; the few
// accepted ones are listed below and harmless.
// Needs lib/ and .jsii, which `npx projen compile` (and so the build) writes before the tests.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

const root = path.join(__dirname, '..', '..');
if (!fs.existsSync(path.join(root, '.jsii'))) {
  throw new Error('.jsii not found: run `npx projen compile` (the build does) before this test');
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require(path.join(root, 'lib')) as { [name: string]: any };
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
const PREFIX = 'cdk8s-prometheus-monitoring.';

type TypeRef = { primitive?: string; fqn?: string; collection?: { kind: string; elementtype: TypeRef } };
type Param = { name: string; type: TypeRef; optional?: boolean };
type Prop = Param;

const chart = () => new Chart(new App(), 'host');

/** Valid values, by parameter or property name, for the arguments a case does not make wrong. */
const STRINGS: { [name: string]: string } = {
  url: 'https://x.example/api',
  tokenUrl: 'https://x.example/token',
  apiServer: 'https://kubernetes',
  server: 'http://kuma:5676',
  alert: 'A',
  expr: 'up',
  record: 'a:b',
  uid: 'u1',
  regex: '.*',
  label: 'l',
  targetLabel: 't',
  fromAddress: 'am@x.example',
  to: 'ops@x.example',
  smarthost: 'smtp.x.example:25',
  defaultReceiver: 'r',
  address: '10.0.0.1',
  startTime: '09:00',
  endTime: '17:00',
  envVariable: 'E',
  exportersNamespaceName: 'monitoring',
  color: 'green',
  claimName: 'data',
  secretName: 's',
  key: 'k',
  path: '/p',
  filePath: 'x.json',
  id: 'grafana-x',
  version: '1.0.0',
  text: 'a="b"',
  cidr: '10.0.0.0/8',
  value: 'v',
  namespaceName: 'ns',
  serviceName: 'svc',
  name: 'n1',
  jobName: 'j',
  title: 't',
  clientId: 'c',
  fileName: 'a.tmpl',
  datasourceUid: 'p',
};
const CLASSES: { [name: string]: () => unknown } = {
  PrometheusStack: () => new lib.PrometheusStack(chart(), 'p'),
  PodSelection: () => lib.PodSelection.fromLabels({ app: 'a' }),
  ServiceDiscovery: () => lib.ServiceDiscovery.staticTargets({ targets: ['h:1'] }),
  Credential: () => lib.Credential.fromSecret('s', 'k'),
  GrafanaAdminCredentials: () => lib.GrafanaAdminCredentials.fromSecretName('g'),
  KumaServiceTag: () => lib.KumaServiceTag.custom('x'),
  Matcher: () => lib.Matcher.equal('a', 'b'),
  Relabel: () => lib.Relabel.keep({ sourceLabels: ['a'], regex: 'b' }),
  Rule: () => new lib.AlertingRule({ alert: 'A', expr: 'up' }),
  PrometheusConfig: () => new lib.PrometheusConfig(),
  DashboardPanel: () => lib.DashboardPanel.stat({ title: 't', queries: [{ expr: 'up' }] }),
  KumaCaBackend: () => lib.KumaCaBackend.builtin(),
  WeaveStatusAddress: () => lib.WeaveStatusAddress.nodeIp(),
};

function structProps(fqn: string): Prop[] {
  const out: Prop[] = [];
  for (let t = assembly.types[fqn]; t; t = t.interfaces?.length ? assembly.types[t.interfaces[0]] : undefined) out.push(...t.properties ?? []);
  return out;
}

function valid(type: TypeRef, name: string): unknown {
  if (type.primitive === 'string') return STRINGS[name] ?? 'x';
  if (type.primitive === 'number') return /port/i.test(name) ? 8080 : name === 'modulus' ? 2 : 1;
  if (type.primitive === 'boolean') return false;
  if (type.primitive === 'any') return {};
  if (type.collection) return type.collection.kind === 'array' ? [valid(type.collection.elementtype, name.replace(/s$/, ''))] : {};
  if (type.fqn === 'cdk8s.Duration') return Duration.seconds(30);
  if (type.fqn === 'cdk8s.Size') return Size.gibibytes(1);
  const t = assembly.types[type.fqn!];
  if (t?.kind === 'enum') return lib[t.name][t.members[0].name];
  if (t?.datatype) return Object.fromEntries(structProps(type.fqn!).filter((p) => !p.optional).map((p) => [p.name, valid(p.type, p.name)]));
  const short = type.fqn!.replace(PREFIX, '');
  if (CLASSES[short]) return CLASSES[short]();
  if (type.fqn === 'constructs.Construct') return chart();
  if (type.fqn === 'constructs.IConstruct') return new kplus.Deployment(chart(), 'd', { containers: [{ image: 'app:1.0', portNumber: 80 }] });
  return undefined;
}

/** What a host passes by mistake: the JSON value of another shape. */
function wrong(type: TypeRef): unknown {
  if (type.primitive === 'string') return 42;
  if (type.primitive === 'number') return 'x';
  if (type.primitive === 'boolean') return 'yes';
  if (type.collection) return type.collection.kind === 'array' ? { single: true } : 'not-a-map';
  if (type.fqn === 'cdk8s.Duration') return '30s';
  if (type.fqn === 'cdk8s.Size') return '10Gi';
  const t = assembly.types[type.fqn!];
  if (t?.kind === 'enum') return 'bogus';
  if (t?.datatype) return 'not-a-struct';
  if (type.fqn?.startsWith('constructs.')) return 'not-a-construct';
  return { plain: 'object' };
}

interface Call { readonly label: string; readonly run: () => unknown }

/** Every call the kernel could make with one wrong or missing value. */
function calls(): Call[] {
  const out: Call[] = [];
  let n = 0;
  for (const [fqn, t] of Object.entries<any>(assembly.types)) {
    if (!fqn.startsWith(PREFIX) || t.kind !== 'class' || /^cdk8s-prometheus-monitoring\.(monitoring|kuma)\./.test(fqn)) continue;
    const cls = lib[t.name];
    const construct = t.base === 'constructs.Construct';
    const methods: Array<{ name: string; parameters?: Param[]; static?: boolean; ctor?: boolean }> = [
      ...t.initializer && !t.abstract ? [{ name: 'new', parameters: t.initializer.parameters, ctor: true }] : [],
      ...(t.methods ?? []).filter((m: any) => m.static || t.initializer),
    ];
    for (const m of methods) {
      const params: Param[] = m.parameters ?? [];
      const invoke = (args: unknown[]) => {
        if (m.ctor) return construct ? new cls(chart(), `x${n++}`, ...args.slice(2)) : new cls(...args);
        if (m.static) return cls[m.name](...args);
        const init = (t.initializer.parameters ?? []).map((p: Param) => valid(p.type, p.name));
        const obj = construct ? new cls(chart(), 'o', ...init.slice(2)) : new cls(...init);
        return obj[m.name](...args);
      };
      const base = () => params.map((p) => valid(p.type, p.name));
      params.forEach((p, i) => {
        if (construct && m.ctor && i < 2) return;
        const at = `${t.name}.${m.name}(${p.name}`;
        const withArg = (value: unknown) => () => { const a = base(); a[i] = value; return invoke(a); };
        out.push({ label: `${at}=${JSON.stringify(wrong(p.type))})`, run: withArg(wrong(p.type)) });
        if (!p.optional) out.push({ label: `${at} missing)`, run: withArg(undefined) });
        if (!assembly.types[p.type.fqn!]?.datatype) return;
        for (const prop of structProps(p.type.fqn!)) {
          const withProp = (value: unknown) => () => { const a = base(); a[i] = { ...a[i] as object, [prop.name]: value }; return invoke(a); };
          out.push({ label: `${at}.${prop.name}=${JSON.stringify(wrong(prop.type))})`, run: withProp(wrong(prop.type)) });
          if (!prop.optional) out.push({ label: `${at}.${prop.name} missing)`, run: withProp(undefined) });
        }
      });
    }
  }
  return out;
}

/**
 * Accepted, and harmless: a struct of cdk8s's or cdk8s-plus's with keys it does not have (a host's
 * struct class cannot have them; from JavaScript they are ignored, as cdk8s ignores them).
 */
const HARMLESS = /\.(metadata|resources)=\{"plain":"object"\}\)$/;

const all = calls();

test('the assembly offers hundreds of calls to get wrong', () => {
  expect(all.length).toBeGreaterThan(800);
});

test('every wrong or missing value fails with the library\'s message, never a TypeError', () => {
  const unclear: string[] = [];
  const accepted: string[] = [];
  for (const c of all) {
    try {
      c.run();
      if (!HARMLESS.test(c.label)) accepted.push(c.label);
    } catch (e) {
      const message = String((e as Error).message);
      if (e instanceof TypeError || e instanceof RangeError || !/^[^\n]+: '[^']+' [^\n]*, got /.test(message)) {
        unclear.push(`${c.label}: ${message.split('\n')[0]}`);
      }
    }
  }
  expect(unclear).toEqual([]);
  expect(accepted).toEqual([]);
});

test('a host subclass of the abstract Rule, which has nothing to render with, is refused where it is added', () => {
  // What the kernel's `create` makes for a Python `class MyRule(Rule)`: an object of the JavaScript class.
  const hostRule = new lib.Rule();
  const group = new lib.RuleGroup({ name: 'g' });
  expect(() => group.addRule(hostRule)).toThrow(
    "RuleGroup 'g': 'rules[0]' must be an AlertingRule or a RecordingRule, got an object of class Rule. Use new AlertingRule({ alert, expr }) or new RecordingRule({ record, expr })");
});

test('a host subclass of AlertingRule renders as the rule it extends', () => {
  // The kernel makes `new AlertingRule(props)` and adds the host's overrides; _render is inherited.
  const hostRule = new lib.AlertingRule({ alert: 'HostDown', expr: 'up == 0' });
  const config = new lib.PrometheusConfig();
  config.addRuleGroup(new lib.RuleGroup({ name: 'g', rules: [hostRule] }));
  expect(config.rulesToYaml()).toContain('alert: HostDown');
});

test('enum members arrive as their values, and are accepted as such', () => {
  const job = new lib.ScrapeJob({ jobName: 'j', discovery: [lib.ServiceDiscovery.kubernetes({ role: 'pod' })], scheme: 'https' });
  const config = new lib.PrometheusConfig();
  config.addScrapeJob(job);
  expect(config.toYaml()).toContain('scheme: https');
});
