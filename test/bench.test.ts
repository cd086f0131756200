// `npm run bench` measures synthesis against plain cdk8s; this checks only that its cases still
// build what they describe with the current API (a renamed prop would otherwise surface in the
// bench alone). No time is measured here.
import { execFileSync } from 'child_process';
import * as path from 'path';

const bench = path.join(__dirname, '..', 'bench', 'bench.cjs');
const child = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [bench, '--child', ...args], {
  encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, BENCH_RECORD: '' },
}));

test('the library case of the bench synthesizes its fleet, one Service, ServiceMonitor and NetworkPolicy per application', () => {
  const small = child('library', '10');
  const large = child('library', '30');
  expect(large.objects - small.objects).toBe(20 * 3);
  expect(small.prometheusYmlBytes).toBeGreaterThan(0);
});
