import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppServiceMonitor, MultiprocessMetrics, NamespaceIngress, NetworkPeer, PodSelection, PrometheusStack, Relabel, Scheme,
} from '../../src';
import { findObject, findObjects, relabel, relabelCaseFromJob, selectorMatches } from '../harness';
import { serviceMetaLabels } from './upstream';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck, warningsBesidesWebAuth, withDashboardSummaries } from '../util';

const appPods = () => PodSelection.fromLabels({ app: 'my-app' });
const webDeployment = (chart: any, namespace = 'shop') => new kplus.Deployment(chart, 'web', {
  metadata: { namespace },
  containers: [{ image: 'registry.example.com/web:1.4.2', portNumber: 8000 }],
});

describe('without a stack (prometheus-operator)', () => {
  test('the document\'s app: a Service, a ServiceMonitor and a NetworkPolicy, pinned', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, metadata: { namespace: 'my-app-namespace' } });
    const { objects } = synthAndCheck(chart);
    expect(objects.map((o) => o.kind)).toEqual(['Service', 'ServiceMonitor', 'NetworkPolicy']);
    expect(withDashboardSummaries(objects)).toMatchSnapshot();
  });

  test('the Service targets the pods and names the metrics port', () => {
    const chart = newChart();
    const monitor = new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000 });
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
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, scrapeInterval: Duration.seconds(15) });
    const { objects } = synthAndCheck(chart);
    const sm = findObject(objects, 'ServiceMonitor');
    const svc = findObject(objects, 'Service');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(selectorMatches(sm.spec.selector, svc.metadata.labels)).toBe(true);
    // A label of this Service only: another Service of the same pods is not selected (see operator.test.ts).
    expect(sm.spec.selector.matchLabels).toEqual({ 'cdk8s-prometheus-monitoring/service': svc.metadata.name });
    expect(sm.spec.endpoints).toEqual([{ port: svc.spec.ports[0].name, interval: '15s' }]);
    expect(sm.metadata.namespace).toBe(svc.metadata.namespace);
  });

  test('the ServiceMonitor passes the prometheus-operator schema, which checks the interval pattern', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(), metricsPort: 8000, scrapeInterval: Duration.seconds(90), scrapeTimeout: Duration.millis(2500),
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
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, serviceMonitorLabels: { release: 'kube-prometheus-stack' } });
    expect(findObject(synthAndCheck(chart).objects, 'ServiceMonitor').metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
  });

  test('path, scheme, honorLabels, relabelings and metricRelabelings', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(),
      metricsPort: 8443,
      portName: 'https-metrics',
      metricsPath: '/admin/metrics',
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
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, servicePort: 80 });
    expect(findObject(synthAndCheck(chart).objects, 'Service').spec.ports[0]).toMatchObject({ port: 80, targetPort: 8000 });
  });

  test('a NodePort Service, as in the document', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, serviceType: kplus.ServiceType.NODE_PORT, nodePort: 30800 });
    const svc = findObject(synthAndCheck(chart).objects, 'Service');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports[0].nodePort).toBe(30800);
  });

  test('the NetworkPolicy lets the monitoring namespace reach only the metrics port of the pods', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, metadata: { namespace: 'my-app-namespace' } });
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
      metricsPort: 8000,
      allowFrom: [NetworkPeer.fromPods(kplus.Namespaces.select(chart, 'Observability', { names: ['observability'] }))],
    });
    expect(findObject(synthAndCheck(chart).objects, 'NetworkPolicy').spec.ingress[0].from).toEqual([{
      podSelector: {}, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
    }]);
  });

  test('serviceMonitor: false and networkPolicy: false', () => {
    const chart = newChart();
    const monitor = new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, serviceMonitor: false, networkPolicy: false });
    expect(synthAndCheck(chart).objects.map((o) => o.kind)).toEqual(['Service']);
    expect(monitor.serviceMonitor).toBeUndefined();
  });

  test('a kplus workload gives the pods and the namespace', () => {
    const chart = newChart();
    const web = webDeployment(chart, 'shop');
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000 });
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
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, metadata: { namespace: 'shop' }, stack });
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
      new AppServiceMonitor(chart, name, { pods: PodSelection.fromLabels({ app: name }), metricsPort: 8000, metadata: { namespace: 'shop' }, stack });
    }
    new AppServiceMonitor(chart, 'd', { pods: PodSelection.fromLabels({ app: 'd' }), metricsPort: 8000, metadata: { namespace: 'billing' }, stack });
    const config = onlyConfig(synthAndCheck(chart));
    const sdBlocks = config.scrape_configs.flatMap((j: any) => j.kubernetes_sd_configs ?? []);
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'apps/shop', 'apps/billing']);
    expect(sdBlocks).toHaveLength(2);
  });

  test('the job keeps the annotated port of each annotated Service, with per-application path, scheme, interval, timeout and query parameters, in a real Prometheus', async () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const shop = { metadata: { namespace: 'shop' }, stack };
    const web = new AppServiceMonitor(chart, 'web', { pods: PodSelection.fromPods(kplus.Pods.select(chart, 'web-pods', { labels: { app: 'web' } })), metricsPort: 8000, ...shop });
    const api = new AppServiceMonitor(chart, 'api', {
      pods: PodSelection.fromLabels({ app: 'api' }), metricsPort: 9102, portName: 'prom', metricsPath: '/internal/metrics', scrapeInterval: Duration.seconds(30), scheme: Scheme.HTTPS, ...shop,
    });
    const fast = new AppServiceMonitor(chart, 'fast', {
      pods: PodSelection.fromLabels({ app: 'fast' }), metricsPort: 9000, scrapeInterval: Duration.seconds(5), queryParams: { format: ['prometheus'], collect_gc: ['1'] }, ...shop,
    });
    const slow = new AppServiceMonitor(chart, 'slow', { pods: PodSelection.fromLabels({ app: 'slow' }), metricsPort: 9000, scrapeTimeout: Duration.seconds(3), ...shop });
    const out = synthAndCheck(chart);
    const job = jobNamed(onlyConfig(out), 'apps/shop');
    const service = (m: AppServiceMonitor) => findObject(out.objects, 'Service', m.serviceName);
    // A Service of the namespace that no AppServiceMonitor made carries none of the annotations.
    const other = { metadata: { name: 'other-service', namespace: 'shop', labels: { app: 'other' } } };
    // The labels EndpointSlice discovery gives a target (./upstream.ts), the Service's annotations among them.
    const endpoint = (svc: any, port: string, address: string, extra: Record<string, string> = {}) => ({
      address,
      labels: {
        __meta_kubernetes_namespace: 'shop',
        ...serviceMetaLabels(svc),
        __meta_kubernetes_endpointslice_port_name: port,
        __meta_kubernetes_pod_name: `${svc.metadata.name}-pod`,
        __meta_kubernetes_pod_container_name: 'app',
        __meta_kubernetes_pod_phase: 'Running',
        ...extra,
      },
    });
    const [result] = await relabel([relabelCaseFromJob(job, [
      endpoint(service(web), 'metrics', '10.0.0.1:8000'),
      endpoint(service(api), 'prom', '[fd00::7]:9102'),
      endpoint(service(fast), 'metrics', '10.0.0.4:9000'),
      endpoint(service(slow), 'metrics', '10.0.0.5:9000'),
      endpoint(service(web), 'http', '10.0.0.1:8080'),
      endpoint(other, 'metrics', '10.0.0.9:8000'),
      endpoint(other, '', '10.0.0.9:8001'),
      endpoint(service(api), 'metrics', '10.0.0.2:8000'),
      endpoint(service(web), 'metrics', '10.0.0.3:8000', { __meta_kubernetes_pod_phase: 'Succeeded' }),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([true, true, true, true, false, false, false, false, false]);
    const [webTarget, apiTarget, fastTarget, slowTarget] = result.targets;
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
    expect([apiTarget.scrapeInterval, apiTarget.scrapeTimeout]).toEqual(['30s', '10s']);
    expect(fastTarget.scrapeUrl).toBe('http://10.0.0.4:9000/metrics?collect_gc=1&format=prometheus');
    expect([fastTarget.scrapeInterval, fastTarget.scrapeTimeout]).toEqual(['5s', '5s']);
    expect(fastTarget.labels).toMatchObject({ job: fast.serviceName });
    // The harness's job interval is 1h: the stack's 15s reaches the target from the annotation.
    expect([slowTarget.scrapeInterval, slowTarget.scrapeTimeout]).toEqual(['1h', '3s']);
  });

  test('the settings travel as annotations of the Service, under the library\'s prefix', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const m = new AppServiceMonitor(chart, 'm', {
      pods: appPods(),
      metricsPort: 9102,
      portName: 'prom',
      metricsPath: '/internal/metrics',
      scheme: Scheme.HTTPS,
      scrapeInterval: Duration.seconds(30),
      scrapeTimeout: Duration.seconds(20),
      queryParams: { module: ['http_2xx'] },
      metadata: { annotations: { team: 'shop' } },
      stack,
    });
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'Service', m.serviceName).metadata.annotations).toEqual({
      'team': 'shop',
      'cdk8s-prometheus-monitoring/scrape-port': 'prom',
      'cdk8s-prometheus-monitoring/scrape-path': '/internal/metrics',
      'cdk8s-prometheus-monitoring/scrape-scheme': 'https',
      'cdk8s-prometheus-monitoring/scrape-interval': '30s',
      'cdk8s-prometheus-monitoring/scrape-timeout': '20s',
      'cdk8s-prometheus-monitoring/scrape-param-module': 'http_2xx',
    });
    expect(findObject(out.objects, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ params: { module: ['http_2xx'] } });
    // The Service only: the user's annotations object is not shared with the other objects.
    expect(findObject(out.objects, 'ServiceMonitor').metadata.annotations).toEqual({ team: 'shop' });
  });

  test('without a stack, the Service carries no scrape annotations', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, metricsPath: '/internal/metrics' });
    expect(findObject(synthAndCheck(chart).objects, 'Service').metadata.annotations).toBeUndefined();
  });

  test('an application with relabelings of its own gets a job of its own', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'plain', { pods: PodSelection.fromLabels({ app: 'p' }), metricsPort: 8000, metadata: { namespace: 'shop' }, stack });
    const custom = new AppServiceMonitor(chart, 'custom', {
      pods: PodSelection.fromLabels({ app: 'c' }),
      metricsPort: 8000,
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
    const fast = new AppServiceMonitor(chart, 'fast', { pods: appPods(), metricsPort: 8000, scrapeInterval: Duration.seconds(5), stack });
    expect(findObject(synthAndCheck(chart).objects, 'Service', fast.serviceName).metadata.annotations).toEqual({
      'cdk8s-prometheus-monitoring/scrape-port': 'metrics',
      'cdk8s-prometheus-monitoring/scrape-interval': '5s',
      'cdk8s-prometheus-monitoring/scrape-timeout': '5s',
    });
  });

  test('an application whose settings cannot travel as labels has a job of its own; neither job keeps the other\'s targets, in a real Prometheus', async () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    const plain = new AppServiceMonitor(chart, 'plain', { pods: PodSelection.fromLabels({ app: 'p' }), metricsPort: 8000, metadata: { namespace: 'shop' }, stack });
    const federate = new AppServiceMonitor(chart, 'federate', {
      pods: PodSelection.fromLabels({ app: 'f' }),
      metricsPort: 9090,
      metricsPath: '/federate',
      // Two values of one parameter: a label holds one.
      queryParams: { 'match[]': ['up', 'node_load1'], 'format': ['text'] },
      metadata: { namespace: 'shop' },
      stack,
    });
    const out = synthAndCheck(chart);
    const config = onlyConfig(out);
    const own = jobNamed(config, `apps/shop/${federate.serviceName}`);
    expect(own.params).toEqual({ 'match[]': ['up', 'node_load1'] });
    const svc = findObject(out.objects, 'Service', federate.serviceName);
    // Not the port: the shared job must not keep it too.
    expect(svc.metadata.annotations).toEqual({ 'cdk8s-prometheus-monitoring/scrape-path': '/federate', 'cdk8s-prometheus-monitoring/scrape-param-format': 'text' });
    const target = (m: AppServiceMonitor) => ({
      labels: {
        __meta_kubernetes_namespace: 'shop',
        ...serviceMetaLabels(findObject(out.objects, 'Service', m.serviceName)),
        __meta_kubernetes_endpointslice_port_name: 'metrics',
      },
    });
    const targets = [target(plain), target(federate)];
    const [shared, ownResult] = await relabel([relabelCaseFromJob(jobNamed(config, 'apps/shop'), targets), relabelCaseFromJob(own, targets)]);
    expect(shared.targets.map((t) => t.kept)).toEqual([true, false]);
    expect(ownResult.targets.map((t) => t.kept)).toEqual([false, true]);
    expect(ownResult.targets[1].labels).toMatchObject({ job: federate.serviceName, service: federate.serviceName, endpoint: 'metrics' });
    expect(decodeURIComponent(ownResult.targets[1].scrapeUrl!)).toMatch(/^http:\/\/[^/]+\/federate\?format=text&match\[\]=up&match\[\]=node_load1$/);
  });

  test('with Prometheus before 2.41 (no keepequal), the shared job lists its Services and keeps the same targets, in a real Prometheus', async () => {
    const build = (image?: string) => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus', { image });
      const monitors = ['a', 'b'].map((name) => new AppServiceMonitor(chart, name, {
        pods: PodSelection.fromLabels({ app: name }), metricsPort: 8000, metricsPath: `/${name}/metrics`, metadata: { namespace: 'shop', name }, stack,
      }));
      const out = synthAndCheck(chart);
      return { out, job: jobNamed(onlyConfig(out), 'apps/shop'), monitors };
    };
    const current = build();
    const old = build('quay.io/prometheus/prometheus:v2.40.7');
    expect(old.job.relabel_configs[0]).toEqual({
      source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'], regex: '(?:a;metrics|b;metrics)', action: 'keep',
    });
    expect(old.job.relabel_configs.map((r: any) => r.action)).not.toContain('keepequal');
    expect(current.job.relabel_configs.map((r: any) => r.action)).toContain('keepequal');
    // The Services are the same whatever the image.
    expect(findObjects(old.out.objects, 'Service').filter((s) => s.metadata.namespace === 'shop'))
      .toEqual(findObjects(current.out.objects, 'Service').filter((s) => s.metadata.namespace === 'shop'));
    const targets = findObjects(current.out.objects, 'Service').filter((s) => s.metadata.namespace === 'shop')
      .flatMap((svc, i) => ['metrics', 'http'].map((port, j) => ({
        address: `10.0.${i}.${j + 1}:8000`,
        labels: { __meta_kubernetes_namespace: 'shop', ...serviceMetaLabels(svc), __meta_kubernetes_endpointslice_port_name: port },
      })));
    const [a, b] = await relabel([{ ...relabelCaseFromJob(current.job, targets), name: 'current' }, { ...relabelCaseFromJob(old.job, targets), name: 'old' }]);
    expect(a.targets.map((t) => t.kept)).toEqual([true, false, true, false]);
    expect(b.targets.map((t) => [t.kept, t.labels, t.scrapeUrl])).toEqual(a.targets.map((t) => [t.kept, t.labels, t.scrapeUrl]));
    expect(a.targets[0].scrapeUrl).toMatch(/\/a\/metrics$/);
  });

  test('fails on a timeout above the stack\'s interval, which Prometheus would refuse', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    expect(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, scrapeTimeout: Duration.seconds(30), stack }))
      .toThrow(/test\/m: 'scrapeTimeout' must not exceed the stack's scrape interval \(15s\), got '30s'. Set scrapeInterval or shorten the timeout/);
  });
});

describe('prometheus.io annotations', () => {
  test('annotates the pods for a Prometheus that honours the annotations', () => {
    const chart = newChart();
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, metricsPath: '/prometheus', prometheusAnnotations: true });
    const out = synthAndCheck(chart);
    expect(findObject(out.objects, 'Deployment', web.name).spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/prometheus',
    });
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  test('fails with a stack: the annotation job would scrape the app with other labels and without its settings', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    expectError(() => new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(webDeployment(chart)), metricsPort: 8000, prometheusAnnotations: true, stack, scrapeInterval: Duration.seconds(30),
    }), 'test/web-metrics', "'prometheusAnnotations'", "'stack'", 'got true', 'Drop prometheusAnnotations');
  });

  test('warns that settings the annotations cannot carry reach only the ServiceMonitor', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(webDeployment(chart)),
      metricsPort: 8000,
      prometheusAnnotations: true,
      scrapeInterval: Duration.seconds(30),
      metricRelabelConfigs: [Relabel.drop({ sourceLabels: ['__name__'], regex: 'go_.*' })],
    });
    expect(warningsBesidesWebAuth(chart)).toEqual([expect.stringMatching(/^test\/web-metrics: the prometheus\.io annotations .* ignores scrapeInterval, metricRelabelConfigs, /)]);
  });
});

describe('pre-forking servers', () => {
  test('multiprocess python mounts the container\'s own directory of an emptyDir and points the client at it', () => {
    const chart = newChart();
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, preforkingServer: true, multiprocess: MultiprocessMetrics.python() });
    const pod = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'prometheus-multiproc', emptyDir: {} });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'prometheus-multiproc', mountPath: '/tmp/prometheus-multiproc', subPath: pod.containers[0].name });
    expect(pod.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/tmp/prometheus-multiproc' },
      { name: 'prometheus_multiproc_dir', value: '/tmp/prometheus-multiproc' },
    ]));
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  // prometheus_client names each process's file '<type>_<pid>.db' in PROMETHEUS_MULTIPROC_DIR
  // (prometheus/client_python v0.25.0 prometheus_client/values.py, MmapedValue.__reset), and
  // merges every '*.db' of the directory (multiprocess.py, MultiProcessCollector.collect). Each
  // container has its own PID namespace, so the processes of two containers get the same pids.
  const multiprocFile = (directory: string, type: string, pid: number) => `${directory}/${type}_${pid}.db`;
  /** The directory each container's client writes to: (volume, subPath), or none. */
  const multiprocDirectories = (pod: any) => Object.fromEntries(pod.containers.map((c: any) => {
    const dir = c.env?.find((e: any) => e.name === 'PROMETHEUS_MULTIPROC_DIR')?.value;
    const mount = dir && c.volumeMounts.find((m: any) => m.mountPath === dir);
    return [c.name, mount ? `${mount.name}/${mount.subPath ?? ''}` : undefined];
  }));

  test('python: only the serving container gets the directory; a celery worker of the pod neither sees nor writes it', () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [
        { name: 'web', image: 'registry.example.com/web:1.4.2', portNumber: 8000 },
        { name: 'celery', image: 'registry.example.com/web:1.4.2', args: ['celery', '-A', 'shop', 'worker'] },
      ],
    });
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.python() });
    const pod = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec;
    expect(multiprocDirectories(pod)).toEqual({ web: 'prometheus-multiproc/web', celery: undefined });
    const celery = pod.containers.find((c: any) => c.name === 'celery');
    expect(celery.volumeMounts ?? []).toEqual([]);
    expect((celery.env ?? []).map((e: any) => e.name)).toEqual([]);
  });

  test('python: two serving containers get two directories, so equal pids never share a file', () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [
        { name: 'web', image: 'registry.example.com/web:1.4.2', portNumber: 8000 },
        { name: 'api', image: 'registry.example.com/api:2.0.0', portNumber: 9000 },
      ],
    });
    const namespaceIngress = NamespaceIngress.DEFAULT_DENY;
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.python(), namespaceIngress });
    new AppServiceMonitor(chart, 'api-metrics', { pods: PodSelection.fromPods(web), metricsPort: 9000, multiprocess: MultiprocessMetrics.python(), namespaceIngress });
    const pod = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'prometheus-multiproc', emptyDir: {} }]);
    const dirs = multiprocDirectories(pod);
    expect(dirs).toEqual({ web: 'prometheus-multiproc/web', api: 'prometheus-multiproc/api' });
    // The first gunicorn worker of each container, pid 7 in both.
    expect(multiprocFile(dirs.web, 'counter', 7)).not.toBe(multiprocFile(dirs.api, 'counter', 7));
  });

  test('python: a second monitor of the same container keeps its one directory', () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [{ name: 'web', image: 'registry.example.com/web:1.4.2', portNumber: 8000, ports: [{ number: 9102 }] }],
    });
    const namespaceIngress = NamespaceIngress.DEFAULT_DENY;
    new AppServiceMonitor(chart, 'app-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.python(), namespaceIngress });
    new AppServiceMonitor(chart, 'admin-metrics', { pods: PodSelection.fromPods(web), metricsPort: 9102, multiprocess: MultiprocessMetrics.python(), namespaceIngress });
    const container = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.volumeMounts).toEqual([{ name: 'prometheus-multiproc', mountPath: '/tmp/prometheus-multiproc', subPath: 'web' }]);
    expect(container.env.filter((e: any) => e.name === 'PROMETHEUS_MULTIPROC_DIR')).toHaveLength(1);
  });

  test('fails when no single container declares the metrics port', () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [
        { name: 'web', image: 'registry.example.com/web:1.4.2' },
        { name: 'celery', image: 'registry.example.com/web:1.4.2' },
      ],
    });
    expectError(() => new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.python() }),
      'test/web-metrics', "'multiprocess'", 'port 8000', '["web","celery"]', 'portNumber: 8000');
  });

  test('fails when the same container is given two directories', () => {
    const chart = newChart();
    const web = new kplus.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' },
      containers: [{ name: 'web', image: 'registry.example.com/web:1.4.2', portNumber: 8000, ports: [{ number: 9102 }] }],
    });
    new AppServiceMonitor(chart, 'app-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.python() });
    expectError(() => new AppServiceMonitor(chart, 'admin-metrics', {
      pods: PodSelection.fromPods(web), metricsPort: 9102, multiprocess: MultiprocessMetrics.python({ mountPath: '/var/run/metrics' }),
    }), 'test/admin-metrics', "'multiprocess'", "'/var/run/metrics'", '/tmp/prometheus-multiproc');
  });

  test('a shared directory for another client library', () => {
    const chart = newChart();
    const web = webDeployment(chart);
    new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(web), metricsPort: 8000, multiprocess: MultiprocessMetrics.sharedDirectory({ envVariable: 'PROMETHEUS_DATA_DIR', mountPath: '/var/run/metrics' }),
    });
    const container = findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'PROMETHEUS_DATA_DIR', value: '/var/run/metrics' });
  });

  test('warns when a pre-forking server has no multiprocess setting', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(webDeployment(chart)), metricsPort: 8000, preforkingServer: true });
    expect(warningsBesidesWebAuth(chart)).toEqual([expect.stringMatching(/^test\/web-metrics: .*several worker processes.*MultiprocessMetrics\.python\(\)/)]);
  });

  test('handledByApplication silences the warning and changes nothing', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', {
      pods: PodSelection.fromPods(webDeployment(chart)),
      metricsPort: 8000,
      preforkingServer: true,
      multiprocess: MultiprocessMetrics.handledByApplication(),
    });
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
    expect(findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.spec.volumes).toBeUndefined();
  });
});

describe('the namespace and name of the objects', () => {
  test('a selector restricted to one namespace puts the objects there, where the Service selects the pods', () => {
    const chart = newChart();
    const pods = kplus.Pods.select(chart, 'ShopPods', { labels: { app: 'shop' }, namespaces: kplus.Namespaces.select(chart, 'Shop', { names: ['shop'] }) });
    const monitor = new AppServiceMonitor(chart, 'shop-metrics', { pods: PodSelection.fromPods(pods), metricsPort: 8000 });
    const { objects } = synthAndCheck(chart);
    expect(monitor.namespaceName).toBe('shop');
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}`)).toEqual(['Service/shop', 'ServiceMonitor/shop', 'NetworkPolicy/shop']);
  });

  test('fails on a selector that spans namespaces', () => {
    const chart = newChart();
    const twoNames = kplus.Pods.select(chart, 'Two', { labels: { app: 'shop' }, namespaces: kplus.Namespaces.select(chart, 'Ns', { names: ['shop', 'billing'] }) });
    expectError(() => new AppServiceMonitor(chart, 'a', { pods: PodSelection.fromPods(twoNames), metricsPort: 8000 }), 'PodSelection.fromPods', "'pods'", 'one namespace', '["shop","billing"]');
    const byLabel = kplus.Pods.select(chart, 'Labelled', { labels: { app: 'shop' }, namespaces: kplus.Namespaces.select(chart, 'Teams', { labels: { team: 'shop' } }) });
    expectError(() => new AppServiceMonitor(chart, 'b', { pods: PodSelection.fromPods(byLabel), metricsPort: 8000 }), 'PodSelection.fromPods', "'pods'", '"team":"shop"');
    const all = kplus.Pods.select(chart, 'All', { labels: { app: 'shop' }, namespaces: kplus.Namespaces.all(chart, 'AllNs') });
    expectError(() => new AppServiceMonitor(chart, 'c', { pods: PodSelection.fromPods(all), metricsPort: 8000 }), 'PodSelection.fromPods', "'pods'", 'selects every namespace');
  });

  test('fails on a metadata.namespace other than the selector\'s', () => {
    const chart = newChart();
    const pods = kplus.Pods.select(chart, 'ShopPods', { labels: { app: 'shop' }, namespaces: kplus.Namespaces.select(chart, 'Shop', { names: ['shop'] }) });
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(pods), metricsPort: 8000, metadata: { namespace: 'default' } }),
      'test/m', "'metadata.namespace'", "'shop'", "got 'default'");
  });

  test('metadata.name names the Service, the ServiceMonitor and the NetworkPolicy, as in the document', () => {
    const chart = newChart();
    const monitor = new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, metadata: { name: 'my-app-service', namespace: 'my-app-namespace' } });
    const { objects } = synthAndCheck(chart);
    expect(monitor.serviceName).toBe('my-app-service');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/my-app-service', 'ServiceMonitor/my-app-service', 'NetworkPolicy/my-app-service']);
  });

  test('fails on a metadata.name that is not a DNS-1035 label', () => {
    for (const name of ['1-app', 'My_App', 'a'.repeat(64), 'app-']) {
      const chart = newChart();
      expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, metadata: { name } }),
        'test/m', "'metadata.name'", 'DNS-1035', `'${name}'`);
    }
  });

  test('fails on a namespace other than the pods\'', () => {
    const chart = newChart();
    expect(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(webDeployment(chart, 'shop')), metricsPort: 8000, metadata: { namespace: 'other' } }))
      .toThrow(/test\/m: 'metadata.namespace' must be the namespace of the pods 'shop'.*got 'other'/);
    expect(() => new AppServiceMonitor(chart, 'n', { pods: PodSelection.fromLabels({ app: 'a' }, { namespaceName: 'shop' }), metricsPort: 8000, metadata: { namespace: 'other' } }))
      .toThrow(/test\/n: 'metadata.namespace' must be the namespace of the pods 'shop'.*got 'other'/);
  });
});

describe('the NetworkPolicy and the namespace\'s ingress model', () => {
  // The full-stack example's shape: the application serves on 8080 and its metrics on 9102.
  const checkout = (chart: any) => new kplus.Deployment(chart, 'checkout', {
    metadata: { namespace: 'shop' },
    containers: [{ name: 'checkout', image: 'registry.example.com/checkout:3.2.0', portNumber: 8080, ports: [{ number: 9102 }] }],
  });

  test('by default, warns that the policy would cut the declared ports in a namespace that admits all ingress', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'checkout-metrics', { pods: PodSelection.fromPods(checkout(chart)), metricsPort: 9102 });
    expect(findObjects(synthAndCheck(chart).objects, 'NetworkPolicy')).toHaveLength(1);
    expect(warningsBesidesWebAuth(chart)).toEqual([expect.stringMatching(
      /^test\/checkout-metrics: the NetworkPolicy isolates the pods .* on port 9102 and on the declared port\(s\) 8080\. .*NamespaceIngress\.ALLOW_ALL/)]);
  });

  test('no warning when the metrics port is the only declared port', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(webDeployment(chart)), metricsPort: 8000 });
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  test('DEFAULT_DENY: the policy adds the scrape, and the stated model silences the warning', () => {
    const chart = newChart();
    new AppServiceMonitor(chart, 'checkout-metrics', { pods: PodSelection.fromPods(checkout(chart)), metricsPort: 9102, namespaceIngress: NamespaceIngress.DEFAULT_DENY });
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} }], ports: [{ port: 9102, protocol: 'TCP' }] }]);
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  test('ALLOW_ALL: no policy, so nothing isolates the pods; the stack still scrapes', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'checkout-metrics', { pods: PodSelection.fromPods(checkout(chart)), metricsPort: 9102, namespaceIngress: NamespaceIngress.ALLOW_ALL, stack });
    const out = synthAndCheck(chart);
    expect(findObjects(out.objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'shop')).toEqual([]);
    expect(jobNamed(onlyConfig(out), 'apps/shop')).toBeDefined();
    expect(warningsBesidesWebAuth(chart)).toEqual([]);
  });

  test('fails on networkPolicy: true with ALLOW_ALL', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, networkPolicy: true, namespaceIngress: NamespaceIngress.ALLOW_ALL }),
      'test/m', "'networkPolicy'", 'ALLOW_ALL', 'got true');
  });

  test('with allowFrom and a stack, the stack\'s Prometheus may still scrape', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    new AppServiceMonitor(chart, 'my-app', {
      pods: appPods(),
      metricsPort: 8000,
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
});

describe('bad input', () => {
  test('fails on a port name longer than 15 characters', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, portName: 'prometheus-metrics' }),
      'test/m', "'portName'", "'prometheus-metrics'", '15');
  });

  test('fails on a port name that is not a DNS label', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, portName: 'Metrics_Port' }), "'portName'", "'Metrics_Port'");
  });

  test('fails on a port outside 1-65535', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 70000 }), 'test/m', "'metricsPort'", '70000');
  });

  test('fails on a selector with no labels', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(kplus.Pods.select(chart, 'all', {})), metricsPort: 8000 }), "'pods'", 'at least one label');
  });

  test('fails on a selector with expressions, which a Service cannot use', () => {
    const chart = newChart();
    const pods = kplus.Pods.select(chart, 'expr', { expressions: [kplus.LabelExpression.in('app', ['a', 'b'])] });
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: PodSelection.fromPods(pods), metricsPort: 8000 }), "'pods'", 'expressions');
  });

  test('an interval like "30 seconds" cannot be written: Duration rejects it, and a fraction of a millisecond fails', () => {
    expect(() => Duration.parse('30 seconds')).toThrow();
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, scrapeInterval: Duration.millis(0.5) }),
      "'scrapeInterval'", 'whole number of milliseconds');
  });

  test('fails on a timeout above the interval', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', {
      pods: appPods(), metricsPort: 8000, scrapeInterval: Duration.seconds(10), scrapeTimeout: Duration.seconds(20),
    }), "'scrapeTimeout'", "'20s'");
  });

  test('fails on a nodePort with a ClusterIP Service', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, nodePort: 30800 }), "'nodePort'", '30800');
  });

  test('fails on annotations or multiprocess without a workload', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, prometheusAnnotations: true }), "'prometheusAnnotations'", 'workload');
    const other = newChart();
    expectError(() => new AppServiceMonitor(other, 'n', { pods: appPods(), metricsPort: 8000, multiprocess: MultiprocessMetrics.python() }), "'multiprocess'", 'workload');
  });

  test('fails on an empty allowFrom', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, allowFrom: [] }), "'allowFrom'");
  });

  test('fails on a path without a leading slash', () => {
    const chart = newChart();
    expectError(() => new AppServiceMonitor(chart, 'm', { pods: appPods(), metricsPort: 8000, metricsPath: 'metrics' }), "'metricsPath'", "'metrics'");
  });
});

test('synthesis is deterministic', () => {
  const build = () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new AppServiceMonitor(chart, 'my-app', { pods: appPods(), metricsPort: 8000, stack });
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
      metricsPort: 8000,
      metadata: { namespace: `team-${i % namespaces}` },
      stack,
    }));
    const out = synthAndCheck(chart);
    return { out, config: onlyConfig(out), monitors };
  };
  const sdBlocks = (config: any) => config.scrape_configs.flatMap((j: any) => j.kubernetes_sd_configs ?? []).length;

  test('the discovery blocks grow with namespaces, not with applications', () => {
    expect([1, 10, 60].map((n) => sdBlocks(fleet(n, 1).config))).toEqual([1, 1, 1]);
    expect([3, 30, 60].map((n) => sdBlocks(fleet(n, 3).config))).toEqual([3, 3, 3]);
  });

  test('in a shared job, each application\'s targets are kept and no one else\'s, in a real Prometheus', async () => {
    const { out, config, monitors } = fleet(20, 1);
    const service = (name: string) => findObject(out.objects, 'Service', name);
    const target = (svc: any, port = 'metrics') => ({
      labels: { __meta_kubernetes_namespace: 'team-0', ...serviceMetaLabels(svc), __meta_kubernetes_endpointslice_port_name: port },
    });
    const [result] = await relabel([relabelCaseFromJob(jobNamed(config, 'apps/team-0'), [
      ...monitors.map((m) => target(service(m.serviceName))),
      target({ metadata: { name: `${monitors[0].serviceName}x`, namespace: 'team-0' } }),
      target(service(monitors[1].serviceName), 'http'),
      target({ metadata: { name: 'unrelated', namespace: 'team-0', annotations: { 'prometheus.io/port': 'metrics' } } }),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([...monitors.map(() => true), false, false, false]);
    expect(result.targets.slice(0, 20).map((t) => t.labels!.job)).toEqual(monitors.map((m) => m.serviceName));
  });

  test('a namespace\'s job has the same relabel rules with 1, 10 and 200 applications', () => {
    const rules = (n: number) => jobNamed(fleet(n, 1).config, 'apps/team-0').relabel_configs;
    const [one, ten, many] = [1, 10, 200].map(rules);
    expect([ten.length, many.length]).toEqual([one.length, one.length]);
    expect(many).toEqual(one);
  });

  test('adding an application to a watched namespace leaves prometheus.yml byte-identical: only the new application\'s objects appear', () => {
    const build = (n: number) => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      for (let i = 0; i < n; i++) {
        new AppServiceMonitor(chart, `app-${i}`, {
          pods: PodSelection.fromLabels({ app: `app-${i}` }), metricsPort: 8000 + i, metricsPath: `/app-${i}`, metadata: { namespace: 'team-0' }, stack,
        });
      }
      return synthAndCheck(chart).objects;
    };
    const before = build(3);
    const after = build(4);
    const yml = (objects: any[]) => findObjects(objects, 'ConfigMap').find((cm) => cm.data?.['prometheus.yml'] !== undefined).data['prometheus.yml'];
    expect(yml(after)).toBe(yml(before));
    // Every object is unchanged (the Deployment's config checksum too); the new ones are the application's.
    const key = (o: any) => JSON.stringify(o);
    const unchanged = new Set(before.map(key));
    expect(before.every((o) => after.some((p) => key(p) === key(o)))).toBe(true);
    const added = after.filter((o) => !unchanged.has(key(o)));
    expect(added.map((o) => o.kind).sort()).toEqual(['NetworkPolicy', 'Service', 'ServiceMonitor']);
    expect(findObject(added, 'Service').metadata.annotations).toEqual({
      'cdk8s-prometheus-monitoring/scrape-port': 'metrics', 'cdk8s-prometheus-monitoring/scrape-path': '/app-3',
    });
  });
});

