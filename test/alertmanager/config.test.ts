// The alertmanager.yml model: what it renders, what it refuses (each refusal also refused by
// amtool 0.25 where the field exists), and routing proven with `amtool config routes test`.
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AlertmanagerConfig, Credential, InhibitRule, Matcher, Notifier, OpsGenieResponderType, Receiver, Route, TimeInterval, Weekday,
} from '../../src';
import { checkAlertmanagerConfig, routesTest, runAmtool, makeTempDir, removeTempDir, writeFiles } from '../harness';
import { expectError } from '../util';

const hook = (name: string) => new Receiver({ name, notifiers: [Notifier.webhook({ url: `http://127.0.0.1:9/${name}` })] });

/** amtool 0.25's verdict on a hand-written config (for refusals the model must share). */
function amtoolRefuses(yaml: string): string {
  const dir = makeTempDir('amtool-bad-');
  try {
    writeFiles(dir, { 'alertmanager.yml': yaml });
    const run = runAmtool(['check-config', 'alertmanager.yml'], dir);
    expect(run.status).not.toBe(0);
    return run.output;
  } finally {
    removeTempDir(dir);
  }
}
const minimal = (extra: string) => `route:\n  receiver: a\n${extra}receivers:\n  - name: a\n`;

describe('rendering', () => {
  test('the smallest config: default receiver, kube-prometheus timings and inhibit rules, the Watchdog route; amtool accepts it', () => {
    const config = new AlertmanagerConfig({ defaultReceiver: 'team', receivers: [hook('team')] });
    const yaml = config.toYaml();
    checkAlertmanagerConfig(yaml);
    expect(YAML.parse(yaml)).toEqual({
      route: {
        receiver: 'team',
        group_by: ['alertname', 'namespace'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '12h',
        routes: [{ receiver: 'Watchdog', matchers: ['alertname="Watchdog"'], repeat_interval: '5m' }],
      },
      inhibit_rules: [
        { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['namespace', 'alertname'] },
        { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ['namespace', 'alertname'] },
      ],
      receivers: [{ name: 'team', webhook_configs: [{ url: 'http://127.0.0.1:9/team' }] }, { name: 'Watchdog' }],
    });
  });

  test('every 0.25 notifier reads its secret from a file under /etc/alertmanager/secrets; amtool accepts it', () => {
    const config = new AlertmanagerConfig({
      defaultReceiver: 'all',
      receivers: [new Receiver({
        name: 'all',
        notifiers: [
          Notifier.slack({ apiUrl: Credential.fromSecret('slack', 'url'), channel: '#a' }),
          Notifier.pagerDuty({ routingKey: Credential.fromSecret('pd', 'key'), severity: 'critical' }),
          Notifier.pagerDuty({ serviceKey: Credential.fromFile('/var/run/pd-service-key') }),
          Notifier.email({ to: 'a@example.com', fromAddress: 'am@example.com', smarthost: 'smtp.example.com:587', authUsername: 'am', authPassword: Credential.fromSecret('smtp', 'password') }),
          Notifier.opsGenie({ apiKey: Credential.fromSecret('og', 'key'), priority: 'P2', tags: ['a', 'b'], responders: [{ responderType: OpsGenieResponderType.TEAM, name: 'ops' }] }),
        ],
      })],
    });
    const yaml = config.toYaml();
    expect(checkAlertmanagerConfig(yaml)).toEqual([]);
    const all = YAML.parse(yaml).receivers[0];
    expect(all.slack_configs[0].api_url_file).toBe('/etc/alertmanager/secrets/slack/url');
    expect(all.pagerduty_configs.map((p: any) => p.routing_key_file ?? p.service_key_file)).toEqual(['/etc/alertmanager/secrets/pd/key', '/var/run/pd-service-key']);
    expect(all.email_configs[0].auth_password_file).toBe('/etc/alertmanager/secrets/smtp/password');
    expect(all.opsgenie_configs[0]).toEqual({ api_key_file: '/etc/alertmanager/secrets/og/key', priority: 'P2', tags: 'a,b', responders: [{ name: 'ops', type: 'team' }] });
    expect(yaml).not.toMatch(/api_url:|routing_key:|auth_password:|api_key:/);
    expect(config._credentials().map((c) => c.secretName)).toEqual(['slack', 'pd', undefined, 'smtp', 'og']);
  });

  test('routes, time intervals and templates render as Alertmanager reads them; amtool accepts them', () => {
    const config = new AlertmanagerConfig({
      defaultReceiver: 'a',
      receivers: [hook('a'), hook('b')],
      templates: { 'custom.tmpl': '{{ define "custom.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}' },
      timeIntervals: [new TimeInterval({
        name: 'weekends',
        periods: [{ weekdays: [Weekday.SATURDAY, Weekday.SUNDAY], location: 'Europe/Berlin' }, { daysOfMonth: ['-3:-1'], months: ['december'], years: ['2026:2027'], times: [{ startTime: '00:00', endTime: '24:00' }] }],
      })],
      routes: [new Route({
        receiver: 'b',
        matchers: [Matcher.regex('team', 'db|web'), Matcher.notEqual('env', 'dev')],
        continueMatching: true,
        muteTimeIntervals: ['weekends'],
        groupBy: ['...'],
        groupWait: Duration.seconds(0),
        groupInterval: Duration.seconds(90),
      })],
    });
    const yaml = config.toYaml();
    checkAlertmanagerConfig(yaml, config.templates);
    const doc = YAML.parse(yaml);
    expect(doc.templates).toEqual(['custom.tmpl']);
    expect(doc.route.routes[1]).toEqual({
      receiver: 'b',
      matchers: ['team=~"db|web"', 'env!="dev"'],
      continue: true,
      group_by: ['...'],
      group_wait: '0s',
      group_interval: '1m30s',
      mute_time_intervals: ['weekends'],
    });
    expect(doc.time_intervals[0].time_intervals[0]).toEqual({ weekdays: ['saturday', 'sunday'], location: 'Europe/Berlin' });
  });

  test('a template Go cannot parse is refused by amtool (the model checks only the file name)', () => {
    const config = new AlertmanagerConfig({ defaultReceiver: 'a', receivers: [hook('a')], templates: { 'bad.tmpl': '{{ define "x" }}' } });
    expect(() => checkAlertmanagerConfig(config.toYaml(), config.templates)).toThrow(/bad.tmpl/);
  });
});

describe('matchers', () => {
  test.each([
    ['severity=critical', 'severity="critical"'],
    ['team =~ "db|web"', 'team=~"db|web"'],
    ['x=~"\\\\d+"', 'x=~"\\\\d+"'],
    ['y="a\\"b,c"', 'y="a\\"b,c"'],
    ['env!=""', 'env!=""'],
  ])('parse(%s) renders %s, which amtool routes alike', (text, rendered) => {
    expect(Matcher.parse(text).toString()).toBe(rendered);
  });

  test('the escaped values route as meant (amtool config routes test)', () => {
    const config = new AlertmanagerConfig({
      defaultReceiver: 'other',
      receivers: [hook('other'), hook('digits'), hook('quoted')],
      routes: [
        new Route({ receiver: 'digits', matchers: [Matcher.parse('x=~"\\\\d+"')] }),
        new Route({ receiver: 'quoted', matchers: [Matcher.equal('y', 'a"b,c')] }),
      ],
    });
    expect(routesTest(config.toYaml(), [
      { labels: { x: '12' }, receivers: ['digits'] },
      { labels: { x: 'ab' }, receivers: ['other'] },
      { labels: { y: 'a"b,c' }, receivers: ['quoted'] },
    ])).toEqual([['digits'], ['other'], ['quoted']]);
  });

  test.each([
    ['severity', 'must be one matcher'],
    ['a=b,c=d', 'must quote a value'],
    ['x=~"\\d+"', "must not use the escape '\\d'"],
    ['y="a"b"', 'must escape a double quote'],
    ['föo=bar', 'must be one matcher'],
    ['x=~"(?<=a)b"', 'is not valid RE2 syntax'],
  ])('parse(%s) fails: %s', (text, message) => {
    expectError(() => Matcher.parse(text), 'Matcher.parse', message);
  });

  test('amtool 0.25 refuses the unquoted double quote and the bad regex too', () => {
    expect(amtoolRefuses(minimal('  routes:\n    - matchers: [\'y=a"b\']\n'))).toMatch(/unescaped double quote|bad matcher/);
    expect(amtoolRefuses(minimal('  routes:\n    - matchers: [\'x=~"(?<=a)b"\']\n'))).toMatch(/invalid|error parsing regexp/);
  });
});

describe('checks at synthesis', () => {
  test('an unknown receiver in a route names the route, the name and the defined ones; amtool agrees', () => {
    const config = new AlertmanagerConfig({ defaultReceiver: 'a', receivers: [hook('a')], routes: [new Route({ routes: [new Route({ receiver: 'nobody' })] })] });
    expectError(() => config.toYaml(), "AlertmanagerConfig: 'routes[0].routes[0].receiver' names a receiver that is not defined (defined: a, Watchdog), got 'nobody'", 'addReceiver()');
    expect(amtoolRefuses(minimal('  routes:\n    - receiver: nobody\n'))).toContain('undefined receiver "nobody"');
  });

  test('a missing default receiver fails; amtool agrees', () => {
    expectError(() => new AlertmanagerConfig({ defaultReceiver: 'team', receivers: [hook('a')] }).toYaml(),
      "'defaultReceiver' names a receiver that is not defined (defined: a, Watchdog), got 'team'");
    expectError(() => new AlertmanagerConfig({} as any), "'defaultReceiver' must name the receiver");
    expect(amtoolRefuses('route:\n  group_by: [a]\nreceivers:\n  - name: a\n')).toContain('root route must specify a default receiver');
  });

  test('severity and watchdog receivers must be defined too', () => {
    expectError(() => new AlertmanagerConfig({ defaultReceiver: 'a', receivers: [hook('a')], criticalReceiver: 'pager', watchdogReceiver: 'dms' }).toYaml(),
      "'criticalReceiver' names a receiver that is not defined", "'watchdogReceiver' names a receiver that is not defined");
  });

  test('duplicate receiver names fail at once; amtool agrees', () => {
    expectError(() => new AlertmanagerConfig({ defaultReceiver: 'a', receivers: [hook('a'), hook('a')] }),
      "AlertmanagerConfig: 'receivers' must have unique names (Alertmanager refuses a duplicate), got 'a'");
    expect(amtoolRefuses(minimal('') + '  - name: a\n')).toContain('notification config name "a" is not unique');
  });

  test('durations: zero group or repeat interval and fractions of a millisecond fail; amtool refuses zero', () => {
    expectError(() => new Route({ groupInterval: Duration.seconds(0) }), "Route: 'groupInterval' must not be zero");
    expectError(() => new Route({ repeatInterval: Duration.millis(0.5) }), "'repeatInterval' must be a whole, non-negative number of milliseconds");
    expectError(() => new AlertmanagerConfig({ defaultReceiver: 'a', repeatInterval: Duration.seconds(0) }), "AlertmanagerConfig: 'repeatInterval' must not be zero");
    expect(amtoolRefuses(minimal('  repeat_interval: 0s\n'))).toContain('repeat_interval cannot be zero');
  });

  test('group_by: a repeated label, and ... with others, fail', () => {
    expectError(() => new Route({ groupBy: ['a', 'a'] }), "'groupBy[1]' must not repeat a label, got 'a'");
    expectError(() => new Route({ groupBy: ['...', 'a'] }), "'groupBy' must be ['...'] alone");
    expect(amtoolRefuses(minimal('  group_by: [a, a]\n'))).toContain('duplicated label');
  });

  test('an unknown time interval fails; amtool agrees', () => {
    const config = new AlertmanagerConfig({ defaultReceiver: 'a', receivers: [hook('a')], routes: [new Route({ activeTimeIntervals: ['office'] })] });
    expectError(() => config.toYaml(), "'routes[0].activeTimeIntervals[0]' names a time interval that is not defined (defined: none), got 'office'");
    expect(amtoolRefuses(minimal('  routes:\n    - active_time_intervals: [office]\n'))).toContain('undefined time interval "office"');
  });

  test.each([
    [{ times: [{ startTime: '9:00', endTime: '17:00' }] }, "'periods[0].times[0].startTime' must be a time of day HH:MM"],
    [{ times: [{ startTime: '17:00', endTime: '09:00' }] }, "'periods[0].times[0].endTime' must be after startTime 17:00"],
    [{ daysOfMonth: ['0'] }, "'periods[0].daysOfMonth[0]' must be days in 1..31 or -31..-1"],
    [{ daysOfMonth: ['-1:5'] }, 'must end on a negative day when it starts on one'],
    [{ months: ['smarch'] }, "'periods[0].months[0]' must be a month name"],
    [{ months: ['june:march'] }, 'must not end before it starts'],
    [{ years: ['2027:2026'] }, 'must not end before it starts'],
    [{ location: 'Mars/Olympus' }, "'periods[0].location' must be an IANA time zone name"],
  ])('a bad time interval %j fails', (period, message) => {
    expectError(() => new TimeInterval({ name: 'x', periods: [period] }), "TimeInterval 'x'", message);
  });

  test('amtool 0.25 refuses the same bad periods', () => {
    const with_ = (period: string) => `${minimal('')}time_intervals:\n  - name: x\n    time_intervals:\n      - ${period}\n`;
    expect(amtoolRefuses(with_('times: [{start_time: "17:00", end_time: "09:00"}]'))).toContain('start time cannot be equal or greater than end time');
    expect(amtoolRefuses(with_('days_of_month: ["-1:5"]'))).toContain('end day must be negative if start day is negative');
    expect(amtoolRefuses(with_('months: ["june:march"]'))).toContain('end month march is before start month june');
    expect(amtoolRefuses(with_('location: Mars/Olympus'))).toContain('unknown time zone');
  });

  test('notifiers: one of url and urlFile, a key for PagerDuty, host:port, secrets only as Credentials', () => {
    expectError(() => Notifier.webhook({}), "Notifier.webhook: 'url' must be given, or else 'urlFile' (exactly one of them), got 'neither'");
    expectError(() => Notifier.webhook({ url: 'ftp://x' }), "'url' must be an absolute http:// or https:// URL");
    expectError(() => Notifier.pagerDuty({}), "Notifier.pagerDuty: 'routingKey' must be given");
    expectError(() => Notifier.email({ to: 'a@b', fromAddress: 'c@d', smarthost: 'smtp.example.com' }), "'smarthost' must be host:port");
    expectError(() => Notifier.slack({ apiUrl: 'https://hooks.slack.com/x' as any }), "Notifier.slack: 'apiUrl' must be a Credential", "got '<redacted>'");
    expectError(() => Notifier.opsGenie({ apiKey: Credential.fromFile('/k'), priority: 'urgent' }), "'priority' must be P1, P2, P3, P4 or P5");
    expect(amtoolRefuses(minimal('').replace('  - name: a\n', '  - name: a\n    pagerduty_configs: [{}]\n'))).toContain('missing service or routing key in PagerDuty config');
  });

  test('an inhibit rule without matchers would mute everything, and is refused', () => {
    expectError(() => new InhibitRule({ sourceMatchers: [], targetMatchers: [Matcher.equal('a', 'b')] }),
      "InhibitRule: 'sourceMatchers' must have at least one matcher");
  });
});

describe('version gates', () => {
  const config = (notifiers: Notifier[]) => AlertmanagerConfig._create('test/am', { defaultReceiver: 'a', receivers: [new Receiver({ name: 'a', notifiers })] },
    'quay.io/prometheus/alertmanager:v0.25.0');

  test('webhook urlFile needs 0.26: refused on 0.25 with the field, the image and the source', () => {
    expectError(() => config([Notifier.webhook({ urlFile: Credential.fromSecret('hook', 'url') })]).toYaml(),
      "test/am: 'receivers[a].webhook_configs[0].url_file' needs Alertmanager 0.26.0 or newer (prometheus/alertmanager v0.26.0 config/notifiers.go)",
      "got 'image quay.io/prometheus/alertmanager:v0.25.0 (Alertmanager 0.25.0)'");
  });

  test('Teams needs 0.26, its webhookUrlFile 0.28', () => {
    expectError(() => config([Notifier.msTeams({ webhookUrl: 'https://example.webhook.office.com/x' })]).toYaml(), "'receivers[a].msteams_configs' needs Alertmanager 0.26.0");
    const on027 = AlertmanagerConfig._create('test/am', {
      defaultReceiver: 'a', receivers: [new Receiver({ name: 'a', notifiers: [Notifier.msTeams({ webhookUrlFile: Credential.fromSecret('teams', 'url') })] })],
    }, 'quay.io/prometheus/alertmanager:v0.27.0');
    expectError(() => on027.toYaml(), "'receivers[a].msteams_configs[0].webhook_url_file' needs Alertmanager 0.28.0");
  });

  test('on the default 0.28.1 both render; the copy amtool 0.25 checks has them removed, and says so', () => {
    const yaml = new AlertmanagerConfig({
      defaultReceiver: 'a',
      receivers: [new Receiver({
        name: 'a',
        notifiers: [
          Notifier.webhook({ urlFile: Credential.fromSecret('hook', 'url') }),
          Notifier.msTeams({ webhookUrlFile: Credential.fromSecret('teams', 'url'), title: 't' }),
        ],
      })],
    }).toYaml();
    expect(checkAlertmanagerConfig(yaml)).toEqual(['receivers[a].msteams_configs', 'receivers[a].webhook_configs[0].url_file']);
    const a = YAML.parse(yaml).receivers[0];
    expect(a.webhook_configs[0]).toEqual({ url_file: '/etc/alertmanager/secrets/hook/url' });
    expect(a.msteams_configs[0]).toEqual({ webhook_url_file: '/etc/alertmanager/secrets/teams/url', title: 't' });
  });
});
