import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppServiceMonitor, MultiprocessMetrics, NetworkPeer, PodSelection, PrometheusStack, Relabel, Scheme,
} from '../../src';
import { warningsOf } from '../../src/warnings';
import { findObject, findObjects, relabel, relabelCaseFromJob, selectorMatches } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

const appPods = () => PodSelection.fromLabels({ app: 'my-app' });
const webDeployment = (chart: any, namespace = 'shop') => new kplus.Deployment(chart, 'web', {
  metadata: { namespace },
  containers: [{ image: 'registry.example.com/web:1.4.2', portNumber: 8000 }],
});

describe('without a stack (prometheus-operator)', () => {
  test('the document\'s app: a Service, a ServiceMonitor and a NetworkPolicy, pinned', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, metadata: { namespace: 'my-app-namespace' } });
    const { objects } = synthAndCheck(chart);
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'ServiceMonitor', 'NetworkPolicy']);
    expect(objects).toMatchSnapshot();
  });

  test('the Service targets the pods and names the metrics port', () => {
    const chart = newChart();
    const monitor = new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000 });
    const svc = findObject(synthAndCheck(chart).objects, 'Service');
    expect(svc.metadata.name).toBe(monitor.serviceName);
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'my-app' },
      ports: [{ name: 'metrics', protocol: 'TCP', port: 8000, targetPort: 8000 }],
    });
  });

  test('the ServiceMonitor selects exactly the metrics Service and refers to the port by name', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, scrapeInterval: Duration.seconds(15) });
    const { objects } = synthAndCheck(chart);
    const sm = findObject(objects, 'ServiceMonitor');
    const svc = findObject(objects, 'Service');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(selectorMatches(sm.spec.selector, svc.metadata.labels)).toBe(true);
    expect(sm.spec.selector.matchLabels).toEqual({ 'app': 'my-app', 'app.kubernetes.io/component': 'metrics' });
    expect(sm.spec.endpoints).toEqual([{ port: svc.spec.ports[0].name, interval: '15s' }]);
    expect(sm.metadata.namespace).toBe(svc.metadata.namespace);
  });

  test('the ServiceMonitor passes the prometheus-operator schema, which checks the interval pattern', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(), portNumber: 8000, scrapeInterval: Duration.seconds(90), scrapeTimeout: Duration.millis(2500),
    });
    const sm = findObject(synthAndCheck(chart).objects, 'ServiceMonitor');
    expect(sm.spec.endpoints[0]).toMatchObject({ interval: '1m30s', scrapeTimeout: '2s500ms' });
    expect(() => new ServiceMonitor(sm).validate()).not.toThrow();
    // The same check rejects the form a hand-written manifest gets wrong.
    const bad = { ...sm, spec: { ...sm.spec, endpoints: [{ ...sm.spec.endpoints[0], interval: '30 seconds' }] } };
    expect(() => new ServiceMonitor(bad).validate()).toThrow(/interval/);
  });

  test('serviceMonitorLabels go on the ServiceMonitor so prometheus-operator selects it', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, serviceMonitorLabels: { release: 'kube-prometheus-stack' } });
    expect(findObject(synthAndCheck(chart).objects, 'ServiceMonitor').metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
  });

  test('path, scheme, honorLabels, relabelings and metricRelabelings', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(),
      portNumber: 8443,
      portName: 'https-metrics',
      path: '/admin/metrics',
      scheme: Scheme.HTTPS,
      honorLabels: true,
      relabelConfigs: [Relabel.replace({ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' })],
      metricRelabelConfigs: [Relabel.drop({ sourceLabels: ['__name__'], regex: 'django_http_.*_bucket' })],
    });
    expect(findObject(synthAndCheck(chart).objects, 'ServiceMonitor').spec.endpoints).toEqual([{
      port: 'https-metrics',
      path: '/admin/metrics',
      scheme: 'https',
      honorLabels: true,
      relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: 'replace' }],
      metricRelabelings: [{ sourceLabels: ['__name__'], regex: 'django_http_.*_bucket', action: 'drop' }],
    }]);
  });

  test('servicePort differs from the container port', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, servicePort: 80 });
    expect(findObject(synthAndCheck(chart).objects, 'Service').spec.ports[0]).toMatchObject({ port: 80, targetPort: 8000 });
  });

  test('a NodePort Service, as in the document', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, serviceType: kplus.ServiceType.NODE_PORT, nodePort: 30800 });
    const svc = findObject(synthAndCheck(chart).objects, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(30800);
  });

  test('the NetworkPolicy lets the monitoring namespace reach only the metrics port of the pods', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, metadata: { namespace: 'my-app-namespace' } });
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.metadata.namespace).toBe('my-app-namespace');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { app: 'my-app' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} }],
        ports: [{ port: 8000, protocol: 'TCP' }],
      }],
    });
  });

  test('allowFrom replaces the monitoring namespace selector', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(),
      portNumber: 8000,
      allowFrom: [NetworkPeer.fromPods(kplus.Namespaces.select(chart, 'Observability', { names: ['observability'] }))],
    });
    expect(findObject(synthAndCheck(chart).objects, 'NetworkPolicy').spec.ingress[0].from).toEqual([{
      podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
    }]);
  });

  test('serviceMonitor: false and networkPolicy: false', () => {
    const chart = newChart();
    const monitor = new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, serviceMonitor: false, networkPolicy: false });
    expect(synthAndCheck(chart).objects.map((o) => o.kind)).toEqual(['Service']);
    expect(monitor.serviceMonitor).toBeUndefined();
  });

  test('a kplus workload gives the pods and the namespace', () => {
    const chart = newChart();
    const web = webDeployment(chart, 'shop');
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), portNumber: 8000 });
    const { objects } = synthAndCheck(chart);
    const svc = findObject(objects, 'Service');
    const deployment = findObject(objects, 'Deployment');
    expect(svc.metadata.namespace).toBe('shop');
    expect(selectorMatches({ matchLabels: svc.spec.selector }, deployment.spec.template.metadata.labels)).toBe(true);
    expect(findObject(objects, 'NetworkPolicy').spec.podSelector).toEqual(deployment.spec.selector);
  });
});

describe('with a stack (no prometheus-operator)', () => {
  test('adds a discovered job for the namespace and RBAC there; the stack\'s pods may scrape', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, metadata: { namespace: 'shop' }, stack });
    const out = synthAndCheck(chart);
    const job = jobNamed(onlyConfig(out), 'apps/shop');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'endpointslice', namespaces: { names: ['shop'] } }]);
    const role = findObject(out.objects, 'Role');
    expect(role.metadata.namespace).toBe('shop');
    expect(role.rules.flatMap((r: any) => r.resources).sort()).toEqual(['endpointslices', 'pods', 'services']);
    const np = findObjects(out.objects, 'NetworkPolicy').find((p) => p.metadata.namespace === 'shop');
    expect(np.spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: stack.selectorLabels } },
      ],
      ports: [{ port: 8000, protocol: 'TCP' }],
    }]);
  });

  test('applications of one namespace share one job and one discovery block', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    for (const name of ['a', 'b', 'c']) {
      new AppServiceMonitor(chart, name, { pods: PodSelection.fromLabels({ app: name }), portNumber: 8000, metadata: { namespace: 'shop' }, stack });
    }
    new AppServiceMonitor(chart, 'd', { pods: PodSelection.fromLabels({ app: 'd' }), portNumber: 8000, metadata: { namespace: 'billing' }, stack });
    const config = onlyConfig(synthAndCheck(chart));
    const sdBlocks = config.scrape_configs.flatMap((j: any) => j.kubernetes_sd_configs ?? []);
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'apps/shop', 'apps/billing']);
    expect(sdBlocks).toHaveLength(2);
  });

  test('the job keeps the right Service and port name only, with per-application path and interval, in a real Prometheus', async () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const web = new AppServiceMonitor(chart, 'web', { pods: PodSelection.fromPods(kplus.Pods.select(chart, 'web-pods', { labels: { app: 'web' } })), portNumber: 8000, metadata: { namespace: 'shop' }, stack });
    const api = new AppServiceMonitor(chart, 'api', {
      pods: PodSelection.fromLabels({ app: 'api' }),
      portNumber: 9102,
      portName: 'prom',
      path: '/internal/metrics',
      scrapeInterval: Duration.seconds(30),
      scheme: Scheme.HTTPS,
      metadata: { namespace: 'shop' },
      stack,
    });
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'apps/shop');
    const endpoint = (service: string, port: string, address: string, extra: Record<string, string> = {}) => ({
      address,
      labels: {
        __meta_kubernetes_namespace: 'shop',
        __meta_kubernetes_service_name: service,
        __meta_kubernetes_endpointslice_port_name: port,
        __meta_kubernetes_pod_name: `${service}-pod`,
        __meta_kubernetes_pod_container_name: 'app',
        __meta_kubernetes_pod_phase: 'Running',
        ...extra,
      },
    });
    const [result] = await relabel([relabelCaseFromJob(job, [
      endpoint(web.serviceName, 'metrics', '10.0.0.1:8000'),
      endpoint(api.serviceName, 'prom', '[fd00::7]:9102'),
      endpoint(web.serviceName, 'http', '10.0.0.1:8080'),
      endpoint('other-service', 'metrics', '10.0.0.9:8000'),
      endpoint(api.serviceName, 'metrics', '10.0.0.2:8000'),
      endpoint(web.serviceName, 'metrics', '10.0.0.3:8000', { __meta_kubernetes_pod_phase: 'Succeeded' }),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([true, true, false, false, false, false]);
    const [webTarget, apiTarget] = result.targets;
    expect(webTarget.labels).toEqual({
      container: 'app',
      endpoint: 'metrics',
      instance: '10.0.0.1:8000',
      job: web.serviceName,
      namespace: 'shop',
      pod: `${web.serviceName}-pod`,
      service: web.serviceName,
    });
    expect(webTarget.scrapeUrl).toBe('http://10.0.0.1:8000/metrics');
    expect(apiTarget.labels).toMatchObject({ job: api.serviceName, endpoint: 'prom', instance: '[fd00::7]:9102' });
    expect(apiTarget.scrapeUrl).toBe('https://[fd00::7]:9102/internal/metrics');
    expect(apiTarget.scrapeInterval).toBe('30s');
    expect(apiTarget.scrapeTimeout).toBe('10s');
  });

  test('an application with relabelings of its own gets a job of its own', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'plain', { pods: PodSelection.fromLabels({ app: 'p' }), portNumber: 8000, metadata: { namespace: 'shop' }, stack });
    const custom = new AppServiceMonitor(chart, 'custom', {
      pods: PodSelection.fromLabels({ app: 'c' }),
      portNumber: 8000,
      metadata: { namespace: 'shop' },
      stack,
      metricRelabelConfigs: [Relabel.drop({ sourceLabels: ['__name__'], regex: 'go_.*' })],
    });
    const config = onlyConfig(synthAndCheck(chart));
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'apps/shop', `apps/shop/${custom.serviceName}`]);
    expect(jobNamed(config, `apps/shop/${custom.serviceName}`).metric_relabel_configs).toEqual([{ source_labels: ['__name__'], regex: 'go_.*', action: 'drop' }]);
    expect(jobNamed(config, 'apps/shop').metric_relabel_configs).toBeUndefined();
  });

  test('a short interval caps the timeout so the target stays valid', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'fast', { pods: appPods(), portNumber: 8000, scrapeInterval: Duration.seconds(5), stack });
    const relabels = jobNamed(onlyConfig(synthAndCheck(chart)), 'apps/default').relabel_configs;
    expect(relabels.filter((r: any) => r.target_label?.startsWith('__scrape_'))).toEqual([
      expect.objectContaining({ target_label: '__scrape_interval__', replacement: '5s' }),
      expect.objectContaining({ target_label: '__scrape_timeout__', replacement: '5s' }),
    ]);
  });
});

describe('prometheus.io annotations', () => {
  test('annotates the pods and adds the namespace\'s annotation job on the stack', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), portNumber: 8000, path: '/prometheus', prometheusAnnotations: true, stack });
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'Deployment', web.name).spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/prometheus',
    });
    expect(jobNamed(onlyConfig(out), 'pods/shop').kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['shop'] } }]);
  });
});

describe('pre-forking servers', () => {
  test('multiprocess python mounts a shared emptyDir and points the client at it', () => {
    const chart = newChart();
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), portNumber: 8000, preforkingServer: true, multiprocess: MultiprocessMetrics.python() });
    const pod = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'prometheus-multiproc', emptyDir: {} });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'prometheus-multiproc', mountPath: '/tmp/prometheus-multiproc' });
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/tmp/prometheus-multiproc' },
      { name: 'prometheus_multiproc_dir', value: '/tmp/prometheus-multiproc' },
    ]));
    expect(warningsOf(chart)).toEqual([]);
  });

  test('a shared directory for another client library', () => {
    const chart = newChart();
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(web), portNumber: 8000, multiprocess: MultiprocessMetrics.sharedDirectory({ envVariable: 'PROMETHEUS_DATA_DIR', mountPath: '/var/run/metrics' }),
    });
    const container = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'PROMETHEUS_DATA_DIR', value: '/var/run/metrics' });
  });

  test('warns when a pre-forking server has no multiprocess setting', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(webDeployment(chart)), portNumber: 8000, preforkingServer: true });
    expect(warningsOf(chart)).toEqual([expect.stringMatching(/^test\/web-metrics: .*several worker processes.*MultiprocessMetrics\.python\(\)/)]);
  });

  test('handledByApplication silences the warning and changes nothing', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(webDeployment(chart)),
      portNumber: 8000,
      preforkingServer: true,
      multiprocess: MultiprocessMetrics.handledByApplication(),
    });
    expect(warningsOf(chart)).toEqual([]);
    expect(findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec.volumes).toBeUndefined();
  });
});

describe('bad input', () => {
  test('fails on a port name longer than 15 characters', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, portName: 'prometheus-metrics' }),
      'test/m', "'portName'", "'prometheus-metrics'", '15');
  });

  test('fails on a port name that is not a DNS label', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, portName: 'Metrics_Port' }), "'portName'", "'Metrics_Port'");
  });

  test('fails on a port outside 1-65535', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 70000 }), 'test/m', "'portNumber'", '70000');
  });

  test('fails on a selector with no labels', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(kplus.Pods.select(chart, 'all', {})), portNumber: 8000 }), "'pods'", 'at least one label');
  });

  test('fails on a selector with expressions, which a Service cannot use', () => {
    const chart = newChart();
    const pods = kplus.Pods.select(chart, 'expr', { expressions: [kplus.LabelExpression.in('app', ['a', 'b'])] });
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(pods), portNumber: 8000 }), "'pods'", 'expressions');
  });

  test('an interval like "30 seconds" cannot be written: Duration rejects it, and a fraction of a millisecond fails', () => {
    expect(() => Duration.parse('30 seconds')).toThrow();
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, scrapeInterval: Duration.millis(0.5) }),
      "'scrapeInterval'", 'whole number of milliseconds');
  });

  test('fails on a timeout above the interval', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', {
      pods: appPods(), portNumber: 8000, scrapeInterval: Duration.seconds(10), scrapeTimeout: Duration.seconds(20),
    }), "'scrapeTimeout'", "'20s'");
  });

  test('fails on a nodePort with a ClusterIP Service', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, nodePort: 30800 }), "'nodePort'", '30800');
  });

  test('fails on annotations or multiprocess without a workload', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, prometheusAnnotations: true }), "'prometheusAnnotations'", 'workload');
    const other = newChart();
    expectError(() => new AppServiceMonitor(other, 'n', { pods: appPods(), portNumber: 8000, multiprocess: MultiprocessMetrics.python() }), "'multiprocess'", 'workload');
  });

  test('fails on an empty allowFrom', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, allowFrom: [] }), "'allowFrom'");
  });

  test('fails on a path without a leading slash', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, path: 'metrics' }), "'path'", "'metrics'");
  });
});

test('synthesis is deterministic', () => {
  const build = () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), portNumber: 8000, stack });
    return JSON.stringify(Testing.synth(chart));
  };
  expect(build()).toBe(build());
});

describe('lean output', () => {
  const fleet = (n: number, namespaces: number) => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const monitors = Array.from({ length: n }, (_, i) => new AppServiceMonitor(chart, `app-${i}`, {
      pods: PodSelection.fromLabels({ app: `app-${i}` }),
      portNumber: 8000,
      metadata: { namespace: `team-${i % namespaces}` },
      stack,
    }));
    return { config: onlyConfig(synthAndCheck(chart)), monitors };
  };
  const sdBlocks = (config: any) => config.scrape_configs.flatMap((j: any) => j.kubernetes_sd_configs ?? []).length;

  test('the discovery blocks grow with namespaces, not with applications', () => {
    expect([1, 10, 60].map((n) => sdBlocks(fleet(n, 1).config))).toEqual([1, 1, 1]);
    expect([3, 30, 60].map((n) => sdBlocks(fleet(n, 3).config))).toEqual([3, 3, 3]);
  });

  test('in a shared job, each application\'s targets are kept and no one else\'s, in a real Prometheus', async () => {
    const { config, monitors } = fleet(20, 1);
    const target = (service: string, port = 'metrics') => ({
      labels: { __meta_kubernetes_namespace: 'team-0', __meta_kubernetes_service_name: service, __meta_kubernetes_endpointslice_port_name: port },
    });
    const [result] = await relabel([relabelCaseFromJob(jobNamed(config, 'apps/team-0'), [
      ...monitors.map((m) => target(m.serviceName)),
      target(`${monitors[0].serviceName}x`),
      target(monitors[1].serviceName, 'http'),
      target('unrelated'),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([...monitors.map(() => true), false, false, false]);
    expect(result.targets.slice(0, 20).map((t) => t.labels!.job)).toEqual(monitors.map((m) => m.serviceName));
  });
});

describe('review fixes', () => {
  test('with allowFrom and a stack, the stack\'s Prometheus may still scrape', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(),
      portNumber: 8000,
      metadata: { namespace: 'shop' },
      stack,
      allowFrom: [NetworkPeer.fromNamespaceNames(['ops'])],
    });
    const np = findObjects(synthAndCheck(chart).objects, 'NetworkPolicy').find((p) => p.metadata.namespace === 'shop');
    expect(np.spec.ingress[0].from).toEqual([
      { podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: stack.selectorLabels } },
    ]);
  });

  test('fails on a timeout above the stack\'s interval, which Prometheus would refuse', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    expect(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), portNumber: 8000, scrapeTimeout: Duration.seconds(30), stack }))
      .toThrow(/test\/m: 'scrapeTimeout' must not exceed the scrape interval \(15s, the stack's\), got '30s'/);
  });

  test('with annotations and a stack, the pods are scraped once, through the annotation job', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(webDeployment(chart)), portNumber: 8000, prometheusAnnotations: true, stack });
    expect(onlyConfig(synthAndCheck(chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'pods/shop']);
  });

  test('fails on a namespace other than the pods\'', () => {
    const chart = newChart();
    expect(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(webDeployment(chart, 'shop')), portNumber: 8000, metadata: { namespace: 'other' } }))
      .toThrow(/test\/m: 'metadata.namespace' must be the namespace of the pods 'shop'.*got 'other'/);
    expect(() => new AppServiceMonitor(chart, 'n', { pods: PodSelection.fromLabels({ app: 'a' }, { namespaceName: 'shop' }), portNumber: 8000, metadata: { namespace: 'other' } }))
      .toThrow(/test\/n: 'metadata.namespace' must be the namespace of the pods 'shop'.*got 'other'/);
  });
});
