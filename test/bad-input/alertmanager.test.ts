import { Chart, Testing } from 'cdk8s';
import {
  Alertmanager, AlertmanagerConfig, Credential, InhibitRule, Matcher, Notifier, PrometheusStack, Receiver, Route, TimeInterval,
} from '../../src';
import { checkAlertmanagerConfig } from '../harness';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const am = (props: object) => {
  const c = chart();
  return new Alertmanager(c, 'am', js({ stack: new PrometheusStack(c, 'prom'), defaultReceiver: 'team', receivers: [new Receiver({ name: 'team' })], ...props }));
};
const W = 'test/am';
const config = () => new AlertmanagerConfig({ defaultReceiver: 'team', receivers: [new Receiver({ name: 'team' })] });
const hook = () => Notifier.webhook({ urlFile: Credential.fromSecret('hooks', 'url') });
const m = () => Matcher.equal('severity', 'critical');

describe('the alertmanager family, as a jsii caller passes it', () => {
  badInputs([
    { name: 'no stack', run: () => new Alertmanager(chart(), 'am', js({ defaultReceiver: 'team' })), where: W, prop: 'stack', got: 'undefined', fix: 'Pass the PrometheusStack object' },
    { name: 'a stack as a plain object', run: () => new Alertmanager(chart(), 'am', js({ stack: {}, defaultReceiver: 'team' })), where: W, prop: 'stack', got: '{}', fix: 'Pass the PrometheusStack object' },
    { name: 'a cpu request as a string', run: () => am({ resources: { cpu: { request: '100m' } } }), where: W, prop: 'resources.cpu.request', got: "'100m'", fix: 'Cpu.millis(250)' },
    { name: 'storageSize as a string', run: () => am({ storageSize: '1Gi' }), where: W, prop: 'storageSize', got: "'1Gi'", fix: 'Size.gibibytes(10)' },
    { name: 'retention as a string', run: () => am({ retention: '120h' }), where: W, prop: 'retention', got: "'120h'", fix: 'Duration.seconds(30)' },
    { name: 'replicas as a string', run: () => am({ replicas: '2' }), where: W, prop: 'replicas', got: "'2'", fix: 'Write 2' },
    { name: 'persistentStorage as a string', run: () => am({ persistentStorage: 'yes' }), where: W, prop: 'persistentStorage', got: "'yes'", fix: 'true or false' },
    { name: 'receivers as one receiver', run: () => am({ receivers: new Receiver({ name: 'team' }) }), where: W, prop: 'receivers', got: 'an object of class Receiver', fix: 'Wrap a single item in a list' },
    { name: 'a receiver as a plain object', run: () => am({ receivers: [{ name: 'team' }] }), where: W, prop: 'receivers', got: '{"name":"team"}', fix: 'new Receiver({ name, notifiers })' },
    { name: 'a route as a plain object', run: () => am({ routes: [{ receiver: 'team' }] }), where: W, prop: 'routes[0]', got: '{"receiver":"team"}', fix: 'new Route' },
    { name: 'a template as a number', run: () => am({ templates: { 'a.tmpl': 5 } }), where: W, prop: 'templates.a.tmpl', got: '5', fix: "Write '5'" },
    { name: 'notifiers as one notifier', run: () => new Receiver(js({ name: 'team', notifiers: hook() })), where: "Receiver 'team'", prop: 'notifiers', got: 'an object of class Notifier', fix: 'Wrap a single item in a list' },
    { name: 'a notifier as a plain object', run: () => new Receiver(js({ name: 'team', notifiers: [{ url: 'https://x.example' }] })), where: "Receiver 'team'", prop: 'notifiers[0]', got: '{"url":"https://x.example"}', fix: 'Notifier.webhook' },
    { name: 'sendResolved as a string', run: () => Notifier.webhook(js({ urlFile: Credential.fromSecret('hooks', 'url'), sendResolved: 'yes' })), where: 'Notifier.webhook', prop: 'sendResolved', got: "'yes'", fix: 'true or false' },
    { name: 'a Slack URL as a literal', run: () => Notifier.slack(js({ apiUrl: 'https://hooks.slack.com/services/x' })), where: 'Notifier.slack', prop: 'apiUrl', got: "'<redacted>'", fix: 'Credential.fromSecret(secretName, key)' },
    { name: 'a smarthost as a number', run: () => Notifier.email(js({ to: 'a@b.example', fromAddress: 'am@b.example', smarthost: 25 })), where: 'Notifier.email', prop: 'smarthost', got: '25', fix: "Write '25'" },
    { name: 'OpsGenie tags as a string', run: () => Notifier.opsGenie(js({ apiKey: Credential.fromSecret('og', 'key'), tags: 'db' })), where: 'Notifier.opsGenie', prop: 'tags', got: "'db'", fix: 'Wrap a single item in a list' },
    { name: 'an unknown responder type', run: () => Notifier.opsGenie(js({ apiKey: Credential.fromSecret('og', 'key'), responders: [{ responderType: 'squad', name: 'db' }] })), where: 'Notifier.opsGenie', prop: 'responders[0].responderType', got: "'squad'", fix: 'OpsGenieResponderType.TEAM' },
    { name: 'route matchers as one matcher', run: () => new Route(js({ matchers: m() })), where: 'Route', prop: 'matchers', got: 'an object of class Matcher', fix: 'Wrap a single item in a list' },
    { name: 'groupWait as a string', run: () => new Route(js({ groupWait: '30s' })), where: 'Route', prop: 'groupWait', got: "'30s'", fix: 'Duration.seconds(30)' },
    { name: 'continueMatching as a string', run: () => new Route(js({ continueMatching: 'yes' })), where: 'Route', prop: 'continueMatching', got: "'yes'", fix: 'true or false' },
    { name: 'periods as one period', run: () => new TimeInterval(js({ name: 'nights', periods: { weekdays: ['monday'] } })), where: "TimeInterval 'nights'", prop: 'periods', got: '{"weekdays":["monday"]}', fix: 'Wrap a single item in a list' },
    { name: 'a weekday in another language', run: () => new TimeInterval(js({ name: 'nights', periods: [{ weekdays: ['lundi'] }] })), where: "TimeInterval 'nights'", prop: 'periods[0].weekdays[0]', got: "'lundi'", fix: 'Weekday.MONDAY' },
    { name: 'equal as a string', run: () => new InhibitRule(js({ sourceMatchers: [m()], targetMatchers: [m()], equal: 'alertname' })), where: 'InhibitRule', prop: 'equal', got: "'alertname'", fix: 'Wrap a single item in a list' },
    { name: 'addInhibitRule with a plain object', run: () => config().addInhibitRule(js({ sourceMatchers: [] })), where: 'AlertmanagerConfig', prop: 'inhibitRules', got: '{"sourceMatchers":[]}', fix: 'new InhibitRule' },
    { name: 'addTimeInterval with a plain object', run: () => config().addTimeInterval(js({ name: 'nights' })), where: 'AlertmanagerConfig', prop: 'timeIntervals', got: '{"name":"nights"}', fix: 'new TimeInterval' },
    { name: 'a matcher label as a number', run: () => Matcher.equal(js(5), 'x'), where: 'Matcher.equal', prop: 'label', got: '5', fix: "Write '5'" },
    { name: 'resolveTimeout as a string', run: () => new AlertmanagerConfig(js({ defaultReceiver: 'team', resolveTimeout: '5m' })), where: 'AlertmanagerConfig', prop: 'resolveTimeout', got: "'5m'", fix: 'Duration.seconds(30)' },
  ]);

  test('a configuration written with wire strings passes amtool', () => {
    const c = new AlertmanagerConfig(js({
      defaultReceiver: 'team',
      receivers: [new Receiver({ name: 'team', notifiers: [Notifier.opsGenie(js({ apiKey: Credential.fromSecret('og', 'key'), responders: [{ responderType: 'team', name: 'db' }] }))] })],
      timeIntervals: [new TimeInterval(js({ name: 'weekends', periods: [{ weekdays: ['saturday', 'sunday'] }] }))],
    }));
    const yaml = c.toYaml();
    expect(yaml).toContain('type: team');
    checkAlertmanagerConfig(yaml);
  });
});
