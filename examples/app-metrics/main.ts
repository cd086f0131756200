import * as path from 'path';
import { App } from 'cdk8s';
import { AppMetricsChart } from './chart';

// Writes examples/app-metrics/dist/app-metrics.k8s.yaml, ready for `kubectl apply -f`.
const app = new App({ outdir: path.join(__dirname, 'dist') });
new AppMetricsChart(app, 'app-metrics');
app.synth();
