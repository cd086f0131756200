// The scrape jobs in a real Prometheus: the static job (the document's shape) scraping a local
// server that stands in for a gateway's /metrics, with the dashboard's queries run against what it
// scraped; and the relabelling of the Kubernetes-discovered job over synthetic EndpointSlice targets.
import { krakendMetricsBody } from './helpers';
import { PrometheusStack } from '../../src';
import { KrakendGateways, KrakendMetrics, KrakendTelemetry } from '../../src/krakend';
import { findObject, relabel, relabelCaseFromJob, startMetricsServer, startPrometheus } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

// Each test waits for target discovery (~5 s) in its own Prometheus: run them side by side.
describe('real Prometheus', () => {
  test.concurrent('scrapes the static job\'s targets with their labels, and the dashboard queries return its series', async () => {
    const gateway = await startMetricsServer(krakendMetricsBody());
    try {
      const port = Number(gateway.address.split(':')[1]);
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      const metrics = new KrakendMetrics(chart, 'gateways', {
        stack,
        jobName: 'krakend_otel',
        // Only the address differs from the document: the stand-in gateway listens on 127.0.0.1.
        gateways: KrakendGateways.external({ targets: ['127.0.0.1'] }),
        telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'local_prometheus', port }] }),
        apiPort: port === 8080 ? 8081 : undefined,
        targetLabels: { app: 'kotel_example' },
      });
      const out = synthAndCheck(chart);
      expect(jobNamed(onlyConfig(out), 'krakend_otel').static_configs).toEqual([{ targets: [gateway.address], labels: { app: 'kotel_example' } }]);

      // The stack's prometheus.yml, unchanged.
      const prometheus = await startPrometheus(findObject(out.objects, 'ConfigMap').data['prometheus.yml']);
      try {
        const up = await prometheus.waitFor(async () => {
          const r = await prometheus.query('up{job="krakend_otel"} == 1');
          return r.result.length > 0 ? r.result : undefined;
        }, 30_000, 'the gateway to be up');
        expect(up.map((s) => s.metric)).toEqual([{ __name__: 'up', job: 'krakend_otel', instance: gateway.address, app: 'kotel_example' }]);
        const targets = (await prometheus.targets()).active.filter((t) => t.scrapePool === 'krakend_otel');
        expect(targets.map((t) => [t.scrapeUrl, t.scrapeInterval])).toEqual([[`http://${gateway.address}/metrics`, '5s']]);

        // Rates need two samples: wait for the first panel to answer, then run every query.
        const run = async (expr: string) => (await prometheus.query(expr.replace(/\$__rate_interval/g, '1m'))).result;
        const queries = metrics.dashboard.queries.map((q) => ({ panel: q.panelTitle, ...q }));
        await prometheus.waitFor(async () => (await run(queries[0].expr)).length > 0, 30_000, 'a second scrape');
        const results: Record<string, Array<Record<string, string>>> = {};
        for (const q of queries) {
          const series = await run(q.expr);
          expect({ panel: q.panel, expr: q.expr, empty: series.length === 0 }).toEqual({ panel: q.panel, expr: q.expr, empty: false });
          results[`${q.panel}/${q.legend}`] = series.map((s) => s.metric);
        }
        expect(results['Requests/{{http_route}}']).toEqual([{ http_route: '/users/{id}' }]);
        expect(results['Status codes/{{http_response_status_code}}'].map((m) => m.http_response_status_code).sort()).toEqual(['200', '500']);
        expect(results['Latency/p99']).toEqual([{}]);
        expect(results['Latency by endpoint/{{http_route}}']).toEqual([{ http_route: '/users/{id}' }]);
        expect(results['Backend latency/{{server_address}}']).toEqual([{ server_address: 'users:8000' }]);
        expect(results['Backend errors/{{server_address}}']).toEqual([{ server_address: 'users:8000' }]);
      } finally {
        await prometheus.stop();
      }
    } finally {
      await gateway.stop();
    }
  });

  test.concurrent('the discovered job keeps only this gateway\'s Service and exporter port', async () => {
    const chart = newChart('edge');
    const stack = new PrometheusStack(chart, 'prometheus', { metadata: { namespace: 'monitoring' } });
    const gateway = new KrakendMetrics(chart, 'gateway', { stack, targetLabels: { app: 'kotel_example' } });
    const job = jobNamed(onlyConfig(synthAndCheck(chart)), 'krakend');
    const endpoint = (address: string, labels: Record<string, string> = {}) => ({
      address,
      labels: {
        __meta_kubernetes_namespace: 'edge',
        __meta_kubernetes_service_name: gateway.serviceName!,
        __meta_kubernetes_endpointslice_name: `${gateway.serviceName}-x7k2p`,
        __meta_kubernetes_endpointslice_port_name: 'metrics',
        __meta_kubernetes_endpointslice_port: '9091',
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
        __meta_kubernetes_pod_name: 'gateway-7d4f9-abcde',
        ...labels,
      },
    });
    const [result] = await relabel([relabelCaseFromJob(job, [
      endpoint('10.1.0.5:9091'),
      endpoint('10.1.0.5:8080', { __meta_kubernetes_endpointslice_port_name: 'http', __meta_kubernetes_endpointslice_port: '8080' }),
      endpoint('10.1.0.9:9091', { __meta_kubernetes_service_name: 'other-gateway' }),
      endpoint('10.1.0.9:9090', { __meta_kubernetes_service_name: 'prometheus', __meta_kubernetes_endpointslice_port_name: 'web' }),
    ])]);
    expect(result.targets.map((t) => t.kept)).toEqual([true, false, false, false]);
    expect(result.kept).toEqual([{
      app: 'kotel_example',
      instance: '10.1.0.5:9091',
      job: 'krakend',
      namespace: 'edge',
      pod: 'gateway-7d4f9-abcde',
      service: gateway.serviceName,
    }]);
  });
});
