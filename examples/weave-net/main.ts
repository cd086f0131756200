import * as path from 'path';
import { App } from 'cdk8s';
import { WeaveNetChart } from './chart';

// Writes examples/weave-net/dist/weave-net.k8s.yaml, ready for `kubectl apply -f`, and prints
// what to set on the `weave launch` hosts.
const app = new App({ outdir: path.join(__dirname, 'dist') });
const chart = new WeaveNetChart(app, 'weave-net');
app.synth();
for (const setting of chart.launchEnvironment) {
  console.log(`${setting} weave launch`);
}
