import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { KumaPolicyApi } from 'cdk8s-prometheus-monitoring';
import { KumaMeshChart } from './chart';
import { OlderPrometheusChart } from './older-prometheus';
import { universalMesh } from './universal';

// Writes examples/kuma-mesh/dist/{legacy,current}/kuma-mesh.k8s.yaml, the same intent in the
// legacy (Mesh.spec.metrics, TrafficPermission) and the current (MeshMetric,
// MeshTrafficPermission) API, ready for `kubectl apply -f`.
for (const policyApi of [KumaPolicyApi.LEGACY, KumaPolicyApi.CURRENT]) {
  const app = new App({ outdir: path.join(__dirname, 'dist', policyApi) });
  new KumaMeshChart(app, 'kuma-mesh', { policyApi });
  app.synth();
}

// Writes examples/kuma-mesh/dist/older-prometheus/older-prometheus.k8s.yaml: kuma-prometheus-sd
// beside a Prometheus 2.28.
const older = new App({ outdir: path.join(__dirname, 'dist', 'older-prometheus') });
new OlderPrometheusChart(older, 'older-prometheus');
older.synth();

// Writes examples/kuma-mesh/dist-universal/kuma-universal.yaml, for `kumactl apply -f`.
const universalDir = path.join(__dirname, 'dist-universal');
fs.mkdirSync(universalDir, { recursive: true });
fs.writeFileSync(path.join(universalDir, 'kuma-universal.yaml'), universalMesh().toUniversalYaml());
