import { App, Chart, Duration } from 'cdk8s';
import {
  Alertmanager, Credential, Matcher, Notifier, PrometheusStack, Receiver, Route, TimeInterval, WeaveMonitoring, Weekday,
} from 'cdk8s-prometheus-monitoring';

// The Weave Net alerts reach people: critical ones page, warnings go to Slack, and the
// always-firing Watchdog proves the path to a dead man's switch. Two Alertmanagers share
// silences and send each notification once.
const app = new App();
const chart = new Chart(app, 'alertmanager');

const stack = new PrometheusStack(chart, 'prometheus', {
  metadata: { namespace: 'monitoring' },
  createNamespace: true,
});
new WeaveMonitoring(chart, 'weave', { stack });

// Warnings and everything without a severity go to Slack, critical alerts page, and the
// Watchdog pings a dead man's switch. The Slack URL stays in the Secret `slack`
// (kubectl -n monitoring create secret generic slack --from-literal=url=https://hooks.slack.com/...).
const alertmanager = new Alertmanager(chart, 'alertmanager', {
  stack,
  defaultReceiver: 'slack',
  criticalReceiver: 'pager',
  watchdogReceiver: 'deadmansswitch',
  receivers: [new Receiver({
    name: 'slack',
    notifiers: [Notifier.slack({ apiUrl: Credential.fromSecret('slack', 'url'), channel: '#alerts', sendResolved: true })],
  })],
});
alertmanager.config.addReceiver(new Receiver({
  name: 'pager',
  notifiers: [Notifier.pagerDuty({ routingKey: Credential.fromSecret('pagerduty', 'routing-key') })],
}));
alertmanager.config.addReceiver(new Receiver({
  name: 'deadmansswitch',
  notifiers: [Notifier.webhook({ url: 'https://deadmansswitch.example.com/ping/weave' })],
}));

// The network team hears about the Weave warnings, in office hours only.
alertmanager.config.addReceiver(new Receiver({
  name: 'network-team',
  notifiers: [Notifier.email({
    to: 'network@example.com',
    fromAddress: 'alertmanager@example.com',
    smarthost: 'smtp.example.com:587',
    authUsername: 'alertmanager',
    authPassword: Credential.fromSecret('smtp', 'password'),
  })],
}));
alertmanager.config.addTimeInterval(new TimeInterval({
  name: 'office-hours',
  periods: [{ weekdays: [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY], times: [{ startTime: '08:00', endTime: '18:00' }] }],
}));
alertmanager.config.addRoute(new Route({
  receiver: 'network-team',
  matchers: [Matcher.parse('alertname=~"WeaveNet.*"'), Matcher.equal('severity', 'warning')],
  activeTimeIntervals: ['office-hours'],
  groupBy: ['alertname', 'instance'],
  repeatInterval: Duration.hours(4),
}));

app.synth();
