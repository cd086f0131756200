// AppServiceMonitors as prometheus-operator scrapes them: the jobs the operator would generate
// for our ServiceMonitors (./upstream.ts, from prometheus-operator v0.93.0 promcfg.go), run in a
// real Prometheus over the targets Prometheus's EndpointSlice discovery gives for our Services
// (./upstream.ts, from prometheus v3.5.0 discovery/kubernetes).
import * as kplus from 'cdk8s-plus-28';
import { AppServiceMonitor, NamespaceIngress, PodSelection, PrometheusStack } from '../../src';
import { findObject, findObjects, relabel, relabelCaseFromJob } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';
import { endpointSliceTargets, operatorScrapeJobs, PodInstance } from './upstream';

/** One Deployment serving metrics on two ports of two containers, as many applications do. */
function twoMonitorsOnOneWorkload(options: { stack?: boolean } = {}) {
  const chart = newChart();
  const stack = options.stack ? new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } }) : undefined;
  const web = new kplus.Deployment(chart, 'web', {
    metadata: { namespace: 'shop' },
    containers: [
      { name: 'web', image: 'registry.example.com/web:1.4.2', portNumber: 8000 },
      { name: 'statsd-exporter', image: 'prom/statsd-exporter:v0.28.0', portNumber: 9102 },
    ],
  });
  // Both with the default port name 'metrics'.
  const namespaceIngress = NamespaceIngress.DEFAULT_DENY;
  const app = new AppServiceMonitor(chart, 'web-metrics', { pods: PodSelection.fromPods(web), metricsPort: 8000, stack, namespaceIngress });
  // Settings of its own, which the stack reads from the Service's annotations.
  const statsd = new AppServiceMonitor(chart, 'statsd-metrics', {
    pods: PodSelection.fromPods(web), metricsPort: 9102, stack, namespaceIngress, metricsPath: '/statsd/metrics', queryParams: { format: ['text'] },
  });
  const out = synthAndCheck(chart);
  const deployment = findObjects(out.objects, 'Deployment').find((d) => d.metadata.namespace === 'shop');
  const pods: PodInstance[] = ['a', 'b'].map((suffix, i) => ({
    name: `web-5d8c7-${suffix}`, ip: `10.1.0.${i + 1}`, template: deployment.spec.template, namespace: 'shop',
  }));
  const services = findObjects(out.objects, 'Service').filter((s) => s.metadata.namespace === 'shop');
  const targets = services.flatMap((svc) => endpointSliceTargets(svc, pods));
  return { out, app, statsd, services, targets };
}

describe('two AppServiceMonitors on one workload', () => {
  test('both Services select the pods, so the targets of both are discovered', () => {
    const { services, targets, app, statsd } = twoMonitorsOnOneWorkload();
    expect(services.map((s) => s.metadata.name).sort()).toEqual([app.serviceName, statsd.serviceName].sort());
    expect(targets.map((t) => t.address)).toEqual(expect.arrayContaining(['10.1.0.1:8000', '10.1.0.2:8000', '10.1.0.1:9102', '10.1.0.2:9102']));
    expect(targets).toHaveLength(4);
  });

  test('under prometheus-operator, each target is kept by exactly one job: its own ServiceMonitor\'s, in a real Prometheus', async () => {
    const { out, targets, app, statsd } = twoMonitorsOnOneWorkload();
    const jobs = findObjects(out.objects, 'ServiceMonitor').flatMap((sm) => operatorScrapeJobs(sm));
    expect(jobs.map((j) => j.job_name).sort()).toEqual([
      `serviceMonitor/shop/${app.serviceMonitor!.name}/0`, `serviceMonitor/shop/${statsd.serviceMonitor!.name}/0`,
    ].sort());
    const results = await relabel(jobs.map((job) => relabelCaseFromJob(job, targets)));
    const keptBy = targets.map((_, i) => results.filter((r) => r.targets[i].kept).map((r) => r.name));
    expect(keptBy.map((names) => names.length)).toEqual(targets.map(() => 1));
    // Each target is kept by the ServiceMonitor of the Service it was discovered through.
    const smOf = (service: string) => (service === app.serviceName ? app : statsd).serviceMonitor!.name;
    targets.forEach((t, i) => expect(keptBy[i]).toEqual([`serviceMonitor/shop/${smOf(t.labels.__meta_kubernetes_service_name)}/0`]));
    // The labels the operator gives them: job is the Service name.
    const kept = results.flatMap((r) => r.kept);
    expect(kept.map((l) => `${l.job} ${l.container} ${l.instance}`).sort()).toEqual([
      `${app.serviceName} web 10.1.0.1:8000`, `${app.serviceName} web 10.1.0.2:8000`,
      `${statsd.serviceName} statsd-exporter 10.1.0.1:9102`, `${statsd.serviceName} statsd-exporter 10.1.0.2:9102`,
    ].sort());
  });

  test('the stack\'s shared job keeps each target once, with the labels the operator gives it, in a real Prometheus', async () => {
    const { out, targets } = twoMonitorsOnOneWorkload({ stack: true });
    const stackJob = jobNamed(onlyConfig(out), 'apps/shop');
    const operatorJobs = findObjects(out.objects, 'ServiceMonitor').flatMap((sm) => operatorScrapeJobs(sm));
    const [ours, ...theirs] = await relabel([relabelCaseFromJob(stackJob, targets), ...operatorJobs.map((job) => relabelCaseFromJob(job, targets))]);
    expect(ours.targets.map((t) => t.kept)).toEqual(targets.map(() => true));
    targets.forEach((_, i) => {
      const operator = theirs.map((r) => r.targets[i]).find((t) => t.kept)!;
      expect(ours.targets[i].labels).toEqual(operator.labels);
      expect(ours.targets[i].scrapeUrl).toBe(operator.scrapeUrl);
    });
    expect(ours.targets.map((t) => t.scrapeUrl).filter((u) => u!.endsWith('/statsd/metrics?format=text'))).toHaveLength(2);
  });
});

describe('a named Service gives a stable job label', () => {
  test('metadata.name is the job label under the operator and on the stack, whatever the construct id, in a real Prometheus', async () => {
    const build = (id: string) => {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      const pods = kplus.Pods.select(chart, 'AppPods', { labels: { app: 'my-app' } });
      new AppServiceMonitor(chart, id, { pods: PodSelection.fromPods(pods), metricsPort: 8000, metadata: { name: 'my-app-service', namespace: 'my-app-namespace' }, stack });
      const out = synthAndCheck(chart);
      const template = { metadata: { labels: { app: 'my-app' } }, spec: { containers: [{ name: 'app', image: 'my-app:1', ports: [{ containerPort: 8000 }] }] } };
      const targets = endpointSliceTargets(findObject(out.objects, 'Service', 'my-app-service'),
        [{ name: 'my-app-0', ip: '10.2.0.1', template, namespace: 'my-app-namespace' }]);
      return { out, targets };
    };
    const first = build('my-app');
    const renamed = build('renamed-construct');
    const cases = [first, renamed].flatMap(({ out, targets }, n) => [
      { ...relabelCaseFromJob(jobNamed(onlyConfig(out), 'apps/my-app-namespace'), targets), name: `stack-${n}` },
      { ...relabelCaseFromJob(operatorScrapeJobs(findObjects(out.objects, 'ServiceMonitor')[0])[0], targets), name: `operator-${n}` },
    ]);
    const results = await relabel(cases);
    expect(results.map((r) => r.kept.map((l) => l.job))).toEqual([['my-app-service'], ['my-app-service'], ['my-app-service'], ['my-app-service']]);
  });
});
