import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { expectError, gatewayConfig } from './helpers';
import { expectValidKrakendConfig } from './krakend-schema';
import { NetworkPeer, PrometheusStack } from '../../src';
import { KrakendConfig, KrakendGateways, KrakendMetrics, KrakendSemanticConvention, KrakendTelemetry } from '../../src/integrations/krakend';
import { findObject, findObjects } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck, withDashboardSummaries } from '../util';

const kinds = (objects: any[]) => objects.map((o) => o.kind);
const podSpec = (objects: any[]) => findObject(objects, 'Deployment').spec.template.spec;
const container = (objects: any[]) => podSpec(objects).containers[0];

/** A chart with a stack and a gateway built from `props`; synthesized and checked. */
function withStack(props: ConstructorParameters<typeof KrakendMetrics>[2] = {}, namespace?: string) {
  const chart = newChart(namespace);
  const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
  const gateway = new KrakendMetrics(chart, 'gateway', { stack, ...props });
  const out = synthAndCheck(chart);
  return { chart, stack, gateway, out, job: jobNamed(onlyConfig(out), gateway.jobName) };
}

describe('zero config', () => {
  test('deploys a gateway with a Prometheus exporter, pinned exactly', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway');
    const out = synthAndCheck(chart);
    expect(kinds(out.objects)).toEqual(['ConfigMap', 'Deployment', 'Service', 'NetworkPolicy']);
    expect(withDashboardSummaries(out.objects)).toMatchSnapshot();
  });

  test('krakend.json is version 3 with one exporter on 9091, valid for KrakenD 2.x', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway');
    const config = gatewayConfig(synthAndCheck(chart).objects);
    expectValidKrakendConfig(config);
    expect(config).toEqual({
      version: 3,
      port: 8080,
      extra_config: {
        'telemetry/opentelemetry': {
          exporters: { prometheus: [{ name: 'prometheus', port: 9091, process_metrics: true, go_metrics: true }] },
        },
      },
    });
    expect(gateway.configJson).toBe(`${JSON.stringify(config, undefined, 2)}\n`);
    expect([gateway.apiPort, gateway.exporterPort, gateway.exporterName]).toEqual([8080, 9091, 'prometheus']);
  });

  test('the exporter port is the container port, the Service port and the discovered port name', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway');
    const { objects } = synthAndCheck(chart);
    expect(container(objects).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9091, protocol: 'TCP' },
    ]);
    const svc = findObject(objects, 'Service');
    expect(svc.spec.ports).toEqual([
      { name: 'http', protocol: 'TCP', port: 8080, targetPort: 'http' },
      { name: 'metrics', protocol: 'TCP', port: 9091, targetPort: 'metrics' },
    ]);
    expect(gateway.serviceName).toBe(svc.metadata.name);
    expect(gateway.scrapeJob._render().relabel_configs).toContainEqual({
      source_labels: ['__meta_kubernetes_service_name', '__meta_kubernetes_endpointslice_port_name'],
      regex: `${svc.metadata.name};metrics`,
      action: 'keep',
    });
  });

  test('mounts krakend.json from the ConfigMap where the image reads it', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway');
    const { objects } = synthAndCheck(chart);
    const cm = findObject(objects, 'ConfigMap');
    expect(Object.keys(cm.data)).toEqual(['krakend.json']);
    expect(cm.metadata.name).toBe(gateway.configMapName);
    expect(container(objects).args).toEqual(['run', '-c', '/etc/krakend/krakend.json']);
    expect(container(objects).volumeMounts).toEqual([{ name: 'config', mountPath: '/etc/krakend', readOnly: true }]);
    expect(podSpec(objects).volumes).toEqual([{ name: 'config', configMap: { name: cm.metadata.name } }]);
  });

  test('runs a pinned KrakenD 2.x image', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway');
    const { objects } = synthAndCheck(chart);
    expect(container(objects).image).toMatch(/^krakend:2\.\d+\.\d+$/);
    expect(gateway.deployment!.name).toBe(findObject(objects, 'Deployment').metadata.name);
    expect(KrakendGateways.DEFAULT_IMAGE).toBe('krakend:2.12.1');
  });

  test('probes the health endpoint on the API port', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway');
    const c = container(synthAndCheck(chart).objects);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/__health', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/__health', port: 'http' });
  });

  test('meets the restricted Pod Security Standard and mounts no API token', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway');
    const { objects } = synthAndCheck(chart);
    expect(podSpec(objects).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(podSpec(objects).automountServiceAccountToken).toBe(false);
  });

  test('the pods roll when krakend.json changes', () => {
    const checksum = (serviceName: string) => {
      const chart = newChart();
      new KrakendMetrics(chart, 'gateway', { telemetry: new KrakendTelemetry({ serviceName }) });
      return findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.metadata.annotations['checksum/config'];
    };
    expect(checksum('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum('a')).toBe(checksum('a'));
    expect(checksum('a')).not.toBe(checksum('b'));
  });

  test('the NetworkPolicy opens the API to everyone and the exporter to monitoring namespaces only', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway');
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([
      // No `from`: every source, pods and outside the cluster alike.
      { ports: [{ port: 8080, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} }], ports: [{ port: 9091, protocol: 'TCP' }] },
    ]);
    expect(np.spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('krakend');
  });

  test('without a stack, the job is built but added nowhere', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway');
    expect(gateway.scrapeJob.jobName).toBe('krakend');
    expect(Object.keys(synthAndCheck(chart).prometheusConfigs)).toEqual([]);
  });

  test('synthesis is deterministic', () => {
    const build = () => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      new KrakendMetrics(chart, 'gateway', { stack });
      return Testing.synth(chart);
    };
    expect(JSON.stringify(build())).toBe(JSON.stringify(build()));
  });
});

describe('scraping', () => {
  test('a deployed gateway is discovered through its EndpointSlices, in its namespace only', () => {
    const { job, gateway } = withStack({}, 'shop');
    expect(job).toMatchObject({ job_name: 'krakend', scrape_interval: '5s', metrics_path: '/metrics' });
    expect(job.kubernetes_sd_configs).toEqual([{
      role: 'endpointslice',
      namespaces: { names: ['shop'] },
      selectors: [{ role: 'endpointslice', label: `kubernetes.io/service-name=${gateway.serviceName}` }],
    }]);
    expect(job.static_configs).toBeUndefined();
  });

  test('the stack gets a Role in the gateway namespace, and no ClusterRole', () => {
    const { out } = withStack({}, 'shop');
    expect(findObjects(out.objects, 'ClusterRole')).toHaveLength(0);
    const role = findObject(out.objects, 'Role');
    expect(role.metadata.namespace).toBe('shop');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('with a stack, only the Prometheus pods may read the exporter port', () => {
    const { out, stack } = withStack();
    const np = findObject(out.objects, 'NetworkPolicy', /gateway/);
    const rule = np.spec.ingress.find((r: any) => r.ports[0].port === 9091);
    expect(rule.from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: stack.selectorLabels },
    }]);
  });

  test('external gateways: the document\'s static job, and no Kubernetes object', () => {
    const { job, out } = withStack({
      jobName: 'krakend_otel',
      gateways: KrakendGateways.external({ targets: ['krakend1', 'krakend2:9091', 'krakend3'] }),
      staticLabels: { app: 'kotel_example' },
    });
    expect(job).toEqual({
      job_name: 'krakend_otel',
      scrape_interval: '5s',
      metrics_path: '/metrics',
      static_configs: [{ targets: ['krakend1:9091', 'krakend2:9091', 'krakend3:9091'], labels: { app: 'kotel_example' } }],
    });
    expect(findObjects(out.objects, 'ConfigMap')).toHaveLength(1); // the stack's only
    expect(findObjects(out.objects, 'Role')).toHaveLength(0);
  });

  test('external gateways keep their configuration, for the user to ship', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'legacy', { gateways: KrakendGateways.external({ targets: ['10.0.0.5'] }) });
    expectValidKrakendConfig(gateway.configJson);
    expect(gateway.deployment).toBeUndefined();
    expect(gateway.serviceName).toBeUndefined();
    expect(synthAndCheck(chart).objects).toEqual([]);
  });

  test('an IPv6 target gets the exporter port in brackets', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'legacy', { gateways: KrakendGateways.external({ targets: ['2001:db8::5', '[2001:db8::6]:9091'] }) });
    expect(gateway.scrapeJob._render().static_configs).toEqual([{ targets: ['[2001:db8::5]:9091', '[2001:db8::6]:9091'] }]);
  });

  test('a long job name still gives a Grafana uid of at most 40 characters', () => {
    const chart = newChart();
    const uid = new KrakendMetrics(chart, 'gateway', { jobName: 'krakend-gateways-of-the-european-shop-cluster' }).dashboard.uid;
    expect(uid).toMatch(/^krakend-krakend-gateways-of-the-[0-9a-f]{8}$/);
    expect(uid.length).toBeLessThanOrEqual(40);
  });

  test('the dashboard queries this job', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', { jobName: 'edge' });
    expect(gateway.dashboard.uid).toBe('krakend-edge');
    expect([...new Set(gateway.dashboard.queries.map((q) => q.panelTitle))]).toEqual([
      'Gateways up', 'Requests', '5xx ratio', 'Latency (p95)',
      'Requests by endpoint', 'Status codes', '5xx ratio by endpoint', 'Latency', 'Latency by endpoint (p95)', 'Response size by endpoint',
      'Proxy latency by endpoint (p95)', 'Proxy errors by endpoint', 'Incomplete responses by endpoint',
      'Backend latency (p95)', 'Backend errors',
      'Backend requests by host and status', 'Backend host latency (p95)', 'Backend requests without response',
    ]);
    for (const q of gateway.dashboard.queries) expect(q.expr).toContain('job="edge",instance=~"$instance"');
  });

  test('the dashboard follows the semantic convention, from the typed telemetry or the configuration', () => {
    const metricsOf = (g: KrakendMetrics) => [...new Set(g.dashboard.queries.flatMap((q) => q.expr.match(/\bhttp_\w+/g) ?? []))].sort();
    const original = new KrakendMetrics(newChart(), 'gateway');
    expect(metricsOf(original)).toEqual([
      'http_client_duration_bucket', 'http_client_duration_count', 'http_request_method', 'http_response_status_code', 'http_route',
      'http_server_duration_bucket', 'http_server_duration_count', 'http_server_response_size_count', 'http_server_response_size_sum',
    ]);
    const typed = new KrakendMetrics(newChart(), 'gateway', { telemetry: new KrakendTelemetry({ globalLayer: { semanticConvention: KrakendSemanticConvention.V1_27 } }) });
    const fromConfig = new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { layers: { global: { semantic_convention: '1.27' } } } } }),
    });
    expect(metricsOf(typed)).toEqual([
      'http_client_request_duration_seconds_bucket', 'http_client_request_duration_seconds_count', 'http_request_method', 'http_response_status_code', 'http_route',
      'http_server_request_duration_seconds_bucket', 'http_server_request_duration_seconds_count',
      'http_server_response_body_size_bytes_count', 'http_server_response_body_size_bytes_sum',
    ]);
    expect(fromConfig.dashboard.queries).toEqual(typed.dashboard.queries);
    expect(JSON.parse(typed.configJson).extra_config['telemetry/opentelemetry'].layers).toEqual({ global: { semantic_convention: '1.27' } });
  });
});

describe('props', () => {
  test('config: the user\'s keys are kept, in their order, with the telemetry merged in', () => {
    const chart = newChart();
    const user = {
      $schema: 'https://www.krakend.io/schema/v2.10/krakend.json',
      version: 3,
      name: 'shop-gateway',
      timeout: '3s',
      endpoints: [{ endpoint: '/users/{id}', backend: [{ host: ['http://users:8000'], url_pattern: '/u/{id}' }] }],
      extra_config: { 'security/cors': { allow_origins: ['*'] }, 'router': { return_error_msg: true } },
    };
    new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject(user) });
    const config = gatewayConfig(synthAndCheck(chart).objects);
    expectValidKrakendConfig(config);
    expect(Object.keys(config)).toEqual(['$schema', 'version', 'port', 'name', 'timeout', 'endpoints', 'extra_config']);
    expect(config.endpoints).toEqual(user.endpoints);
    expect(Object.keys(config.extra_config)).toEqual(['security/cors', 'router', 'telemetry/opentelemetry']);
    expect(config.extra_config['security/cors']).toEqual({ allow_origins: ['*'] });
  });

  test('config: its own telemetry block is merged with the typed one, and its exporter is kept', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', {
      config: KrakendConfig.fromObject({
        version: 3,
        extra_config: {
          'telemetry/opentelemetry': {
            service_name: 'shop',
            exporters: {
              prometheus: [{ name: 'local_prometheus', port: 9092 }],
              otlp: [{ name: 'tempo', host: 'tempo.monitoring.svc' }],
            },
            skip_paths: ['/__health'],
          },
        },
      }),
      telemetry: new KrakendTelemetry({ deployEnv: 'production', skipPaths: ['/__health', '/__debug/'] }),
    });
    const config = gatewayConfig(synthAndCheck(chart).objects);
    expectValidKrakendConfig(config);
    expect(config.extra_config['telemetry/opentelemetry']).toEqual({
      service_name: 'shop',
      exporters: {
        prometheus: [{ name: 'local_prometheus', port: 9092 }],
        otlp: [{ name: 'tempo', host: 'tempo.monitoring.svc' }],
      },
      skip_paths: ['/__health', '/__debug/'],
      deploy_env: 'production',
    });
    expect([gateway.exporterName, gateway.exporterPort]).toEqual(['local_prometheus', 9092]);
  });

  test('config: an exporter without a port is on KrakenD\'s default 9090, and so is everything derived', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p' }] } } } }),
    });
    const { objects } = synthAndCheck(chart);
    expect(gateway.exporterPort).toBe(9090);
    expect(container(objects).ports[1].containerPort).toBe(9090);
    expect(findObject(objects, 'Service').spec.ports[1].port).toBe(9090);
  });

  test('config: the health path comes from the router settings', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject({ version: 3, extra_config: { router: { health_path: '/healthz' } } }) });
    expect(container(synthAndCheck(chart).objects).readinessProbe.httpGet.path).toBe('/healthz');
  });

  test('config: the API port comes from the configuration', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', { config: KrakendConfig.fromObject({ version: 3, port: 8000 }) });
    expect(gateway.apiPort).toBe(8000);
    expect(container(synthAndCheck(chart).objects).ports[0]).toEqual({ name: 'http', containerPort: 8000, protocol: 'TCP' });
  });

  test('apiPort is written to the configuration', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { apiPort: 8000 });
    const { objects } = synthAndCheck(chart);
    expect(gatewayConfig(objects).port).toBe(8000);
    expect(findObject(objects, 'Service').spec.ports[0].port).toBe(8000);
  });

  test('telemetry: the exporter port', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'p', port: 9100 }] }) });
    expect(findObject(synthAndCheck(chart).objects, 'Service').spec.ports[1]).toEqual({ name: 'metrics', protocol: 'TCP', port: 9100, targetPort: 'metrics' });
  });

  test('gateways: replicas', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { gateways: KrakendGateways.deploy({ replicas: 3 }) });
    expect(findObject(synthAndCheck(chart).objects, 'Deployment').spec.replicas).toBe(3);
  });

  test('gateways: image', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { gateways: KrakendGateways.deploy({ image: 'devopsfaith/krakend:2.9.4' }) });
    expect(container(synthAndCheck(chart).objects).image).toBe('devopsfaith/krakend:2.9.4');
  });

  test('gateways: resources', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', {
      gateways: KrakendGateways.deploy({
        resources: { cpu: { request: kplus.Cpu.units(1), limit: kplus.Cpu.units(2) }, memory: { limit: Size.gibibytes(1) } },
      }),
    });
    expect(container(synthAndCheck(chart).objects).resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('the default resources', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway');
    expect(container(synthAndCheck(chart).objects).resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  test('metadata places and labels every object', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', { metadata: { namespace: 'edge', labels: { team: 'api' }, annotations: { owner: 'sre' } } });
    const { objects } = synthAndCheck(chart);
    expect(gateway.namespaceName).toBe('edge');
    for (const o of objects) {
      expect(o.metadata).toMatchObject({ namespace: 'edge', annotations: { owner: 'sre' } });
      expect(o.metadata.labels.team).toBe('api');
    }
  });

  test('the chart\'s namespace is the default namespace', () => {
    const chart = newChart('edge');
    new KrakendMetrics(chart, 'gateway');
    expect(findObject(synthAndCheck(chart).objects, 'Deployment').metadata.namespace).toBe('edge');
  });

  test('jobName', () => {
    const { job } = withStack({ jobName: 'edge-gateway' });
    expect(job.job_name).toBe('edge-gateway');
  });

  test('scrapeInterval and scrapeTimeout', () => {
    const { job } = withStack({ scrapeInterval: Duration.seconds(15), scrapeTimeout: Duration.seconds(4) });
    expect([job.scrape_interval, job.scrape_timeout]).toEqual(['15s', '4s']);
  });

  test('staticLabels on a discovered job are written by relabelling, literally', () => {
    const { job } = withStack({ staticLabels: { app: 'kotel_example', price: '$1' } });
    expect(job.relabel_configs.slice(-2)).toEqual([
      { target_label: 'app', replacement: 'kotel_example', action: 'replace' },
      { target_label: 'price', replacement: '$$1', action: 'replace' },
    ]);
  });

  test('networkPolicy: false', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { networkPolicy: false });
    expect(findObjects(synthAndCheck(chart).objects, 'NetworkPolicy')).toHaveLength(0);
  });

  test('metricsAllowFrom', () => {
    const chart = newChart();
    new KrakendMetrics(chart, 'gateway', { metricsAllowFrom: [NetworkPeer.fromNamespaceNames(['observability'])] });
    const np = findObject(synthAndCheck(chart).objects, 'NetworkPolicy');
    expect(np.spec.ingress.find((r: any) => r.ports[0].port === 9091).from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: {} },
    ]);
  });

  test('two gateways on one stack, with their own job names', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KrakendMetrics(chart, 'public', { stack });
    new KrakendMetrics(chart, 'internal', { stack, jobName: 'krakend-internal' });
    const config = onlyConfig(synthAndCheck(chart));
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'krakend', 'krakend-internal']);
  });
});

describe('validation', () => {
  const external = (targets: string[]) => KrakendGateways.external({ targets });

  test('fails when the exporter port clashes with the API port', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'p', port: 8080 }] }) }),
      "test/gateway: 'telemetry.prometheusExporters[0].port' must differ from the API port (8080)", 'got 8080');
  });

  test('fails when the configuration\'s exporter port clashes with apiPort', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      apiPort: 9090,
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p' }] } } } }),
    }), 'test/gateway: \'config.extra_config["telemetry/opentelemetry"].exporters.prometheus[0].port\' must differ from the API port (9090)');
  });

  test('fails on a bad exporter port', () => {
    expectError(() => new KrakendTelemetry({ prometheusExporters: [{ name: 'p', port: 70000 }] }),
      "KrakendTelemetry: 'prometheusExporters[0].port' must be a port number in 1-65535, got 70000");
  });

  test('fails on a configuration exporter port that is not an integer', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: '9091' }] } } } }),
    }), '.exporters.prometheus[0].port\' must be a port number in 1-65535', "got '9091'");
  });

  test('fails on a configuration exporter on port 0 (random, unscrapeable)', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: 0 }] } } } }),
    }), 'random port', 'got 0');
  });

  test('fails on a bad apiPort', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { apiPort: 0 }), "test/gateway: 'apiPort' must be a port number in 1-65535, got 0");
  });

  test('fails when apiPort disagrees with the configuration\'s port', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { apiPort: 8000, config: KrakendConfig.fromObject({ version: 3, port: 8080 }) }),
      "test/gateway: 'apiPort' must match the configuration's port (8080), or be left out, got 8000");
  });

  test('fails on an empty service name', () => {
    expectError(() => new KrakendTelemetry({ serviceName: ' ' }), "KrakendTelemetry: 'serviceName' must not be empty, got ' '");
  });

  test('fails on a configuration that is not version 3', () => {
    expectError(() => KrakendConfig.fromObject({ version: 2, endpoints: [] }),
      "KrakendConfig.fromObject: 'version' must be 3, the configuration format of KrakenD 2.x, got 2. This is a KrakenD 1.x configuration");
  });

  test('fails on a typed Prometheus exporter without a name', () => {
    expectError(() => new KrakendTelemetry({ prometheusExporters: [{ name: '' }] }),
      "KrakendTelemetry: 'prometheusExporters[0].name' is required: KrakenD identifies exporters by name, got ''");
  });

  test('fails on a configuration Prometheus exporter without a name', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ port: 9091 }] } } } }),
    }), '.exporters.prometheus[0].name\' is required');
  });

  // krakend-otel v0.13.0 (KrakenD 2.12.1) config/config.go reads `host` and has no `listen_ip`;
  // exporter/prometheus/prometheus.go listens on fmt.Sprintf("%s:%d", host, port).
  test('keeps a configuration exporter\'s `host`, the key KrakenD 2.12.1 reads', () => {
    const chart = newChart();
    const gateway = new KrakendMetrics(chart, 'gateway', {
      gateways: KrakendGateways.external({ targets: ['10.0.0.5'] }),
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: 9091, host: '10.0.0.5' }] } } } }),
    });
    expect(JSON.parse(gateway.configJson).extra_config['telemetry/opentelemetry'].exporters.prometheus).toEqual([{ name: 'p', port: 9091, host: '10.0.0.5' }]);
  });

  test('fails on a configuration exporter `host` with an IPv6 address without brackets, on which the exporter never starts', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      gateways: KrakendGateways.external({ targets: ['10.0.0.5'] }),
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', host: '2001:db8::5' }] } } } }),
    }), ".exporters.prometheus[0].host' must have an IPv6 address in brackets", 'Write "[2001:db8::5]"');
  });

  test('fails on a configuration exporter `host` that is not an IP', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', host: 'gateway.local' }] } } } }),
    }), ".exporters.prometheus[0].host' must be an IPv4 address, an IPv6 address in brackets, or '' (every interface), got 'gateway.local'");
  });

  test('fails on a configuration exporter `listen_ip` that KrakenD 2.12.1 would ignore', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      gateways: KrakendGateways.external({ targets: ['10.0.0.5'] }),
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', listen_ip: '::1' }] } } } }),
    }), ".exporters.prometheus[0].listen_ip' is ignored by KrakenD 2.12 (its exporter reads 'host'), so the exporter would listen on every interface, got '::1'",
    'Write "host": "[::1]" instead');
  });

  test('accepts a configuration exporter `listen_ip` of every interface, which changes nothing', () => {
    const gateway = new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', port: 9091, listen_ip: '0.0.0.0' }] } } } }),
    });
    expect(gateway.exporterPort).toBe(9091);
  });

  test('fails when a deployed gateway\'s configuration exporter `host` is one address', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', host: '[::1]' }] } } } }),
    }), '\'config.extra_config["telemetry/opentelemetry"].exporters.prometheus[0].host\' must listen on every interface', "got '::1'");
  });

  test('fails on a semantic_convention KrakenD does not know', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { layers: { global: { semantic_convention: '1.29' } } } } }),
    }), '\'config.extra_config["telemetry/opentelemetry"].layers.global.semantic_convention\' must be \'\' (the original metric names) or \'1.27\', got \'1.29\'');
  });

  test('fails on an unknown setting of a Prometheus exporter', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', path: '/m' }] } } } }),
    }), '.exporters.prometheus[0].path\' is not a setting of the Prometheus exporter');
  });

  test('fails on a single-object (OpenCensus-shaped) exporter in the configuration', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: { name: 'p' } } } } }),
    }), '.exporters.prometheus\' must be a list of exporters', 'Wrap the object in an array');
  });

  test('fails on duplicate exporter names between the configuration and the typed telemetry', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { otlp: [{ name: 'p', host: 'collector' }] } } } }),
      telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'p' }] }),
    }), "test/gateway: 'telemetry.prometheusExporters[0].name' must be unique among the exporters of the configuration");
  });

  test('fails on two OTLP exporters of one name, which KrakenD refuses as well', () => {
    // krakend/krakend-otel v0.13.0 config/config.go (Exporters.Validate): names are unique across otlp and prometheus.
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({
        version: 3,
        extra_config: { 'telemetry/opentelemetry': { exporters: { otlp: [{ name: 'o', host: 'collector' }, { name: 'o', host: 'collector-2' }] } } },
      }),
    }), "test/gateway: 'config.extra_config[\"telemetry/opentelemetry\"].exporters.otlp[1].name' must be unique among the exporters of the configuration", "got 'o'");
  });

  test('fails on duplicate typed exporter names', () => {
    expectError(() => new KrakendTelemetry({ prometheusExporters: [{ name: 'p', port: 9091 }, { name: 'p', port: 9092, disableMetrics: true }] }),
      "KrakendTelemetry: 'prometheusExporters[1].name' must be unique among the exporters, got 'p'");
  });

  test('fails with two enabled Prometheus exporters', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'a', port: 9091 }, { name: 'b', port: 9092 }] }),
    }), "'telemetry.prometheusExporters' must have exactly one enabled Prometheus exporter", 'disableMetrics');
  });

  test('fails when every Prometheus exporter is disabled', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'a', disableMetrics: true }] }),
    }), "'telemetry.prometheusExporters' must have an enabled Prometheus exporter to scrape");
  });

  test('fails on an empty exporter list', () => {
    expectError(() => new KrakendTelemetry({ prometheusExporters: [] }), "KrakendTelemetry: 'prometheusExporters' must list at least one exporter");
  });

  test('fails on a listen address that is not an IP', () => {
    expectError(() => new KrakendTelemetry({ prometheusExporters: [{ name: 'p', listenIp: 'localhost' }] }),
      "KrakendTelemetry: 'prometheusExporters[0].listenIp' must be an IPv4 or IPv6 address, got 'localhost'");
  });

  test('fails when a deployed gateway\'s exporter listens on loopback only', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'p', listenIp: '127.0.0.1' }] }) }),
      "test/gateway: 'telemetry.prometheusExporters[0].listenIp' must listen on every interface");
  });

  test('fails when the configuration keeps a legacy OpenCensus Prometheus exporter', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opencensus': { exporters: { prometheus: { port: 9091 } } } } }),
    }), 'is the legacy OpenCensus exporter', 'migrate-krakend');
  });

  test('fails when the configuration and the typed telemetry set different values', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { service_name: 'a', exporters: { prometheus: [{ name: 'p' }] } } } }),
      telemetry: new KrakendTelemetry({ serviceName: 'b' }),
    }), '\'config.extra_config["telemetry/opentelemetry"].service_name\' conflicts with the KrakendTelemetry setting "b", got \'a\'');
  });

  test('fails when the health endpoint is disabled on deployed gateways', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { config: KrakendConfig.fromObject({ version: 3, extra_config: { router: { disable_health: true } } }) }),
      "'config.extra_config.router.disable_health' must not be true");
  });

  test('fails on an external target with another port', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { gateways: external(['krakend1:9090']) }),
      "test/gateway: 'gateways.targets[0]' must use the exporter port 9091", "Write 'krakend1' or 'krakend1:9091'");
  });

  test('fails on an external target with a scheme', () => {
    expectError(() => external(['http://krakend1:9091']), "KrakendGateways.external: 'targets[0]' must be host or host:port");
  });

  // Inside the Prometheus pod these reach Prometheus itself (seeds/004: "you cannot use
  // `localhost` as a target because the Prometheus container does not run inside the KrakenD container").
  test.each(['localhost', 'localhost:9091', 'api.localhost', '127.0.0.1', '127.1.2.3:9091', '::1', '[::1]:9091', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1'])(
    'fails on the loopback target %s', (target) => {
      expectError(() => external(['krakend1', target]),
        "KrakendGateways.external: 'targets[1]' must not be a loopback address: Prometheus runs in a pod, where localhost is the pod itself", `got '${target}'`);
    });

  test.each(['0.0.0.0', '[::]:9091'])('fails on the unspecified address %s as a target', (target) => {
    expectError(() => external([target]), "KrakendGateways.external: 'targets[0]' must be an address Prometheus can connect to, not the unspecified address");
  });

  test('fails on no external targets', () => {
    expectError(() => external([]), "KrakendGateways.external: 'targets' must list at least one gateway");
  });

  test('fails on Kubernetes props with external gateways', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { gateways: external(['a']), metadata: { namespace: 'x' } }),
      "test/gateway: 'metadata' applies to deployed gateways only");
  });

  test('fails on a NetworkPolicy for external gateways', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { gateways: external(['a']), networkPolicy: true }),
      "test/gateway: 'networkPolicy' applies to deployed gateways only (gateways are external), got true");
  });

  test('fails on metadata.name, which cdk8s derives per object', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { metadata: { name: 'gw' } }), "test/gateway: 'metadata.name' is derived from the construct path");
  });

  test('fails on a configuration exporter listen_ip that is not an IP', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', listen_ip: 'any' }] } } } }),
    }), ".exporters.prometheus[0].listen_ip' must be an IPv4 or IPv6 address, got 'any'");
  });

  test('fails on a configuration exporter flag that is not a boolean', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', {
      config: KrakendConfig.fromObject({ version: 3, extra_config: { 'telemetry/opentelemetry': { exporters: { prometheus: [{ name: 'p', go_metrics: 'yes' }] } } } }),
    }), ".exporters.prometheus[0].go_metrics' must be a boolean, got 'yes'");
  });

  test('fails on a target label the job sets itself', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { staticLabels: { job: 'x' } }), "'staticLabels.job' must not be one of the labels the job sets itself");
  });

  test('fails on a target label that is not a label name', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { staticLabels: { 'app-name': 'x' } }), "'staticLabels.app-name' must be a Prometheus label name");
  });

  test('fails on an empty job name', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { jobName: '' }), "test/gateway: 'jobName' must not be empty");
  });

  test('fails on a second gateway with the same job name on one stack', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new KrakendMetrics(chart, 'a', { stack });
    expectError(() => new KrakendMetrics(chart, 'b', { stack }), "'jobName' must be unique", "got 'krakend'");
  });

  test('fails on a scrape timeout longer than the (default 5 s) interval', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { scrapeTimeout: Duration.seconds(10) }),
      "test/gateway: 'scrapeTimeout' must not exceed 'scrapeInterval' (5s), got '10s'");
  });

  test('fails on an image without a tag', () => {
    expectError(() => KrakendGateways.deploy({ image: 'krakend' }), "KrakendGateways.deploy: 'image' must be an image reference with a tag or digest, got 'krakend'");
  });

  test('fails on zero replicas', () => {
    expectError(() => KrakendGateways.deploy({ replicas: 0 }), "KrakendGateways.deploy: 'replicas' must be a positive integer, got 0");
  });

  test('fails on an empty metricsAllowFrom', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { metricsAllowFrom: [] }), "'metricsAllowFrom' must name at least one source");
  });

  test('fails on a namespace that is not a DNS label', () => {
    expectError(() => new KrakendMetrics(newChart(), 'gateway', { metadata: { namespace: 'Edge' } }), "'metadata.namespace' must be a DNS-1123 label");
  });
});

test('fails on a scrape timeout that is not whole milliseconds, naming the construct path', () => {
  expect(() => new KrakendMetrics(newChart(), 'gateway', { scrapeTimeout: Duration.millis(1.5) }))
    .toThrow(/test\/gateway: 'scrapeTimeout' must be a whole number of milliseconds/);
});
