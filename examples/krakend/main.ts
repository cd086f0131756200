import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { KrakendChart } from './chart';

// Writes examples/krakend/dist/krakend.k8s.yaml, ready for `kubectl apply -f`, and
// examples/krakend/dist/krakend/krakend.json, the configuration of the gateways that run
// outside the cluster (mount it at /etc/krakend/ as in KrakenD's docker-compose example).
const dist = path.join(__dirname, 'dist');
const app = new App({ outdir: dist });
const chart = new KrakendChart(app, 'krakend');
app.synth();
fs.mkdirSync(path.join(dist, 'krakend'), { recursive: true });
fs.writeFileSync(path.join(dist, 'krakend', 'krakend.json'), chart.composeGateways.configJson);
