// Values Kubernetes refuses, and dangerous combinations, fail at synthesis with the construct
// path, the property, the value and the fix; the accepted neighbours pass the strict validator.
import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Alertmanager, AppServiceMonitor, Credential, Grafana, GrafanaAdminCredentials, KrakendMetrics, NetworkPeer,
  PodSelection, PrometheusStack, DataStorage,
} from '../../src';
import { validateManifests } from '../harness';
import { expectError, newChart, onlyConfig, synthAndCheck } from '../util';

const appPods = () => PodSelection.fromLabels({ app: 'my-app' });
const admin = () => GrafanaAdminCredentials.fromSecretName('grafana-admin');

describe('Service types', () => {
  test("'Public' is refused by the stack, Grafana and AppServiceMonitor, with the valid names", () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { serviceType: 'Public' as kplus.ServiceType }),
      'test/prom', "'serviceType'", "'Public'", 'ClusterIP, NodePort or LoadBalancer', 'ServiceType.CLUSTER_IP');
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    expectError(() => new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin(), serviceType: 'public' as kplus.ServiceType }),
      'test/grafana', "'serviceType'", "'public'");
    expectError(() => new AppServiceMonitor(chart, 'app', { pods: appPods(), metricsPort: 8000, serviceType: 'Internal' as kplus.ServiceType }),
      'test/app', "'serviceType'", "'Internal'");
  });
});

describe('Kubernetes labels', () => {
  test.each([
    [{ team: 'platform team' }, "'metadata.labels.team'", "'platform team'"],
    [{ 'team name': 'a' }, "'metadata.labels'", "'team name'"],
    [{ 'Example.com/team': 'a' }, "'metadata.labels'", "'Example.com/team'"],
    [{ team: '-a' }, "'metadata.labels.team'", "'-a'"],
  ])('stack metadata.labels %j are refused', (labels, prop, value) => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { metadata: { labels } }), 'test/prom', prop, value);
  });

  test('serviceMonitorLabels and the metadata labels of the other constructs are checked too', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    expectError(() => new AppServiceMonitor(chart, 'a', { pods: appPods(), metricsPort: 8000, serviceMonitorLabels: { release: 'kube prometheus' } }),
      'test/a', "'serviceMonitorLabels.release'", "'kube prometheus'", "'-'");
    expectError(() => new AppServiceMonitor(chart, 'b', { pods: appPods(), metricsPort: 8000, metadata: { labels: { 'a/b/c': 'x' } } }),
      'test/b', "'metadata.labels'", "'a/b/c'");
    expectError(() => new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin(), metadata: { labels: { team: 'a b' } } }),
      'test/grafana', "'metadata.labels.team'");
    expectError(() => new KrakendMetrics(chart, 'gw', { stack, metadata: { labels: { team: 'x'.repeat(64) } } }), 'test/gw', "'metadata.labels.team'");
  });

  test('valid labels pass the strict validator', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { metadata: { labels: { 'example.com/team': 'platform_team-1', 'tier': '' } } });
    expect(() => synthAndCheck(chart)).not.toThrow();
  });

  test('externalLabels are Prometheus labels: a value with spaces is valid (promtool accepts it), a name with a dash is not', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { externalLabels: { cluster: 'EU West 1 / prod' } });
    expect(onlyConfig(synthAndCheck(chart)).global.external_labels).toEqual({ cluster: 'EU West 1 / prod' });
    expectError(() => new PrometheusStack(newChart(), 'prom', { externalLabels: { 'k8s-cluster': 'a' } }), "'externalLabels.k8s-cluster'");
  });
});

describe('object names derived from construct ids', () => {
  test('an id with _ fails in the stack constructor, naming the ids to rename', () => {
    expectError(() => new PrometheusStack(newChart(), 'my_prom'), "test/my_prom: 'id' must give valid Kubernetes object names",
      "ServiceAccount 'test/my_prom/ServiceAccount'", "got 'test-my_prom-serviceaccount-", "rename 'my_prom'", "'my-prom'");
  });

  test('a chart id with _ is named as well', () => {
    const chart = new Chart(Testing.app(), 'monitoring_chart');
    expectError(() => new PrometheusStack(chart, 'prom'), "rename 'monitoring_chart'");
  });

  test('other constructs fail at synthesis, and the names are what the strict validator refuses', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    new KrakendMetrics(chart, 'api_gateway', { stack });
    expectError(() => Testing.synth(chart), "test/api_gateway: 'id' must give valid Kubernetes object names", "rename 'api_gateway'");
    // The same objects, named as cdk8s names them, are refused by the strict validator.
    const names = chart.node.findAll().filter((c: any) => c.node.path.startsWith('test/api_gateway/') && c.kind === 'ConfigMap').map((c: any) => c.name);
    expect(() => validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: names[0] } }])).toThrow(/DNS-1123/);
  });

  test('an AppServiceMonitor fails in its constructor, naming its three objects, so the error points at the line that made it', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    expectError(() => new AppServiceMonitor(chart, 'orders_api', { pods: PodSelection.fromLabels({ app: 'orders' }), metricsPort: 8080, stack }),
      "test/orders_api: 'id' must give valid Kubernetes object names", "Service 'test/orders_api/Service' and 2 more", "rename 'orders_api'", "'orders-api'");
  });

  test('ids with dashes and capitals are fine', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'My-Prometheus');
    expect(() => synthAndCheck(chart)).not.toThrow();
  });
});

describe('storage', () => {
  test("storageClassName 'Fast SSD' is refused for Prometheus and Alertmanager", () => {
    expectError(() => DataStorage.persistentVolumeClaim({ size: Size.gibibytes(10), storageClassName: 'Fast SSD' }),
      'DataStorage.persistentVolumeClaim', "'storageClassName'", "'Fast SSD'", 'kubectl get storageclass');
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    expectError(() => new Alertmanager(chart, 'am', { stack, storageClassName: 'fast_ssd' } as any), 'test/am', "'storageClassName'", "'fast_ssd'");
  });

  test('a valid StorageClass name passes', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(10), storageClassName: 'fast-ssd.example.com' }) });
    const sts = synthAndCheck(chart).objects.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('fast-ssd.example.com');
  });

  test('a retention size larger than the volume is refused (checked since the StatefulSet storage)', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', {
      retentionSize: Size.gibibytes(20), storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(10) }),
    }), 'test/prom', "'retentionSize'", "'20Gi'", '10Gi');
  });
});

describe('Secret keys and settings', () => {
  test('a Secret reference without a key is refused', () => {
    expectError(() => Credential.fromSecret('mimir', undefined as any), 'Credential.fromSecret', "'key' is required, got undefined", "Credential.fromSecret('mimir', 'password')");
    expectError(() => GrafanaAdminCredentials.fromSecretName('grafana-admin', { userKey: 42 as any }), "'userKey'", '42');
  });

  test('a non-string Grafana setting is refused with the quoted fix', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prom');
    expectError(() => new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: admin(), settings: { 'users.allow_sign_up': false as any } }),
      'test/grafana', "'settings.users.allow_sign_up'", 'must be a string', "Write 'false'");
    expectError(() => new Grafana(newChart(), 'grafana', { prometheus: new PrometheusStack(newChart(), 'p'), adminCredentials: admin(), settings: { 'server.http_port': 3001 as any } }),
      "'settings.server.http_port'", '3001');
  });
});

describe('dangerous combinations', () => {
  test.each(['kube-system', 'kube-public', 'kube-node-lease', 'default'])('createNamespace in %s is refused', (namespace) => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { createNamespace: true, metadata: { namespace } }),
      'test/prom', "'createNamespace'", `'${namespace}'`, 'kubectl delete -f', 'got true', "'monitoring'");
  });

  test('createNamespace in the chart\'s default namespace (default) is refused too', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { createNamespace: true }), "'createNamespace'", "'default'");
  });

  test('createNamespace in a namespace of your own creates it', () => {
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { createNamespace: true, metadata: { namespace: 'monitoring' } });
    expect(synthAndCheck(chart).objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['monitoring']);
  });

  test('the lifecycle API on a LoadBalancer open to every source is refused; with allowFrom it is on', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { serviceType: kplus.ServiceType.LOAD_BALANCER, lifecycleApi: true }),
      "'lifecycleApi'", 'LoadBalancer', 'POST /-/quit');
    const chart = newChart();
    new PrometheusStack(chart, 'prom', { lifecycleApi: true, allowFrom: [NetworkPeer.fromNamespaceNames(['ops'])] });
    const args = synthAndCheck(chart).objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args;
    expect(args).toContain('--web.enable-lifecycle');
  });

  test('a Prometheus 1.x image fails on the 2.x flags', () => {
    expectError(() => new PrometheusStack(newChart(), 'prom', { image: 'prom/prometheus:v1.8.2' }),
      'test/prom', "'--storage.tsdb.path' needs Prometheus 2.0.0 or newer", 'v1.8.2');
  });
});
