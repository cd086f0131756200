// The Weave Net dashboard's connection panels, evaluated by promtool over weave_connections
// series shaped as weave 2.8.1 emits them (weave-collector.ts): counts are summed over type
// and encryption, and a router without connections (hence without series) shows 0.
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { connectionSeries, established, selector, unreached } from './weave-collector';
import { weaveDashboard } from '../../src/integrations/weave/dashboard';
import { testRules } from '../harness';

const R1 = { job: 'weave', instance: '10.0.1.5:6782' };
const R2 = { job: 'weave', instance: '10.0.1.6:6782' };
const R3 = { job: 'weave', instance: '10.0.1.7:6782' };

const dashboard = weaveDashboard('weave', 'weave-npc', Duration.seconds(15));
const query = (title: string) => {
  const found = dashboard.queries.filter((q) => q.panelTitle === title);
  expect(found).toHaveLength(1);
  return found[0].expr;
};

/** Runs promql_expr_test cases at 2m over the input series (3 samples, a minute apart). */
function expectValues(input: Array<[string, string]>, cases: Array<{ title: string; samples: Array<{ labels: string; value: number }> }>) {
  const tests = {
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: input.map(([series, values]) => ({ series, values })),
      promql_expr_test: cases.map((c) => ({ expr: query(c.title), eval_time: '2m', exp_samples: c.samples })),
    }],
  };
  expect(testRules('groups: []\n', YAML.stringify(tests))).toContain('SUCCESS');
}

test('an encrypted, an unencrypted and an isolated router: connections counted once each, the isolated one at 0', () => {
  const phases = (connections: ReturnType<typeof established>) => [{ minutes: 3, connections }];
  expectValues([
    [selector('up', R1), '1x2'], [selector('up', R2), '1x2'], [selector('up', R3), '1x2'],
    ...connectionSeries(R1, phases([])),
    ...connectionSeries(R2, phases([...established(1, 'fastdp', true), ...unreached(1, 'failed')])),
    ...connectionSeries(R3, phases([...established(1, 'sleeve'), ...established(1, 'fastdp')])),
  ], [
    { title: 'Established connections', samples: [{ labels: '{}', value: 3 }] },
    {
      title: 'Established connections per router',
      samples: [{ labels: `{instance="${R1.instance}"}`, value: 0 }, { labels: `{instance="${R2.instance}"}`, value: 1 }, { labels: `{instance="${R3.instance}"}`, value: 2 }],
    },
    { title: 'Connections by state', samples: [{ labels: '{state="established"}', value: 3 }, { labels: '{state="failed"}', value: 1 }] },
  ]);
});

test('a single router without any connection: 0 established, not "no data"', () => {
  expectValues([[selector('up', R1), '1x2']], [
    { title: 'Established connections', samples: [{ labels: '{}', value: 0 }] },
    { title: 'Established connections per router', samples: [{ labels: `{instance="${R1.instance}"}`, value: 0 }] },
  ]);
});
