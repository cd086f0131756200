// The scrape jobs in a real Prometheus: the static job (the document's shape) scraping a local
// server that stands in for a gateway's /metrics (the dashboard's queries are in
// dashboard.test.ts); and the relabelling of the Kubernetes-discovered job over synthetic
// EndpointSlice targets.
import * as YAML from 'yaml';
import { krakendExposition } from './helpers';
import { PrometheusStack } from '../../src';
import { KrakendGateways, KrakendMetrics, KrakendTelemetry } from '../../src/integrations/krakend';
import { findObject, relabel, relabelCaseFromJob, startMetricsServer, startPrometheus } from '../harness';
import { jobNamed, newChart, onlyConfig, synthAndCheck } from '../util';

// Each test waits for target discovery (~5 s) in its own Prometheus: run them side by side.
describe('real Prometheus', () => {
  test.concurrent('scrapes the static job\'s targets with their labels, and KrakenD\'s series keep theirs', async () => {
    let scrapes = 0;
    const gateway = await startMetricsServer(() => krakendExposition(++scrapes));
    try {
      const chart = newChart();
      const stack = new PrometheusStack(chart, 'prometheus');
      new KrakendMetrics(chart, 'gateways', {
        stack,
        jobName: 'krakend_otel',
        gateways: KrakendGateways.external({ targets: ['krakend1', 'krakend2:9091'] }),
        telemetry: new KrakendTelemetry({ prometheusExporters: [{ name: 'local_prometheus', port: 9091 }] }),
        staticLabels: { app: 'kotel_example' },
      });
      const out = synthAndCheck(chart);
      const config = YAML.parse(findObject(out.objects, 'ConfigMap').data['prometheus.yml']);
      const job = jobNamed(config, 'krakend_otel');
      expect(job.static_configs).toEqual([{ targets: ['krakend1:9091', 'krakend2:9091'], labels: { app: 'kotel_example' } }]);

      // The stack's prometheus.yml, with the stand-in gateway (on 127.0.0.1) for the gateways.
      job.static_configs[0].targets = [gateway.address];
      const prometheus = await startPrometheus(YAML.stringify(config));
      try {
        const up = await prometheus.waitFor(async () => {
          const r = await prometheus.query('up{job="krakend_otel"} == 1');
          return r.result.length > 0 ? r.result : undefined;
        }, 30_000, 'the gateway to be up');
        expect(up.map((s) => s.metric)).toEqual([{ __name__: 'up', job: 'krakend_otel', instance: gateway.address, app: 'kotel_example' }]);
        const targets = (await prometheus.targets()).active.filter((t) => t.scrapePool === 'krakend_otel');
        expect(targets.map((t) => [t.scrapeUrl, t.scrapeInterval])).toEqual([[`http://${gateway.address}/metrics`, '5s']]);
        // The backend stage keeps KrakenD's labels; empty ones (otel_scope_version) are dropped.
        const backend = await prometheus.query('krakend_backend_duration_count{error="true",http_request_method="GET"}');
        expect(backend.result.map((s) => s.metric)).toEqual([{
          __name__: 'krakend_backend_duration_count',
          app: 'kotel_example',
          canceled: 'false',
          complete: 'false',
          error: 'true',
          http_request_method: 'GET',
          http_route: '/u/:id',
          instance: gateway.address,
          job: 'krakend_otel',
          krakend_endpoint_method: 'GET',
          krakend_endpoint_route: '/users/:id',
          otel_scope_name: 'io.krakend.krakend-otel',
        }]);
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
    const gateway = new KrakendMetrics(chart, 'gateway', { stack, staticLabels: { app: 'kotel_example' } });
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
