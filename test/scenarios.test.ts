// Scenarios written as a user who has read only README.md and API.md: each test is named after
// what the user wants, and checks what those two documents say the library does.
import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  AlertingRule, AppServiceMonitor, Dashboard, DashboardPanel, DashboardRow, DataStorage, Grafana, GrafanaAdminCredentials,
  IntegrationConfig, IPrometheusIntegration, KrakendGateways, KrakendMetrics, KumaCaBackend, KumaMetricsMesh, KumaPolicyApi,
  KumaServiceTag, NamespaceIngress, NetworkPeer, PlatformExporters, PodSelection, PrometheusAnnotations, PrometheusStack, RuleGroup,
  ScrapeJob, ServiceDiscovery, WeaveMonitoring,
} from '../src';
import { findObject, findObjects } from './harness';
import { jobNamed, newChart, onlyConfig, runExampleProgram, synthAndCheck } from './util';

const DASHBOARD_LABEL = 'cdk8s-prometheus-monitoring/dashboard';
const admin = () => GrafanaAdminCredentials.fromSecretName('grafana-admin');

/** The titles of every dashboard ConfigMap of a synthesized chart, sorted. */
const dashboardTitles = (objects: any[]): string[] => findObjects(objects, 'ConfigMap')
  .filter((cm) => cm.metadata.labels?.[DASHBOARD_LABEL] !== undefined)
  .map((cm) => JSON.parse(cm.data['dashboard.json']).title)
  .sort();

/** The dashboard titles a given Grafana provisions: the ConfigMaps its pod mounts. */
function dashboardTitlesOf(objects: any[], deployment: any): string[] {
  const mounted = new Set<string>();
  for (const v of deployment.spec.template.spec.volumes ?? []) {
    if (v.configMap) mounted.add(v.configMap.name);
    for (const s of v.projected?.sources ?? []) if (s.configMap) mounted.add(s.configMap.name);
  }
  return findObjects(objects, 'ConfigMap')
    .filter((cm) => cm.metadata.labels?.[DASHBOARD_LABEL] !== undefined && mounted.has(cm.metadata.name))
    .map((cm) => JSON.parse(cm.data['dashboard.json']).title)
    .sort();
}

/** Every integration the README lists, on one stack; Kuma with secured metrics. */
function addIntegrations(chart: Chart, stack: PrometheusStack): void {
  new WeaveMonitoring(chart, 'weave', { stack });
  new AppServiceMonitor(chart, 'shop-metrics', {
    pods: PodSelection.fromLabels({ app: 'shop' }, { namespaceName: 'shop' }),
    metricsPort: 9102,
    metadata: { name: 'shop' },
    namespaceIngress: NamespaceIngress.DEFAULT_DENY,
    stack,
  });
  new KrakendMetrics(chart, 'gateway', { stack, metadata: { namespace: 'gateway' } });
  new KumaMetricsMesh(chart, 'kuma', {
    policyApi: KumaPolicyApi.SOURCE_DESTINATION,
    stack,
    mtls: { backends: [KumaCaBackend.builtin()] },
    secureMetrics: true,
  });
}

type Order = 'before' | 'after';

function grafanaBesideStack(order: Order) {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  let grafana: Grafana | undefined;
  if (order === 'before') grafana = new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
  addIntegrations(chart, stack);
  if (order === 'after') grafana = new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
  const out = synthAndCheck(chart);
  return { chart, stack, grafana: grafana!, out };
}

/** Kuma's service tag of a Kubernetes Service port, as the README gives it: `<service>_<namespace>_svc_<port>`. */
const serviceTag = (service: any) => `${service.metadata.name}_${service.metadata.namespace}_svc_${service.spec.ports[0].port}`;

describe('I want Grafana beside my stack to show every integration, whenever I create it', () => {
  const runs = { before: grafanaBesideStack('before'), after: grafanaBesideStack('after') };

  test.each(['before', 'after'] as Order[])('created %s the integrations, Grafana provisions the dashboard of each one', (order) => {
    const titles = dashboardTitles(runs[order].out.objects);
    // README "Grafana and dashboards": Prometheus, Applications, Weave Net, KrakenD, Kuma data plane
    // proxies and Kuma service to service when those integrations use the stack (titled with their job).
    for (const expected of [/^Prometheus/, /^Applications/, /Weave Net/, /KrakenD/, /Kuma data plane proxies/, /Kuma service to service/, /Kuma mesh/]) {
      expect(titles.some((t) => expected.test(t))).toBe(true);
    }
  });

  test('the order of creation changes nothing Grafana provisions', () => {
    expect(dashboardTitles(runs.before.out.objects)).toEqual(dashboardTitles(runs.after.out.objects));
    const grafanaObjects = (objects: any[]) => objects.filter((o) => /grafana/.test(o.metadata.name ?? ''))
      .map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(grafanaObjects(runs.before.out.objects)).toEqual(grafanaObjects(runs.after.out.objects));
    const deployment = (objects: any[]) => findObject(objects, 'Deployment', /grafana/);
    expect(deployment(runs.before.out.objects)).toEqual(deployment(runs.after.out.objects));
  });

  test.each(['before', 'after'] as Order[])('created %s a mesh with secureMetrics, Grafana joins the mesh and may query Prometheus', (order) => {
    const { objects } = runs[order].out;
    const grafanaPod = findObject(objects, 'Deployment', /grafana/).spec.template;
    // README "Kuma ... Grafana": every Grafana that reads the stack joins the mesh like Prometheus
    // (the sidecar-injection and mesh labels; the token mounted, since the sidecar authenticates with it).
    expect(grafanaPod.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled', 'kuma.io/mesh': 'default' });
    expect(grafanaPod.spec.automountServiceAccountToken).not.toBe(false);
    // "the permission that lets it query Prometheus names both by the tags of their real Services"
    const grafanaTag = serviceTag(findObject(objects, 'Service', /grafana/));
    const prometheusTag = serviceTag(findObjects(objects, 'Service').find((s) => /prometheus/.test(s.metadata.name) && !/grafana/.test(s.metadata.name)));
    const permissions = findObjects(objects, 'TrafficPermission').filter((tp) =>
      tp.spec.sources.some((s: any) => s.match['kuma.io/service'] === grafanaTag));
    expect(permissions).toHaveLength(1);
    expect(permissions[0].spec.destinations).toEqual([{ match: { 'kuma.io/service': prometheusTag } }]);
    // The Prometheus pod is in the mesh too.
    const promPod = findObjects(objects, 'Deployment').find((d) => !/grafana|gateway|krakend/.test(d.metadata.name)).spec.template;
    expect(promPod.metadata.labels).toMatchObject({ 'kuma.io/sidecar-injection': 'enabled' });
  });

  test.each(['before', 'after'] as Order[])('created %s, the stack lists Grafana among its clients and scrapes it as job grafana', (order) => {
    const { stack, out } = runs[order];
    expect(stack.clients.map((c) => c.name)).toEqual(['test/grafana']);
    jobNamed(onlyConfig(out), 'grafana');
  });
});

describe('I am upgrading from the release before the layered code', () => {
  // The names of Grafana's objects that `stack.addGrafana()` gave in examples/full-stack in the
  // previous release (test/__snapshots__/examples.test.ts.snap at 567da39^, the commit before the seam).
  const PREVIOUS_GRAFANA_NAMES = [
    'mo-prometheus-grafana-integration-kuma-kuma-dataplanes-c81a53ca',
    'monitor-prometheus-grafana-integration-krakend-krakend-c8767851',
    'monitoring-prometheus-grafana-c8b4f9d6',
    'monitoring-prometheus-grafana-dashboard-checkout-c896aeca',
    'monitoring-prometheus-grafana-integration-applications-c8117957',
    'monitoring-prometheus-grafana-integration-prometheus-c86f4d92',
    'monitoring-prometheus-grafana-integration-weave-weave-c8e4dd96',
    'monitoring-prometheus-grafana-networkpolicy-c804e014',
    'monitoring-prometheus-grafana-provisioning-c8b9fc6f',
    'monitoring-prometheus-grafana-service-c8d6d1d4',
    'monitoring-prometheus-grafana-serviceaccount-c8af8134',
    'prome-grafana-integration-kuma-gateway-kuma-dataplanes-c8dc7fc4',
    'prome-grafana-integration-kuma-service-kuma-dataplanes-c858f222',
    'promethe-grafana-integration-kuma-mesh-kuma-dataplanes-c8099101',
  ];

  test('new Grafana(stack, "Grafana", { prometheus: stack }) keeps the names stack.addGrafana() gave', () => {
    const run = runExampleProgram('full-stack', { replace: ["new Grafana(chart, 'grafana', {", "new Grafana(stack, 'Grafana', {"] });
    const names = run.objects.map((o) => o.metadata.name as string).filter((n) => /grafana.*-c8[0-9a-f]{6}$/.test(n)).sort();
    expect(names).toEqual([...PREVIOUS_GRAFANA_NAMES].sort());
  });

  test('Grafana in the chart instead gives new names (the README warns of the delete and create)', () => {
    const run = runExampleProgram('full-stack');
    const names = run.objects.map((o) => o.metadata.name as string).filter((n) => /grafana.*-c8[0-9a-f]{6}$/.test(n));
    expect(names.filter((n) => PREVIOUS_GRAFANA_NAMES.includes(n))).toEqual([]);
  });

  test('stack.addGrafana and the grafana prop are gone; GrafanaProps.stack is now prometheus', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    // @ts-expect-error addGrafana is gone
    expect(stack.addGrafana).toBeUndefined();
    // @ts-expect-error stack.grafana is gone
    expect(stack.grafana).toBeUndefined();
    // @ts-expect-error the stack's grafana prop is gone: an untyped caller that keeps it is told what replaces it
    expect(() => new PrometheusStack(newChart(), 'prometheus', { grafana: { adminCredentials: admin() } })).toThrow(/'grafana' was removed.*new Grafana\(scope, 'grafana', \{ prometheus: stack/);
    // @ts-expect-error GrafanaProps.stack is now prometheus: an untyped caller that keeps it learns which prop to set
    expect(() => new Grafana(chart, 'g', { stack, adminCredentials: admin() })).toThrow(/^test\/g: 'stack' was renamed 'prometheus'/);
    const grafana = new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    // @ts-expect-error Grafana.scrapeJob is gone ...
    expect(grafana.scrapeJob).toBeUndefined();
    // ... and the stack adds the job grafana as before.
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'grafana');
    expect(job).toBeDefined();
  });

  test('PrometheusStorage is DataStorage', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prometheus', { storage: DataStorage.existingClaim('old-claim') });
    const { objects } = synthAndCheck(chart);
    const volumes = findObject(objects, 'Deployment').spec.template.spec.volumes;
    expect(volumes.some((v: any) => v.persistentVolumeClaim?.claimName === 'old-claim')).toBe(true);
  });

  test('AppServiceMonitor portNumber/path are metricsPort/metricsPath', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'app', {
      pods: PodSelection.fromLabels({ app: 'checkout' }, { namespaceName: 'shop' }),
      metricsPort: 9102,
      metricsPath: '/prometheus',
      metadata: { name: 'checkout' },
      stack,
    });
    const { objects } = synthAndCheck(chart);
    const service = findObject(objects, 'Service', 'checkout');
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 9102, name: 'metrics' })]);
    expect(service.metadata.annotations).toMatchObject({ 'cdk8s-prometheus-monitoring/scrape-path': '/prometheus' });
    expect(findObject(objects, 'ServiceMonitor', 'checkout').spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/prometheus' });
  });

  test('PrometheusAnnotations take metricsPort/metricsPath, and scrapeJob takes namespaceNames', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const deployment = new kplus.Deployment(chart, 'shop', {
      metadata: { namespace: 'shop' },
      containers: [{ image: 'registry.example.com/shop:1.0.0', portNumber: 8080 }],
    });
    PrometheusAnnotations.annotate(deployment, { metricsPort: 9102, metricsPath: '/stats' });
    stack.addScrapeJob(PrometheusAnnotations.scrapeJob({ namespaceNames: ['shop'] }));
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'Deployment', /shop/).spec.template.metadata.annotations)
      .toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/stats' });
    const job = onlyConfig(out).scrape_configs.find((j: any) => j.kubernetes_sd_configs?.some((sd: any) => sd.role === 'pod'));
    expect(job.kubernetes_sd_configs[0].namespaces.names).toEqual(['shop']);
  });

  test('KumaPolicyApi.LEGACY/CURRENT are SOURCE_DESTINATION/TARGET_REF', () => {
    const legacy = newChart();
    new KumaMetricsMesh(legacy, 'kuma', { policyApi: KumaPolicyApi.SOURCE_DESTINATION });
    expect(findObject(synthAndCheck(legacy).objects, 'Mesh').spec.metrics).toBeDefined();
    const current = newChart();
    new KumaMetricsMesh(current, 'kuma', { policyApi: KumaPolicyApi.TARGET_REF });
    const objects = synthAndCheck(current).objects;
    expect(findObjects(objects, 'MeshMetric')).toHaveLength(1);
  });

  test('kumaNamespace is controlPlaneNamespaceName: the control plane scraped and Kuma data source read there', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KumaMetricsMesh(chart, 'kuma', {
      policyApi: KumaPolicyApi.TARGET_REF,
      stack,
      controlPlaneNamespaceName: 'kong-mesh-system',
      scrapeControlPlane: true,
      kumaDatasource: true,
    });
    new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    const out = synthAndCheck(chart);
    const job = jobNamed(onlyConfig(out), 'kuma-control-plane');
    expect(job.kubernetes_sd_configs[0].namespaces.names).toEqual(['kong-mesh-system']);
    expect(findObject(out.objects, 'MeshMetric').metadata.namespace).toBe('kong-mesh-system');
    const datasources = YAML.parse(findObject(out.objects, 'ConfigMap', /grafana-provisioning/).data['datasources.yaml']).datasources;
    expect(datasources.filter((d: any) => d.type === 'kumahq-kuma-datasource').map((d: any) => d.url))
      .toEqual(['http://kuma-control-plane.kong-mesh-system.svc:5681']);
  });

  // README (Kuma, Grafana): the data source is *Kuma* (uid `kuma`), and with another
  // controlPlaneNamespaceName *Kuma (<namespace>)* with uid `kuma-<namespace>`.
  test('the Kuma data source is named after the control plane\'s namespace when it is not kuma-system, as the README says', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KumaMetricsMesh(chart, 'kuma', { policyApi: KumaPolicyApi.TARGET_REF, stack, controlPlaneNamespaceName: 'kong-mesh-system', kumaDatasource: true });
    new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    const out = synthAndCheck(chart);
    const datasources = YAML.parse(findObject(out.objects, 'ConfigMap', /grafana-provisioning/).data['datasources.yaml']).datasources;
    const kuma = datasources.filter((d: any) => d.type === 'kumahq-kuma-datasource');
    expect(kuma.map((d: any) => [d.name, d.uid, d.url])).toEqual([['Kuma (kong-mesh-system)', 'kuma-kong-mesh-system', 'http://kuma-control-plane.kong-mesh-system.svc:5681']]);
  });

  test('with the legacy API, controlPlaneNamespaceName still says where the control plane is scraped', () => {
    // README: "With scrapeControlPlane: true, the kuma-control-plane job: every replica of the
    // kuma-control-plane Service (in controlPlaneNamespaceName)". A user renaming kumaNamespace
    // on the legacy API follows this row of the Upgrading table.
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KumaMetricsMesh(chart, 'kuma', {
      policyApi: KumaPolicyApi.SOURCE_DESTINATION,
      stack,
      controlPlaneNamespaceName: 'kong-mesh-system',
      scrapeControlPlane: true,
    });
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'kuma-control-plane');
    expect(job.kubernetes_sd_configs[0].namespaces.names).toEqual(['kong-mesh-system']);
  });

  test('KrakendMetrics targetLabels is staticLabels', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KrakendMetrics(chart, 'gw', {
      stack,
      jobName: 'krakend_otel',
      gateways: KrakendGateways.external({ targets: ['krakend1', 'krakend2'] }),
      staticLabels: { app: 'kotel_example' },
    });
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'krakend_otel');
    expect(job.static_configs).toEqual([{ targets: ['krakend1:9091', 'krakend2:9091'], labels: { app: 'kotel_example' } }]);
  });

  test('KumaMetricsMeshProps.grafana is prometheusClients, and KumaServiceTag.kubernetesService takes servicePort', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    const external = KumaServiceTag.kubernetesService({ serviceName: 'team-grafana', namespaceName: 'ops', servicePort: 3000 });
    new KumaMetricsMesh(chart, 'kuma', {
      policyApi: KumaPolicyApi.SOURCE_DESTINATION,
      stack,
      mtls: { backends: [KumaCaBackend.builtin()] },
      secureMetrics: true,
      prometheusClients: [external],
    });
    const { objects } = synthAndCheck(chart);
    const sources = findObjects(objects, 'TrafficPermission').flatMap((tp) => tp.spec.sources.map((s: any) => s.match['kuma.io/service']));
    expect(sources).toContain('team-grafana_ops_svc_3000');
    // @ts-expect-error KumaServiceTag.fromGrafana is gone
    expect(KumaServiceTag.fromGrafana).toBeUndefined();
  });

  test('PlatformExporters serviceNamespace/exportersNamespace are serviceNamespaceName/exportersNamespaceName, etcd takes metricsPort', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    stack.addScrapeJob(PlatformExporters.nodeExporter({ serviceNamespaceName: 'exporters' }));
    const config = onlyConfig(synthAndCheck(chart));
    expect(jobNamed(config, 'node-exporter').kubernetes_sd_configs[0].namespaces.names).toEqual(['exporters']);

    const chart2 = newChart();
    const stack2 = new PrometheusStack(chart2, 'prometheus');
    PlatformExporters.addAll(stack2.config, { exportersNamespaceName: 'exporters', etcd: { metricsPort: 2382 } });
    const config2 = onlyConfig(synthAndCheck(chart2));
    expect(jobNamed(config2, 'kube-state-metrics').kubernetes_sd_configs[0].namespaces.names).toEqual(['exporters']);
    expect(YAML.stringify(jobNamed(config2, 'etcd'))).toContain('2382');
  });

  test('krakendDashboard() is gone: KrakendMetrics.dashboard; Dashboard.toJson() is a JSON map', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const gateway = new KrakendMetrics(chart, 'gateway', { stack });
    const json = gateway.dashboard.toJson('prometheus');
    expect(typeof json.title).toBe('string');
    expect(Array.isArray(json.panels)).toBe(true);
  });
});

/** A user's own integration through the seam: a job, a rule group, a dashboard and a peer. */
class PgBouncerMonitoring extends Construct implements IPrometheusIntegration {
  public binds = 0;
  constructor(scope: Construct, id: string, stack: PrometheusStack) {
    super(scope, id);
    stack.addIntegration(this);
  }

  public bind(_stack: PrometheusStack): IntegrationConfig {
    this.binds++;
    return {
      scrapeJobs: [new ScrapeJob({
        jobName: 'pgbouncer',
        scrapeInterval: Duration.seconds(30),
        discovery: [ServiceDiscovery.staticTargets({ targets: ['pgbouncer.db.svc:9127'] })],
      })],
      ruleGroups: [new RuleGroup({
        name: 'pgbouncer',
        rules: [new AlertingRule({
          alert: 'PgBouncerDown',
          expr: 'up{job="pgbouncer"} == 0',
          forDuration: Duration.minutes(5),
          labels: { severity: 'critical' },
        })],
      })],
      dashboards: [new Dashboard({
        uid: 'pgbouncer',
        title: 'PgBouncer',
        rows: [new DashboardRow({
          title: 'Pools',
          panels: [DashboardPanel.stat({ title: 'Up', queries: [{ expr: 'sum(up{job="pgbouncer"})' }] })],
        })],
      })],
      admit: [NetworkPeer.fromPodLabels({ app: 'pgbouncer-admin' }, { namespaceNames: ['db'] })],
    };
  }
}

describe('I want my own integration to plug into the stack like the built-in ones', () => {
  test.each(['before', 'after'] as Order[])('with Grafana created %s it, its job, rules, dashboard and peer land where they belong', (order) => {
    const chart = newChart();
    // ClusterIP: the default NodePort Service admits every source, which would hide the peer.
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' }, serviceType: kplus.ServiceType.CLUSTER_IP });
    if (order === 'before') new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    const mine = new PgBouncerMonitoring(chart, 'pgbouncer', stack);
    if (order === 'after') new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    const out = synthAndCheck(chart);
    expect(mine.binds).toBe(1);

    const configMap = findObjects(out.objects, 'ConfigMap').find((cm) => cm.data?.['prometheus.yml'] !== undefined);
    const config = YAML.parse(configMap.data['prometheus.yml']);
    expect(jobNamed(config, 'pgbouncer').static_configs).toEqual([{ targets: ['pgbouncer.db.svc:9127'] }]);
    const rules = YAML.parse(configMap.data[config.rule_files[0].split('/').pop()] ?? configMap.data[config.rule_files[0]]);
    expect(rules.groups.map((g: any) => g.name)).toContain('pgbouncer');

    expect(dashboardTitles(out.objects)).toContain('PgBouncer');

    const policy = findObjects(out.objects, 'NetworkPolicy').find((p) => !/grafana/.test(p.metadata.name));
    expect(JSON.stringify(policy.spec.ingress)).toContain('pgbouncer-admin');
  });

  test('a plain object passed to addIntegration fails with the path, the prop, the value and the fix', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    // The mistake a user makes: handing the stack what bind() would return, not an integration.
    const plain = { scrapeJobs: [] };
    let message = '';
    try {
      stack.addIntegration(plain as any);
    } catch (e) {
      message = (e as Error).message;
    }
    // STYLE: `<path>: '<prop>' <constraint>, got <value>. <fix>`
    expect(message).toMatch(/^test\/prometheus: 'integration' must implement IPrometheusIntegration .*, got \{"scrapeJobs":\[\]\}\. .+/);
    expect(message).toContain('your own IPrometheusIntegration');
  });
});

describe('I want my applications scraped without prometheus-operator, and prometheus.yml to stay put as I add more', () => {
  const app = (chart: Chart, stack: PrometheusStack, name: string, extra: object = {}) => new AppServiceMonitor(chart, name, {
    pods: PodSelection.fromLabels({ app: name }, { namespaceName: 'shop' }),
    metricsPort: 9102,
    metadata: { name },
    namespaceIngress: NamespaceIngress.DEFAULT_DENY,
    stack,
    ...extra,
  });

  test('the Service carries the scrape-* annotations for the settings that differ from the defaults', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    // The stack scrapes every 15s by default (the data source's timeInterval): 45s differs.
    app(chart, stack, 'checkout', { metricsPath: '/prometheus', scrapeInterval: Duration.seconds(45), scrapeTimeout: Duration.seconds(5) });
    app(chart, stack, 'cart');
    const { objects } = synthAndCheck(chart);
    const annotations = findObject(objects, 'Service', 'checkout').metadata.annotations;
    expect(annotations).toMatchObject({
      'cdk8s-prometheus-monitoring/scrape-port': 'metrics',
      'cdk8s-prometheus-monitoring/scrape-path': '/prometheus',
      'cdk8s-prometheus-monitoring/scrape-interval': '45s',
      'cdk8s-prometheus-monitoring/scrape-timeout': '5s',
    });
    // "those that differ from the defaults": the plain application has only its port.
    const plain = findObject(objects, 'Service', 'cart').metadata.annotations;
    expect(Object.keys(plain).filter((k) => k.startsWith('cdk8s-prometheus-monitoring/scrape-'))).toEqual(['cdk8s-prometheus-monitoring/scrape-port']);
  });

  test('adding an application to a watched namespace changes its Service only, not prometheus.yml', () => {
    const build = (names: string[]) => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      names.forEach((n, i) => app(chart, stack, n, i === 1 ? { metricsPath: '/stats', scrapeInterval: Duration.seconds(10) } : {}));
      const out = synthAndCheck(chart);
      return findObjects(out.objects, 'ConfigMap').find((cm) => cm.data?.['prometheus.yml'] !== undefined).data['prometheus.yml'];
    };
    const one = build(['checkout']);
    const two = build(['checkout', 'cart']);
    expect(two).toEqual(one);
    expect(YAML.parse(one).scrape_configs.map((j: any) => j.job_name)).toContain('apps/shop');
  });

  test('the job keeps only Services with the annotation, on their named port (keepequal)', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    app(chart, stack, 'checkout');
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'apps/shop');
    expect(job.relabel_configs.some((r: any) => r.action === 'keepequal')).toBe(true);
    expect(JSON.stringify(job.relabel_configs)).toContain('cdk8s_prometheus_monitoring_scrape_port');
  });
});

describe('I want a second Grafana on the same stack for a team', () => {
  test('a second Grafana that also scrapes its metrics fails clearly, naming the prop to change', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    // Fails where the second Grafana is created, naming it, the prop, the clash and the fix.
    expect(() => new Grafana(chart, 'team-grafana', { prometheus: stack, adminCredentials: admin() })).toThrow(
      "test/team-grafana: 'scrapeMetrics' adds the job 'grafana', which the stack 'test/prometheus' already has for test/grafana, got true. "
      + 'Set scrapeMetrics: false on one of them (a second Grafana of the stack is not scraped under the same job)');
  });

  test('with scrapeMetrics: false, both Grafanas read the stack, get every integration dashboard, and only their own team dashboards', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    const main = new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin() });
    const team = new Grafana(chart, 'team-grafana', { prometheus: stack, adminCredentials: admin(), scrapeMetrics: false });
    new WeaveMonitoring(chart, 'weave', { stack });
    team.addDashboard(new Dashboard({
      uid: 'team',
      title: 'Team',
      rows: [new DashboardRow({ title: 'R', panels: [DashboardPanel.stat({ title: 'Up', queries: [{ expr: 'sum(up)' }] })] })],
    }));
    void main;
    const out = synthAndCheck(chart);
    const deployments = findObjects(out.objects, 'Deployment').filter((d) => /grafana/.test(d.metadata.name));
    expect(deployments).toHaveLength(2);
    const mainD = deployments.find((d) => !/team/.test(d.metadata.name));
    const teamD = deployments.find((d) => /team/.test(d.metadata.name));
    const mainTitles = dashboardTitlesOf(out.objects, mainD);
    const teamTitles = dashboardTitlesOf(out.objects, teamD);
    expect(mainTitles.some((t) => /Weave Net/.test(t))).toBe(true);
    expect(teamTitles.some((t) => /Weave Net/.test(t))).toBe(true);
    expect(teamTitles).toContain('Team');
    expect(mainTitles).not.toContain('Team');
    expect(stack.clients).toHaveLength(2);
    // One grafana job only.
    expect(onlyConfig(out).scrape_configs.filter((j: any) => j.job_name === 'grafana')).toHaveLength(1);
  });
});
