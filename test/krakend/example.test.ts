// The examples/krakend program, run as it stands and checked like any chart.
import * as fs from 'fs';
import * as path from 'path';
import { gatewayConfig } from './helpers';
import { expectValidKrakendConfig } from './krakend-schema';
import { findObject, findObjects } from '../harness';
import { jobNamed, onlyConfig, runExampleProgram, withDashboardSummaries } from '../util';

function example() {
  const out = runExampleProgram('krakend');
  return { out };
}

describe('examples/krakend', () => {
  test('synthesizes valid objects; the gateway objects and jobs pinned', () => {
    const { out } = example();
    // The stack's own objects are pinned by its tests; here, what the KrakenD part adds.
    const gatewayObjects = out.objects.filter((o) => o.metadata.namespace === 'gateway' || o.metadata.name === 'gateway');
    expect(gatewayObjects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`)).toEqual([
      'Role/gateway', 'RoleBinding/gateway',
      'Namespace/', 'ConfigMap/gateway', 'Deployment/gateway', 'Service/gateway', 'NetworkPolicy/gateway',
    ]);
    const jobs = onlyConfig(out).scrape_configs.filter((j: any) => j.job_name.startsWith('krakend'));
    expect({ gatewayObjects: withDashboardSummaries(gatewayObjects), jobs }).toMatchSnapshot();
  });

  test('the document\'s job scrapes the three external gateways every 5s, labelled app=kotel_example', () => {
    const { out } = example();
    expect(jobNamed(onlyConfig(out), 'krakend_otel')).toEqual({
      job_name: 'krakend_otel',
      scrape_interval: '5s',
      metrics_path: '/metrics',
      static_configs: [{ targets: ['krakend1:9091', 'krakend2:9091', 'krakend3:9091'], labels: { app: 'kotel_example' } }],
    });
  });

  test('the deployed gateways run three replicas, discovered in their namespace with the same label', () => {
    const { out } = example();
    const job = jobNamed(onlyConfig(out), 'krakend');
    expect(job.kubernetes_sd_configs[0].namespaces).toEqual({ names: ['gateway'] });
    expect(job.relabel_configs).toContainEqual({ target_label: 'app', replacement: 'kotel_example', action: 'replace' });
    expect(findObject(out.objects, 'Deployment', /gateway/).spec.replicas).toBe(3);
    const service = findObject(out.objects, 'Service', /gateway/);
    expect(service.spec.ports).toContainEqual(expect.objectContaining({ name: 'metrics', port: 9091 }));
  });

  test('the deployed gateways run the user\'s krakend.json with the document\'s telemetry, valid for KrakenD 2.x', () => {
    const { out } = example();
    const config = gatewayConfig(findObjects(out.objects, 'ConfigMap', /gateway/));
    expectValidKrakendConfig(config);
    const user = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'krakend', 'krakend.json'), 'utf8'));
    expect(config.endpoints).toEqual(user.endpoints);
    expect(config.extra_config.router).toEqual(user.extra_config.router);
    expect(config.extra_config['telemetry/opentelemetry']).toEqual({
      service_name: 'krakend_prometheus_service',
      metric_reporting_period: 1,
      exporters: { prometheus: [{ name: 'local_prometheus', port: 9091, process_metrics: true, go_metrics: true }] },
    });
  });

  test('the external gateways get the migrated configuration, on the port they are scraped at', () => {
    const { out } = example();
    // The program prints the krakend.json of the external gateways.
    expect(out.printed).toHaveLength(1);
    const config = JSON.parse(out.printed[0]);
    expectValidKrakendConfig(config);
    expect(config.extra_config).toEqual({
      'telemetry/opentelemetry': { metric_reporting_period: 0, exporters: { prometheus: [{ port: 9091, name: 'krakend' }] } },
    });
  });
});
