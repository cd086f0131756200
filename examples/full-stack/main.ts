import * as path from 'path';
import { App } from 'cdk8s';
import { FullStackChart } from './chart';

// Writes examples/full-stack/dist/monitoring.k8s.yaml, ready for `kubectl apply -f`.
const app = new App({ outdir: path.join(__dirname, 'dist') });
new FullStackChart(app, 'monitoring');
app.synth();
