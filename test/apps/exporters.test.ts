import { Duration } from 'cdk8s';
import { PlatformExporters, PrometheusStack } from '../../src';
import { findObject, relabel, relabelCaseFromJob } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

test('node-exporter and kube-state-metrics discovered from their Services, with RBAC in their namespace only', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  stack.addScrapeJob(PlatformExporters.nodeExporter({ serviceNamespaceName: 'monitoring' }));
  stack.addScrapeJob(PlatformExporters.kubeStateMetrics({ serviceNamespaceName: 'monitoring', scrapeInterval: Duration.seconds(30) }));
  const out = synthAndCheck(chart);
  const config = onlyConfig(out);
  expect(jobNamed(config, 'node-exporter')).toMatchObject({
    kubernetes_sd_configs: [{ role: 'endpointslice', namespaces: { names: ['monitoring'] } }],
    relabel_configs: [{ source_labels: ['__meta_kubernetes_service_name'], regex: 'node-exporter', action: 'keep' }, {}, {}],
  });
  expect(jobNamed(config, 'kube-state-metrics')).toMatchObject({
    honor_labels: true,
    scrape_interval: '30s',
    relabel_configs: [{ regex: 'kube-state-metrics;http-metrics', action: 'keep' }],
  });
  expect(findObject(out.objects, 'Role').metadata.namespace).toBe('monitoring');
});

test('static targets', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  stack.addScrapeJob(PlatformExporters.nodeExporter({ targets: ['10.0.0.1:9100', '10.0.0.2:9100'] }));
  expect(jobNamed(onlyConfig(synthAndCheck(chart)), 'node-exporter').static_configs).toEqual([{ targets: ['10.0.0.1:9100', '10.0.0.2:9100'] }]);
});

test('node-exporter targets are named after their node, in a real Prometheus', async () => {
  const job = PlatformExporters.nodeExporter({ serviceNamespaceName: 'monitoring' })._render();
  const endpoint = (service: string, node: string, address: string) => ({
    address,
    labels: { __meta_kubernetes_service_name: service, __meta_kubernetes_pod_node_name: node, __meta_kubernetes_endpointslice_port_name: 'metrics' },
  });
  const [result] = await relabel([relabelCaseFromJob(job, [
    endpoint('node-exporter', 'node-a', '10.0.0.1:9100'),
    endpoint('other', 'node-b', '10.0.0.2:9100'),
  ])]);
  expect(result.targets.map((t) => t.kept)).toEqual([true, false]);
  expect(result.targets[0].labels).toEqual({ instance: 'node-a', job: 'node-exporter', node: 'node-a' });
});

test('fails without targets or a namespace, and with both', () => {
  expect(() => PlatformExporters.nodeExporter()).toThrow(/PlatformExporters.nodeExporter: 'serviceNamespaceName' is required unless 'targets' are given/);
  expect(() => PlatformExporters.kubeStateMetrics({ targets: ['ksm:8080'], serviceNamespaceName: 'monitoring' })).toThrow(/'serviceNamespaceName' must not be given with 'targets'/);
  expect(() => PlatformExporters.kubeStateMetrics({ serviceNamespaceName: 'Monitoring' })).toThrow(/'serviceNamespaceName'.*'Monitoring'/);
});
