// The bundled examples, synthesized and checked like any chart, and the full-stack example run
// for real: its relabelling in a real Prometheus, its configuration scraping a real node exporter.
import * as YAML from 'yaml';
import { checkConfig, findObject, findObjects, relabel, startNodeExporter, startPrometheus, stripUnsupportedDiscovery } from './harness';
import { jobNamed, onlyConfig, runExampleProgram, withDashboardSummaries } from './util';

/** The prometheus.yml that examples/prometheus-config/main.ts prints. */
const standaloneConfig = () => runExampleProgram('prometheus-config', { manifests: false }).printed.join('\n');

/** examples/full-stack/main.ts, run as it stands; `stack` names the Prometheus server's objects. */
function fullStack() {
  const out = runExampleProgram('full-stack');
  const only = (kind: string, test: (o: any) => boolean) => {
    const found = out.objects.filter((o) => o.kind === kind && test(o));
    expect(found).toHaveLength(1);
    return found[0].metadata.name as string;
  };
  return {
    out,
    stack: {
      // Persistent storage: a StatefulSet whose claim template gives the pod its volume.
      statefulSetName: only('StatefulSet', (d) => d.spec.template.spec.containers.some((c: any) => c.name === 'prometheus')),
      configMapName: only('ConfigMap', (c) => c.data?.['prometheus.yml'] !== undefined),
      serviceName: only('Service', (s) => s.spec.ports.some((p: any) => p.port === 9090 && p.name === 'web')),
    },
  };
}

describe('examples/full-stack', () => {
  test('synthesizes valid objects, pinned', () => {
    const { out } = fullStack();
    expect(out.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'Namespace/', 'ServiceAccount/monitoring', 'ConfigMap/monitoring',
      'StatefulSet/monitoring', 'Service/monitoring', 'NetworkPolicy/monitoring', 'Role/shop', 'RoleBinding/shop',
      'Role/kube-system', 'RoleBinding/kube-system', 'Role/gateway', 'RoleBinding/gateway',
      'Namespace/', 'Namespace/', 'Deployment/shop', 'Service/shop', 'ServiceMonitor/shop', 'NetworkPolicy/shop',
      'ConfigMap/gateway', 'Deployment/gateway', 'Service/gateway', 'NetworkPolicy/gateway', 'Mesh/',
      // Grafana, and one ConfigMap per dashboard: Prometheus, applications, Weave, KrakenD, Kuma's data plane, mesh,
      // service, service-to-service and gateway dashboards, and the example's own.
      'Service/monitoring', 'ServiceAccount/monitoring', 'ConfigMap/monitoring', 'Deployment/monitoring', 'NetworkPolicy/monitoring',
      ...Array(10).fill('ConfigMap/monitoring'),
    ]);
    expect(onlyConfig(out).scrape_configs.map((j: any) => j.job_name)).toEqual([
      'prometheus', 'node-exporter', 'shop', 'apps/shop', 'kube-state-metrics', 'weave', 'weave-npc', 'krakend', 'kuma-dataplanes', 'grafana',
    ]);
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });

  test('the password is mounted from its Secret and never in the ConfigMap', () => {
    const { stack, out } = fullStack();
    const config = onlyConfig(out);
    expect(config.remote_write[0].basic_auth).toEqual({ username: 'demo', password_file: '/etc/prometheus/secrets/mimir-credentials/password' });
    const pod = findObject(out.objects, 'StatefulSet', stack.statefulSetName).spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'secret-mimir-credentials', secret: { secretName: 'mimir-credentials', defaultMode: 0o440 } });
    expect(findObjects(out.objects, 'Secret')).toHaveLength(0);
  });

  test('the shop job keeps the metrics port of the shop Services only, in a real Prometheus', async () => {
    const { out } = fullStack();
    const job = jobNamed(onlyConfig(out), 'shop');
    const endpoint = (labels: Record<string, string>) => ({
      labels: {
        __meta_kubernetes_namespace: 'shop',
        __meta_kubernetes_service_name: 'shop',
        __meta_kubernetes_service_label_app: 'shop',
        __meta_kubernetes_service_label_tier: 'web',
        __meta_kubernetes_endpointslice_port_name: 'metrics',
        __meta_kubernetes_pod_name: 'shop-7d4f9',
        ...labels,
      },
    });
    const [result] = await relabel([{
      name: 'shop',
      relabelConfigs: job.relabel_configs,
      targets: [
        endpoint({}),
        endpoint({ __meta_kubernetes_endpointslice_port_name: 'http' }),
        endpoint({ __meta_kubernetes_service_label_app: 'cart' }),
      ],
    }]);
    expect(result.targets.map((t) => t.kept)).toEqual([true, false, false]);
    const kept = result.targets[0].labels!;
    expect(kept).toMatchObject({ job: 'shop', namespace: 'shop', pod: 'shop-7d4f9', app: 'shop', tier: 'web' });
    expect(Object.keys(kept).filter((k) => !k.startsWith('__')).sort()).toEqual(['app', 'instance', 'job', 'namespace', 'pod', 'tier']);
  });

  test('a real Prometheus loads the configuration and scrapes a real node exporter', async () => {
    const { stack, out } = fullStack();
    const data = findObject(out.objects, 'ConfigMap', stack.configMapName).data;
    const exporter = await startNodeExporter();
    try {
      // The only changes: the node-exporter job points at the local exporter every second.
      const config = YAML.parse(stripUnsupportedDiscovery(data['prometheus.yml']));
      const job = jobNamed(config, 'node-exporter');
      job.static_configs[0].targets = [exporter.address];
      job.scrape_interval = '1s';
      job.scrape_timeout = '1s';
      const prometheus = await startPrometheus(YAML.stringify(config), { extraFiles: { 'rules.yml': data['rules.yml'] } });
      try {
        const up = await waitForQuery(prometheus, 'up{job="node-exporter"} == 1', 30_000);
        expect(up[0].metric).toMatchObject({ job: 'node-exporter', instance: exporter.address, env: 'demo' });
        const rules = await (await fetch(`${prometheus.url}/api/v1/rules`)).json() as any;
        expect(rules.data.groups.map((g: any) => g.name)).toEqual(['availability', 'weave']);

        // Every query of every provisioned dashboard, and every variable's values, as Grafana
        // would send them: the API answers each without error (prometheus.query throws on one).
        const dashboards = provisionedDashboards(out.objects);
        expect(dashboards.map((d) => d.title)).toEqual([
          'Prometheus (monitoring/' + stack.serviceName + ')', 'Applications', 'Weave Net (weave)', 'KrakenD (krakend)',
          'Kuma data plane proxies (kuma-dataplanes)', 'Kuma mesh (kuma-dataplanes)', 'Kuma service (kuma-dataplanes)',
          'Kuma service to service (kuma-dataplanes)', 'Kuma gateways (kuma-dataplanes)', 'Checkout',
        ]);
        let queries = 0;
        for (const dashboard of dashboards) {
          for (const variable of dashboard.templating.list) {
            const [, selector, label] = /^label_values\((.+), (\w+)\)$/.exec(variable.query.query)!;
            await prometheus.query(asPrometheusSees(`group by (${label}) (${selector})`));
          }
          for (const panel of dashboard.panels.filter((p: any) => p.type !== 'row')) {
            for (const target of panel.targets) {
              await prometheus.query(asPrometheusSees(target.expr)).catch((e: Error) => {
                throw new Error(`${dashboard.uid} / ${panel.title}: ${e.message}`);
              });
              queries++;
            }
          }
        }
        expect(queries).toBeGreaterThan(50);
        // The node exporter's scrapes show in the Prometheus dashboard's panels.
        const prometheusDashboard = dashboards.find((d) => d.title.startsWith('Prometheus ('));
        const targetsUp = prometheusDashboard.panels.find((p: any) => p.title === 'Targets up').targets[0].expr;
        expect((await prometheus.query(targetsUp)).result[0].value?.[1]).not.toBe('0');
      } finally {
        await prometheus.stop();
      }
    } finally {
      await exporter.stop();
    }
  });
});

describe('examples/app-metrics', () => {
  test('synthesizes valid objects: the app, its Service, ServiceMonitor and NetworkPolicy, and the jobs', () => {
    const out = runExampleProgram('app-metrics');
    const sm = findObject(out.objects, 'ServiceMonitor');
    expect(sm.metadata.labels).toEqual({ release: 'prometheus-operator' });
    expect(sm.metadata.namespace).toBe('reference-app');
    expect(onlyConfig(out).scrape_configs.map((j: any) => j.job_name)).toEqual([
      'prometheus', 'apps/reference-app', 'node-exporter', 'kube-state-metrics',
    ]);
    const app = findObjects(out.objects, 'Deployment').find((d) => d.metadata.namespace === 'reference-app');
    expect(app.spec.template.spec.containers[0].env).toContainEqual({ name: 'PROMETHEUS_MULTIPROC_DIR', value: '/tmp/prometheus-multiproc' });
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });
});

describe('examples/prometheus-config', () => {
  test('renders a configuration promtool accepts', () => {
    const yaml = standaloneConfig();
    checkConfig(yaml);
    const config = YAML.parse(yaml);
    expect(jobNamed(config, 'pods-shard-0').relabel_configs).toEqual([
      { source_labels: ['__address__'], modulus: 3, target_label: '__tmp_shard', action: 'hashmod' },
      { source_labels: ['__tmp_shard'], regex: '0', action: 'keep' },
    ]);
  });

  test('the hashmod sharding keeps each target on exactly one of three shards, in a real Prometheus', async () => {
    const config = YAML.parse(standaloneConfig());
    const shardRules = (shard: number) => jobNamed(config, 'pods-shard-0').relabel_configs.map((r: any) =>
      r.action === 'keep' ? { ...r, regex: String(shard) } : r);
    const targets = Array.from({ length: 12 }, (_, i) => ({ address: `10.1.0.${i + 1}:8080`, labels: { __meta_kubernetes_pod_name: `p${i}` } }));
    const results = await relabel([0, 1, 2].map((shard) => ({ name: `shard-${shard}`, relabelConfigs: shardRules(shard), targets })));
    for (let i = 0; i < targets.length; i++) {
      expect(results.filter((r) => r.targets[i].kept)).toHaveLength(1);
    }
    expect(results.every((r) => r.kept.length > 0)).toBe(true);
  });
});

/** The dashboard JSONs of the Grafana dashboard ConfigMaps, in order. */
function provisionedDashboards(objects: any[]): any[] {
  return objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['cdk8s-prometheus-monitoring/dashboard'] === '1')
    .map((o) => JSON.parse(o.data['dashboard.json']));
}

/**
 * A dashboard query once Grafana has substituted its variables: the interval variables become
 * a range, and dashboard variables (in regex matchers) "All" (`.+`).
 */
function asPrometheusSees(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '1m').replace(/\$\{?\w+\}?/g, '.+');
}

async function waitForQuery(prometheus: Awaited<ReturnType<typeof startPrometheus>>, promql: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await prometheus.query(promql);
    if (data.result.length > 0) return data.result;
    if (Date.now() > deadline) throw new Error(`no result for ${promql} after ${timeoutMs} ms; log:\n${prometheus.log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
