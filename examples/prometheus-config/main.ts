import * as fs from 'fs';
import * as path from 'path';
import { buildConfig } from './config';

// Writes examples/prometheus-config/dist/prometheus.yml.
const outdir = path.join(__dirname, 'dist');
fs.mkdirSync(outdir, { recursive: true });
fs.writeFileSync(path.join(outdir, 'prometheus.yml'), buildConfig().toYaml());
