import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Dashboard, DashboardPanel, DashboardRow, DashboardVariable, Grafana, GrafanaAdminCredentials, GrafanaPlugin, PrometheusStack,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const admin = () => GrafanaAdminCredentials.fromSecretName('grafana-admin');
const grafana = (options: object) => {
  const stack = new PrometheusStack(chart(), 'prom');
  return new Grafana(stack, 'Grafana', js({ prometheus: stack, adminCredentials: admin(), ...options }));
};
const W = 'test/prom/Grafana';
const dashboard = () => new Dashboard({ title: 'T', uid: 'u' });
const queries = [{ expr: 'up' }];

describe('Grafana and dashboards, as a jsii caller passes them', () => {
  badInputs([
    { name: 'no adminCredentials', run: () => grafana({ adminCredentials: undefined }), where: W, prop: 'adminCredentials', got: 'undefined', fix: 'GrafanaAdminCredentials.fromSecretName' },
    { name: 'adminCredentials as a Secret name', run: () => grafana({ adminCredentials: 'grafana-admin' }), where: W, prop: 'adminCredentials', got: "'grafana-admin'", fix: 'GrafanaAdminCredentials.fromSecretName(secretName)' },
    { name: 'Grafana without a Prometheus', run: () => new Grafana(chart(), 'g', js({ adminCredentials: admin() })), where: 'test/g', prop: 'prometheus', got: 'undefined', fix: 'Pass the PrometheusStack' },
    { name: 'a stack as a plain object', run: () => new Grafana(chart(), 'g', js({ prometheus: { namespaceName: 'x' }, adminCredentials: admin() })), where: 'test/g', prop: 'prometheus', got: '{"namespaceName":"x"}', fix: 'Pass the PrometheusStack' },
    { name: 'serviceType Public', run: () => grafana({ serviceType: 'Public' }), where: W, prop: 'serviceType', got: "'Public'", fix: 'ServiceType.CLUSTER_IP' },
    { name: 'servicePort as a string', run: () => grafana({ servicePort: '3000' }), where: W, prop: 'servicePort', got: "'3000'", fix: 'Write 3000' },
    { name: 'a plugin as its id', run: () => grafana({ plugins: ['grafana-piechart-panel'] }), where: W, prop: 'plugins[0]', got: "'grafana-piechart-panel'", fix: 'GrafanaPlugin.of(id, version)' },
    { name: 'dashboards as one dashboard', run: () => grafana({ dashboards: dashboard() }), where: W, prop: 'dashboards', got: 'an object of class Dashboard', fix: 'Wrap a single item in a list' },
    { name: 'a setting as a number', run: () => grafana({ settings: { 'users.viewers_can_edit': 1 } }), where: W, prop: 'settings.users.viewers_can_edit', got: '1', fix: "Write '1'" },
    { name: 'storage as a plain object', run: () => grafana({ storage: {} }), where: W, prop: 'storage', got: '{}', fix: 'DataStorage.emptyDir()' },
    { name: 'a cpu limit as a string', run: () => grafana({ resources: { cpu: { limit: '1' } } }), where: W, prop: 'resources.cpu.limit', got: "'1'", fix: 'Cpu.millis(250)' },
    { name: 'networkPolicy as a string', run: () => grafana({ networkPolicy: 'false' }), where: W, prop: 'networkPolicy', got: "'false'", fix: 'true or false' },
    { name: 'labels as a string', run: () => grafana({ metadata: { labels: 'team=a' } }), where: W, prop: 'metadata.labels', got: "'team=a'", fix: 'Pass an object of string values' },
    { name: 'datasourceUid as a number', run: () => grafana({ datasourceUid: 7 }), where: W, prop: 'datasourceUid', got: '7', fix: "Write '7'" },
    { name: 'a Secret object for fromSecretName', run: () => GrafanaAdminCredentials.fromSecretName(js(new kplus.Secret(chart(), 'admin'))), where: 'GrafanaAdminCredentials.fromSecretName', prop: 'secretName', got: 'test/admin (Secret)', fix: 'GrafanaAdminCredentials.fromSecret(secret)' },
    { name: 'a Secret key as a number', run: () => GrafanaAdminCredentials.fromSecretName('g', js({ userKey: 1 })), where: 'GrafanaAdminCredentials.fromSecretName', prop: 'userKey', got: '1', fix: "Write '1'" },
    { name: 'unsigned as a string', run: () => GrafanaPlugin.fromUrl('kuma-datasource', '0.1.1', 'https://x.example/p.zip', js('yes')), where: 'GrafanaPlugin.fromUrl', prop: 'unsigned', got: "'yes'", fix: 'true or false' },
    { name: 'a plugin version as a number', run: () => GrafanaPlugin.of('grafana-piechart-panel', js(1.6)), where: 'GrafanaPlugin.of', prop: 'version', got: '1.6', fix: "Write '1.6'" },
    { name: 'refresh as a string', run: () => new Dashboard(js({ title: 'T', uid: 'u', refresh: '30s' })), where: "Dashboard 'u'", prop: 'refresh', got: "'30s'", fix: 'Duration.seconds(30)' },
    { name: 'rows as one row', run: () => new Dashboard(js({ title: 'T', uid: 'u', rows: new DashboardRow({ title: 'r' }) })), where: "Dashboard 'u'", prop: 'rows', got: 'an object of class DashboardRow', fix: 'Wrap a single item in a list' },
    { name: 'tags as a string', run: () => new Dashboard(js({ title: 'T', uid: 'u', tags: 'kuma' })), where: "Dashboard 'u'", prop: 'tags', got: "'kuma'", fix: 'Wrap a single item in a list' },
    { name: 'addRow with a plain object', run: () => dashboard().addRow(js({ title: 'r' })), where: "Dashboard 'u'", prop: 'row', got: '{"title":"r"}', fix: 'new DashboardRow' },
    { name: 'a panel as a plain object', run: () => new DashboardRow(js({ title: 'r', panels: [{ title: 'p' }] })), where: "DashboardRow 'r'", prop: 'panels[0]', got: '{"title":"p"}', fix: 'DashboardPanel.timeSeries' },
    { name: 'queries as one query', run: () => DashboardPanel.timeSeries(js({ title: 'p', queries: { expr: 'up' } })), where: "Panel 'p'", prop: 'queries', got: '{"expr":"up"}', fix: 'Wrap a single item in a list' },
    { name: 'a unit as a string', run: () => DashboardPanel.stat(js({ title: 'p', queries, unit: 's' })), where: "Panel 'p'", prop: 'unit', got: "'s'", fix: 'GrafanaUnit.SECONDS' },
    { name: 'a width as a string', run: () => DashboardPanel.timeSeries(js({ title: 'p', queries, width: '12' })), where: "Panel 'p'", prop: 'width', got: "'12'", fix: 'Write 12' },
    { name: 'a panel minInterval as a string', run: () => DashboardPanel.timeSeries(js({ title: 'p', queries, minInterval: '1m' })), where: "Panel 'p'", prop: 'minInterval', got: "'1m'", fix: 'Duration.seconds(30)' },
    { name: 'a threshold value as a string', run: () => DashboardPanel.stat(js({ title: 'p', queries, thresholds: [{ color: 'red', value: '80' }] })), where: "Panel 'p'", prop: 'thresholds[0].value', got: "'80'", fix: 'Write 80' },
    { name: 'stacked as a string', run: () => DashboardPanel.timeSeries(js({ title: 'p', queries, stacked: 'yes' })), where: 'DashboardPanel.timeSeries', prop: 'stacked', got: "'yes'", fix: 'true or false' },
    { name: 'a variable label as a number', run: () => DashboardVariable.labelValues(js({ name: 'ns', label: 5 })), where: 'DashboardVariable.labelValues', prop: 'label', got: '5', fix: "Write '5'" },
    { name: 'addVariable with a plain object', run: () => dashboard().addVariable(js({ name: 'ns' })), where: "Dashboard 'u'", prop: 'variable', got: '{"name":"ns"}', fix: 'DashboardVariable.labelValues' },
    { name: 'toJson with a number', run: () => dashboard().toJson(js(5)), where: "Dashboard 'u'", prop: 'datasourceUid', got: '5', fix: "Write '5'" },
  ]);

  test('a Grafana from plain values that are right gives valid output', () => {
    const c = chart();
    const stack = new PrometheusStack(c, 'prom');
    new Grafana(stack, 'Grafana', js({ prometheus: stack, adminCredentials: admin(), serviceType: 'NodePort', settings: { 'users.viewers_can_edit': 'true' } }));
    const service = synthAndCheck(c).objects.find((o) => o.kind === 'Service' && o.metadata.name.includes('grafana'));
    expect(service.spec.type).toBe('NodePort');
  });
});
