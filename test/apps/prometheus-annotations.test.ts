import * as kplus from 'cdk8s-plus-28';
import { PrometheusAnnotations, PrometheusConfig, PrometheusStack, Scheme } from '../../src';
import { checkConfig, findObject, relabel, relabelCaseFromJob } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

const rendered = (job = PrometheusAnnotations.scrapeJob()) => {
  const config = new PrometheusConfig();
  config.addScrapeJob(job);
  checkConfig(config.toYaml());
  return job._render();
};

const pod = (labels: Record<string, string>, address = '10.1.2.3:8080') => ({
  address,
  labels: {
    __meta_kubernetes_namespace: 'shop',
    __meta_kubernetes_pod_name: 'web-5c9d',
    __meta_kubernetes_pod_node_name: 'node-a',
    __meta_kubernetes_pod_ip: '10.1.2.3',
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_label_app: 'web',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: 'true',
    ...labels,
  },
});
const port = (p: string) => ({
  __meta_kubernetes_pod_annotation_prometheus_io_port: p, __meta_kubernetes_pod_annotationpresent_prometheus_io_port: 'true',
});

test('the annotation job honours scrape, port, path, scheme and params, for IPv4 and IPv6 pods, in a real Prometheus', async () => {
  const [result] = await relabel([relabelCaseFromJob(rendered(), [
    pod(port('9102')),
    pod({ ...port('9102'), __meta_kubernetes_pod_ip: 'fd00:10:244::1b' }, '[fd00:10:244::1b]:8080'),
    pod({ ...port('8443'), __meta_kubernetes_pod_annotation_prometheus_io_path: '/admin/metrics', __meta_kubernetes_pod_annotation_prometheus_io_scheme: 'https' }),
    pod({ __meta_kubernetes_pod_annotation_prometheus_io_param_format: 'prometheus' }),
    pod({ __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'false' }),
    pod({ ...port('9102'), __meta_kubernetes_pod_phase: 'Pending' }),
    pod({ __meta_kubernetes_pod_annotation_prometheus_io_scrape: '', __meta_kubernetes_pod_annotationpresent_prometheus_io_scrape: '' }),
  ])]);
  expect(result.targets.map((t) => t.kept)).toEqual([true, true, true, true, false, false, false]);
  const [v4, v6, https, params] = result.targets;
  expect(v4.labels).toEqual({ app: 'web', instance: '10.1.2.3:9102', job: 'kubernetes-pods', namespace: 'shop', node: 'node-a', pod: 'web-5c9d' });
  expect(v4.scrapeUrl).toBe('http://10.1.2.3:9102/metrics');
  expect(v6.scrapeUrl).toBe('http://[fd00:10:244::1b]:9102/metrics');
  expect(https.scrapeUrl).toBe('https://10.1.2.3:8443/admin/metrics');
  // Without a port annotation, the discovered container port is kept.
  expect(params.scrapeUrl).toBe('http://10.1.2.3:8080/metrics?format=prometheus');
});

test('annotate() writes the annotations on the pod template', () => {
  const chart = newChart();
  const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'web:1.0', portNumber: 8080 }] });
  PrometheusAnnotations.annotate(web, { metricsPort: 9102, metricsPath: '/m', scheme: Scheme.HTTPS });
  expect(findObject(synthAndCheck(chart).objects, 'Deployment').spec.template.metadata.annotations).toEqual({
    'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102', 'prometheus.io/path': '/m', 'prometheus.io/scheme': 'https',
  });
});

test('annotate() fails on a bad port', () => {
  const chart = newChart();
  const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'web:1.0' }] });
  expect(() => PrometheusAnnotations.annotate(web, { metricsPort: 0 })).toThrow(/test\/web: 'metricsPort' must be a port number in 1-65535, got 0/);
});

test('one annotation job per namespace, shared by every caller; cluster-wide when asked', () => {
  const chart = newChart();
  const stack = new PrometheusStack(chart, 'prometheus');
  const a = PrometheusAnnotations.scrapeNamespace(stack, 'shop');
  expect(PrometheusAnnotations.scrapeNamespace(stack, 'shop')).toBe(a);
  stack.addScrapeJob(PrometheusAnnotations.scrapeJob());
  const out = synthAndCheck(chart);
  const config = onlyConfig(out);
  expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus', 'pods/shop', 'kubernetes-pods']);
  expect(jobNamed(config, 'kubernetes-pods').kubernetes_sd_configs).toEqual([{ role: 'pod' }]);
  expect(findObject(out.objects, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
});
