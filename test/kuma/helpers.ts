// Shared by the Kuma tests: synthesis with the Kuma spec checks, and small fixtures.
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrometheusStack } from '../../src';
import { findObjects, validateManifests } from '../harness';
import { synthAndCheck, Synthesized } from '../util';
import { KUMA_SCHEMAS } from './kuma-schema';

/**
 * `synthAndCheck` (Kubernetes schemas, promtool), then the Kuma kinds against kuma-proto and the
 * policies' CRD schemas.
 */
export function synthKuma(chart: Chart): Synthesized {
  const out = synthAndCheck(chart);
  validateManifests(out.objects, { customKinds: KUMA_SCHEMAS });
  return out;
}

/** The Kuma objects of a synthesis, in output order. */
export function kumaObjects(objects: any[]): any[] {
  return objects.filter((o) => String(o.apiVersion).startsWith('kuma.io/'));
}

/** The only object of a kind. */
export function only(objects: any[], kind: string): any {
  const found = findObjects(objects, kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** A Prometheus in `kuma-metrics` behind port 80, as `kumactl install metrics` deploys it. */
export function meshPrometheus(chart: Chart, id = 'prometheus'): PrometheusStack {
  return new PrometheusStack(chart, id, { metadata: { namespace: 'kuma-metrics' }, servicePort: 80, serviceType: kplus.ServiceType.CLUSTER_IP });
}

/** A workload with one container port. */
export function workload(chart: Chart, id: string, portNumber: number, namespace = 'kuma-demo'): kplus.Deployment {
  return new kplus.Deployment(chart, id, {
    metadata: { namespace },
    containers: [{ image: 'registry.example.com/app:1.0.0', portNumber }],
  });
}
