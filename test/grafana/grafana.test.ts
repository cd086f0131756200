import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import {
  Dashboard, DashboardPanel, DashboardRow, Grafana, GrafanaAdminCredentials, GrafanaOptions, GrafanaPlugin, IntegrationConfig, IPrometheusIntegration,
  NetworkPeer, PodExtension,
  DataStorage, PrometheusStack, PrometheusStackProps, RemoteWrite, ScrapeJob, ServiceDiscovery, WeaveMonitoring,
} from '../../src';
import { findObject, findObjects } from '../harness';
import { expectError, jobNamed, newChart, onlyConfig, synthAndCheck, warningsBesidesWebAuth } from '../util';

const PATH = 'test/prometheus/Grafana';
const DASHBOARD_LABEL = 'cdk8s-prometheus-monitoring/dashboard';

interface Built {
  readonly chart: Chart;
  readonly stack: PrometheusStack;
  readonly grafana: Grafana;
}

/** The admin credentials of every test: a Secret made outside the app. */
const adminOf = () => GrafanaAdminCredentials.fromSecretName('grafana-admin');

/** A stack and its Grafana, as the README shows. */
function build(options: Partial<GrafanaOptions> = {}, stackProps: PrometheusStackProps = {}, chart = newChart()): Built {
  const stack = new PrometheusStack(chart, 'prometheus', stackProps);
  const grafana = new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: adminOf(), ...options });
  return { chart, stack, grafana };
}

const dashboard = (uid: string, title = uid) => new Dashboard({
  uid, title, rows: [new DashboardRow({ title: 'Targets', panels: [DashboardPanel.stat({ title: 'Up', queries: [{ expr: 'sum(up)' }] })] })],
});

const grafanaDeployment = (objects: any[]) => findObject(objects, 'Deployment', /grafana/);
const podSpec = (objects: any[]) => grafanaDeployment(objects).spec.template.spec;
const container = (objects: any[]) => podSpec(objects).containers[0];
const envOf = (objects: any[]): Array<{ name: string; value?: string; valueFrom?: any }> => container(objects).env;
const envValue = (objects: any[], name: string) => {
  const found = envOf(objects).filter((e) => e.name === name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
};
const envValueOf = (chart: Chart, name: string) => envValue(Testing.synth(chart), name);
const provisioningConfigMap = (objects: any[]) => findObject(objects, 'ConfigMap', /grafana-provisioning/);
const datasources = (objects: any[]) => YAML.parse(provisioningConfigMap(objects).data['datasources.yaml']);
const providers = (objects: any[]) => YAML.parse(provisioningConfigMap(objects).data['dashboards.yaml']);
const dashboardConfigMaps = (objects: any[]) => findObjects(objects, 'ConfigMap').filter((cm) => cm.metadata.labels?.[DASHBOARD_LABEL] === '1');
const dashboardJsons = (objects: any[]) => dashboardConfigMaps(objects).map((cm) => JSON.parse(cm.data['dashboard.json']));
const volume = (objects: any[], name: string) => {
  const found = podSpec(objects).volumes.filter((v: any) => v.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};
const mountPath = (objects: any[], name: string) => {
  const found = container(objects).volumeMounts.filter((m: any) => m.name === name);
  expect(found).toHaveLength(1);
  return found[0].mountPath;
};
const stackPolicy = (objects: any[]) => findObject(objects, 'NetworkPolicy', /^test-prometheus-networkpolicy-/);
const grafanaPolicies = (objects: any[]) => findObjects(objects, 'NetworkPolicy', /grafana/);

describe('zero config', () => {
  test('adds a ServiceAccount, provisioning and dashboard ConfigMaps, a Deployment, a Service and a NetworkPolicy, all valid', () => {
    const { chart, stack, grafana } = build();
    const { objects } = synthAndCheck(chart);
    const ours = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'grafana');
    expect(ours.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    for (const o of ours) expect(o.metadata.namespace).toBe('default');
    expect(stack.clients.map((c) => c.name)).toEqual([grafana.node.path]);
    const service = findObject(objects, 'Service', /grafana/);
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: grafana.selectorLabels,
      ports: [{ name: 'http', protocol: 'TCP', port: 3000, targetPort: 'http' }],
    });
    expect(grafana.url).toBe(`http://${service.metadata.name}.default.svc:3000`);
    expect(grafana.serviceName).toBe(service.metadata.name);
  });

  test('runs a pinned Grafana image with the admin credentials from the Secret, never as literals', () => {
    const { objects } = synthAndCheck(build().chart);
    expect(container(objects).image).toBe('docker.io/grafana/grafana:12.3.0');
    const env = envOf(objects);
    expect(env.filter((e) => e.name.startsWith('GF_SECURITY_ADMIN_'))).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } },
    ]);
    for (const e of env.filter((x) => x.name.startsWith('GF_SECURITY_ADMIN_'))) expect(e).not.toHaveProperty('value');
    expect(env.map((e) => e.name)).not.toContain('GF_SECURITY_ADMIN_PASSWORD__FILE');
  });

  test('sets no environment variable twice', () => {
    const names = envOf(synthAndCheck(build({ anonymousAccess: true, settings: { 'server.root_url': 'https://g.example.com/' } }).chart).objects)
      .map((e) => e.name);
    expect(names).toEqual([...new Set(names)]);
  });

  test('logs to the console and does not call home', () => {
    const { objects } = synthAndCheck(build().chart);
    expect(envValue(objects, 'GF_LOG_MODE')).toBe('console');
    expect(envValue(objects, 'GF_ANALYTICS_REPORTING_ENABLED')).toBe('false');
    expect(envValue(objects, 'GF_ANALYTICS_CHECK_FOR_UPDATES')).toBe('false');
    expect(envValue(objects, 'GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES')).toBe('false');
  });

  test('probes /api/health on the http port', () => {
    const c = container(synthAndCheck(build().chart).objects);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect(probe.httpGet).toEqual({ path: '/api/health', port: 'http' });
    }
  });

  test('meets the restricted Pod Security Standard as Grafana\'s user 472, with a read-only root filesystem', () => {
    const { objects } = synthAndCheck(build().chart);
    expect(podSpec(objects).securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(objects).securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    // With a read-only root, everything Grafana writes must be a volume.
    expect(mountPath(objects, 'data')).toBe(envValue(objects, 'GF_PATHS_DATA'));
    expect(mountPath(objects, 'tmp')).toBe('/tmp');
    expect(volume(objects, 'data')).toEqual({ name: 'data', emptyDir: {} });
  });

  test('does not mount an API token unless asked', () => {
    expect(podSpec(synthAndCheck(build().chart).objects).automountServiceAccountToken).toBe(false);
    const { chart, grafana } = build();
    grafana.mountServiceAccountToken();
    expect(podSpec(synthAndCheck(chart).objects).automountServiceAccountToken).toBe(true);
  });

  test('has default resources', () => {
    expect(container(synthAndCheck(build().chart).objects).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' },
    });
  });
});

describe('provisioning', () => {
  test('provisions the stack as the default Prometheus datasource, with the fields Grafana requires', () => {
    const { chart, stack } = build();
    const { objects } = synthAndCheck(chart);
    expect(datasources(objects)).toEqual({
      apiVersion: 1,
      datasources: [{
        name: 'Prometheus',
        type: 'prometheus',
        uid: 'prometheus',
        access: 'proxy',
        url: stack.url,
        isDefault: true,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: '15s', prometheusType: 'Prometheus', prometheusVersion: '3.5.0' },
      }],
    });
  });

  test('tells Grafana the stack\'s scrape interval and Prometheus version', () => {
    const { objects } = synthAndCheck(build({}, { scrapeInterval: Duration.seconds(30), image: 'quay.io/prometheus/prometheus:v3.4.2' }).chart);
    expect(datasources(objects).datasources[0].jsonData).toMatchObject({ timeInterval: '30s', prometheusVersion: '3.4.2' });
  });

  test('provides the dashboards from the directory where the Deployment mounts them', () => {
    const { objects } = synthAndCheck(build().chart);
    const file = providers(objects);
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toHaveLength(1);
    const provider = file.providers[0];
    expect(provider).toMatchObject({ name: 'cdk8s-prometheus-monitoring', type: 'file', folder: 'Prometheus monitoring', allowUiUpdates: false });
    expect(provider.options.path).toBe(mountPath(objects, 'dashboards'));
  });

  test('mounts the provisioning files where GF_PATHS_PROVISIONING points, in Grafana\'s subdirectories', () => {
    const { objects } = synthAndCheck(build().chart);
    // Each subdirectory on its own, so the image's other provisioning directories stay.
    const dir = envValue(objects, 'GF_PATHS_PROVISIONING');
    expect(container(objects).volumeMounts.filter((m: any) => m.name === 'provisioning')).toEqual([
      { name: 'provisioning', mountPath: `${dir}/datasources`, subPath: 'datasources', readOnly: true },
      { name: 'provisioning', mountPath: `${dir}/dashboards`, subPath: 'dashboards', readOnly: true },
    ]);
    expect(volume(objects, 'provisioning').configMap).toEqual({
      name: provisioningConfigMap(objects).metadata.name,
      items: [
        { key: 'datasources.yaml', path: 'datasources/datasources.yaml' },
        { key: 'dashboards.yaml', path: 'dashboards/dashboards.yaml' },
      ],
    });
  });

  test('puts the dashboards in the folder given', () => {
    const { objects } = synthAndCheck(build({ dashboardFolder: 'Platform' }).chart);
    expect(providers(objects).providers[0].folder).toBe('Platform');
  });

  test('projects every dashboard ConfigMap, and nothing else, into the dashboards volume', () => {
    const { chart, stack } = build({ dashboards: [dashboard('team-a'), dashboard('team-b')] });
    new WeaveMonitoring(chart, 'weave', { stack });
    const { objects } = synthAndCheck(chart);
    const names = dashboardConfigMaps(objects).map((cm) => cm.metadata.name).sort();
    expect(names).toHaveLength(4); // the stack's, Weave Net's and the two given
    const sources = volume(objects, 'dashboards').projected.sources;
    expect(sources.map((s: any) => s.configMap.name).sort()).toEqual(names);
    const paths = sources.map((s: any) => s.configMap.items[0].path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const s of sources) expect(s.configMap.items).toEqual([{ key: 'dashboard.json', path: `${s.configMap.name}.json` }]);
  });

  test('writes each dashboard as JSON whose panels read the provisioned datasource', () => {
    const { chart, stack } = build({ datasourceUid: 'prom-main', dashboards: [dashboard('team-a')] });
    new WeaveMonitoring(chart, 'weave', { stack });
    const { objects } = synthAndCheck(chart);
    expect(datasources(objects).datasources[0].uid).toBe('prom-main');
    const jsons = dashboardJsons(objects);
    expect(jsons.map((j) => j.uid)).toContain('team-a');
    for (const json of jsons) {
      const panels = json.panels.filter((p: any) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(0);
      for (const p of panels) {
        expect(p.datasource).toEqual({ type: 'prometheus', uid: 'prom-main' });
        for (const t of p.targets) expect(t.datasource).toEqual({ type: 'prometheus', uid: 'prom-main' });
      }
      for (const v of json.templating.list) expect(v.datasource).toEqual({ type: 'prometheus', uid: 'prom-main' });
    }
  });

  test('gives every dashboard a uid that is the same in two independent synths', () => {
    const synthOnce = () => {
      const { chart, stack } = build({ dashboards: [dashboard('team-a')] });
      new WeaveMonitoring(chart, 'weave', { stack });
      return Object.fromEntries(dashboardConfigMaps(synthAndCheck(chart).objects)
        .map((cm) => [cm.metadata.name, JSON.parse(cm.data['dashboard.json']).uid]));
    };
    const first = synthOnce();
    expect(Object.keys(first)).toHaveLength(3);
    expect(synthOnce()).toEqual(first);
    const uids = Object.values(first);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
  });

  test('lists the provisioned dashboards, the stack\'s included', () => {
    const { grafana } = build({ dashboards: [dashboard('team-a')] });
    const uids = grafana.dashboards.map((d) => d.uid);
    expect(uids).toContain('team-a');
    expect(uids).toHaveLength(2);
  });

  test('provisions an integration\'s dashboard added after Grafana', () => {
    const { chart, stack, grafana } = build();
    expect(grafana.dashboards).toHaveLength(1);
    new WeaveMonitoring(chart, 'weave', { stack });
    expect(grafana.dashboards).toHaveLength(2);
    expect(dashboardConfigMaps(synthAndCheck(chart).objects)).toHaveLength(2);
  });

  test('with integrationDashboards false, provisions only the dashboards given', () => {
    const { chart, stack, grafana } = build({ integrationDashboards: false, dashboards: [dashboard('team-a')] });
    new WeaveMonitoring(chart, 'weave', { stack });
    grafana.addDashboard(dashboard('team-b'));
    const { objects } = synthAndCheck(chart);
    expect(dashboardJsons(objects).map((j) => j.uid).sort()).toEqual(['team-a', 'team-b']);
    expect(grafana.dashboards.map((d) => d.uid)).toEqual(['team-a', 'team-b']);
    expect(volume(objects, 'dashboards').projected.sources).toHaveLength(2);
  });

  test('provisions a dashboard whose uid is the name of an integration\'s dashboard', () => {
    // The stack's own dashboard is registered as 'prometheus'; a user's uid must not clash with that.
    const { chart, grafana } = build();
    grafana.addDashboard(dashboard('prometheus'));
    const uids = dashboardJsons(synthAndCheck(chart).objects).map((j) => j.uid);
    expect(uids).toContain('prometheus');
    expect(uids).toHaveLength(2);
  });

  test('rolls the pods when the provisioning files change, and only then', () => {
    const checksum = (options: Partial<GrafanaOptions>, stackProps: PrometheusStackProps = {}) =>
      grafanaDeployment(synthAndCheck(build(options, stackProps).chart).objects).spec.template.metadata.annotations['checksum/provisioning'];
    const base = checksum({});
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({})).toBe(base);
    expect(checksum({ datasourceUid: 'other' })).not.toBe(base);
    expect(checksum({}, { servicePort: 9091 })).not.toBe(base);
    expect(checksum({}, { scrapeInterval: Duration.seconds(30) })).not.toBe(base);
    expect(checksum({ dashboardFolder: 'Platform' })).not.toBe(base);
  });
});

describe('options', () => {
  test('places Grafana in its own namespace with extra labels and annotations', () => {
    const { chart } = build({ metadata: { namespace: 'grafana', labels: { team: 'sre' }, annotations: { owner: 'sre' } } });
    const { objects } = synthAndCheck(chart);
    const ours = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'grafana');
    expect(ours.length).toBeGreaterThanOrEqual(6);
    for (const o of ours) {
      expect(o.metadata.namespace).toBe('grafana');
      expect(o.metadata.labels.team).toBe('sre');
      expect(o.metadata.annotations).toEqual({ owner: 'sre' });
    }
  });

  test('takes the admin user and password from the keys given', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    new Grafana(stack, 'Grafana', {
      prometheus: stack,
      adminCredentials: GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(chart, 'A', 'ops-grafana'), { userKey: 'user', passwordKey: 'pass' }),
    });
    expect(envOf(synthAndCheck(chart).objects).slice(0, 2)).toEqual([
      { name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'ops-grafana', key: 'user' } } },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'ops-grafana', key: 'pass' } } },
    ]);
  });

  test('anonymousAccess lets visitors view as Viewer', () => {
    const { objects } = synthAndCheck(build({ anonymousAccess: true }).chart);
    expect(envValue(objects, 'GF_AUTH_ANONYMOUS_ENABLED')).toBe('true');
    expect(envValue(objects, 'GF_AUTH_ANONYMOUS_ORG_ROLE')).toBe('Viewer');
    const closed = synthAndCheck(build().chart).objects;
    expect(envOf(closed).map((e) => e.name).filter((n) => n.startsWith('GF_AUTH_ANONYMOUS'))).toEqual([]);
  });

  test('plugins are installed at start as id@version, or id@version@url; without plugins, none is downloaded', () => {
    const kumaUrl = 'https://github.com/kumahq/kuma-grafana-datasource/releases/download/v0.1.1/kumahq-kuma-datasource-0.1.1.zip';
    const { objects } = synthAndCheck(build({
      plugins: [GrafanaPlugin.of('grafana-clock-panel', '2.1.8'), GrafanaPlugin.fromUrl('kumahq-kuma-datasource', '0.1.1', kumaUrl, true)],
    }).chart);
    expect(envValue(objects, 'GF_PLUGINS_PREINSTALL_SYNC')).toBe(`grafana-clock-panel@2.1.8,kumahq-kuma-datasource@0.1.1@${kumaUrl}`);
    expect(envValue(objects, 'GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS')).toBe('kumahq-kuma-datasource');
    expect(envValue(objects, 'GF_PLUGINS_PREINSTALL_DISABLED')).toBeUndefined();
    const none = envOf(synthAndCheck(build().chart).objects);
    expect(none.map((e) => e.name)).not.toContain('GF_PLUGINS_PREINSTALL_SYNC');
    expect(none.find((e) => e.name === 'GF_PLUGINS_PREINSTALL_DISABLED')?.value).toBe('true');
    expect(() => GrafanaPlugin.fromUrl('x-panel', '1.0.0', 'http://example.com/x.zip'))
      .toThrow('GrafanaPlugin.fromUrl: \'url\' must be an https:// URL of a .zip archive, without \'@\' or \',\', got \'http://example.com/x.zip\'');
    expect(GrafanaPlugin.of('my-plugin', '1.0.0-beta.1').version).toBe('1.0.0-beta.1');
  });

  test('settings become GF_SECTION_OPTION variables', () => {
    const { objects } = synthAndCheck(build({
      settings: {
        'server.root_url': 'https://grafana.example.com/',
        'auth.generic_oauth.enabled': 'true',
        'auth.generic_oauth.client_secret': '$__file{/etc/secrets/oauth/client-secret}',
        'database.password': '$__env{DB_PASSWORD}',
      },
    }).chart);
    expect(envValue(objects, 'GF_SERVER_ROOT_URL')).toBe('https://grafana.example.com/');
    expect(envValue(objects, 'GF_AUTH_GENERIC_OAUTH_ENABLED')).toBe('true');
    expect(envValue(objects, 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET')).toBe('$__file{/etc/secrets/oauth/client-secret}');
    expect(envValue(objects, 'GF_DATABASE_PASSWORD')).toBe('$__env{DB_PASSWORD}');
  });

  test('a PersistentVolumeClaim keeps the database, one pod at a time', () => {
    const { objects } = synthAndCheck(build({ storage: DataStorage.persistentVolumeClaim({ size: Size.gibibytes(2), storageClassName: 'fast' }) }).chart);
    const pvc = findObject(objects, 'PersistentVolumeClaim', /grafana/);
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } });
    expect(grafanaDeployment(objects).spec.strategy).toEqual({ type: 'Recreate' });
    expect(volume(objects, 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: pvc.metadata.name } });
    expect(podSpec(objects).securityContext.fsGroupChangePolicy).toBe('OnRootMismatch');
  });

  test('an existing claim is used as is; an emptyDir gets its size limit', () => {
    const existing = synthAndCheck(build({ storage: DataStorage.existingClaim('grafana-data') }).chart).objects;
    expect(findObjects(existing, 'PersistentVolumeClaim')).toEqual([]);
    expect(volume(existing, 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } });
    expect(grafanaDeployment(existing).spec.strategy).toEqual({ type: 'Recreate' });
    const scratch = synthAndCheck(build({ storage: DataStorage.emptyDir({ sizeLimit: Size.gibibytes(1) }) }).chart).objects;
    expect(volume(scratch, 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
    expect(grafanaDeployment(scratch).spec.strategy).toBeUndefined();
  });

  test('a NodePort Service publishes Grafana, and its NetworkPolicy then admits every source', () => {
    const { grafana, chart } = build({ serviceType: kplus.ServiceType.NODE_PORT, nodePort: 30300, servicePort: 80 });
    const { objects } = synthAndCheck(chart);
    const service = findObject(objects, 'Service', /grafana/);
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30300 }]);
    expect(grafana.url).toBe(`http://${service.metadata.name}.default.svc:80`);
    expect(grafanaPolicies(objects).map((p) => p.spec.ingress)).toEqual([[{ ports: [{ port: 3000, protocol: 'TCP' }] }]]);
  });

  test('Grafana\'s NetworkPolicy admits its namespace by default, or allowFrom, and the Prometheus that scrapes it', () => {
    const built = build();
    const closed = synthAndCheck(built.chart).objects;
    const prometheusPods = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': built.stack.namespaceName } },
      podSelector: { matchLabels: built.stack.selectorLabels },
    };
    const policy = grafanaPolicies(closed);
    expect(policy).toHaveLength(1);
    expect(policy[0].spec).toEqual({
      podSelector: { matchLabels: grafanaDeployment(closed).spec.selector.matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }, prometheusPods], ports: [{ port: 3000, protocol: 'TCP' }] }],
      // Name lookups, and the Prometheus pods' web port (test/stack/egress.test.ts tests the rest).
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
        },
        { to: [prometheusPods], ports: [{ port: 9090, protocol: 'TCP' }] },
      ],
    });
    const chart = newChart();
    const ingress = kplus.Pods.select(chart, 'Ingress', { labels: { app: 'ingress-nginx' }, namespaces: kplus.Namespaces.select(chart, 'IngressNs', { names: ['ingress'] }) });
    build({ allowFrom: [NetworkPeer.fromPods(ingress)], scrapeMetrics: false }, {}, chart);
    expect(grafanaPolicies(synthAndCheck(chart).objects)[0].spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { app: 'ingress-nginx' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }],
      ports: [{ port: 3000, protocol: 'TCP' }],
    }]);
    expect(grafanaPolicies(synthAndCheck(build({ networkPolicy: false }).chart).objects)).toEqual([]);
  });

  test('the stack scrapes Grafana through its Service, unless scrapeMetrics is false', () => {
    const { chart, grafana } = build({ metadata: { namespace: 'grafana' } }, { metadata: { namespace: 'monitoring' } });
    expect(jobNamed(onlyConfig(synthAndCheck(chart)), 'grafana').static_configs)
      .toEqual([{ targets: [`${grafana.serviceName}.grafana.svc:3000`] }]);
    expect(onlyConfig(synthAndCheck(build({ scrapeMetrics: false }).chart)).scrape_configs.map((j: any) => j.job_name)).toEqual(['prometheus']);
    const taken = newChart();
    const stack = new PrometheusStack(taken, 'prometheus');
    stack.addScrapeJob(new ScrapeJob({ jobName: 'grafana', discovery: [ServiceDiscovery.staticTargets({ targets: ['grafana.example.com:3000'] })] }));
    expectError(() => new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: adminOf() }),
      'test/prometheus/Grafana: \'scrapeMetrics\' adds the job \'grafana\', which the stack \'test/prometheus\' already has, got true. Rename the stack\'s job \'grafana\', or set scrapeMetrics: false');
  });

  test('the stack\'s NetworkPolicy admits the Grafana pods when it has allowFrom', () => {
    const chart = newChart();
    const clients = kplus.Pods.select(chart, 'Clients', { labels: { app: 'client' } });
    const { grafana } = build({ metadata: { namespace: 'grafana' } }, { allowFrom: [NetworkPeer.fromPods(clients)] }, chart);
    const { objects } = synthAndCheck(chart);
    const from = stackPolicy(objects).spec.ingress[0].from;
    expect(from).toEqual([
      { podSelector: { matchLabels: { app: 'client' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } }, podSelector: { matchLabels: grafana.selectorLabels } },
    ]);
    // The peer selects the Grafana pods as they are labelled.
    const podLabels = grafanaDeployment(objects).spec.template.metadata.labels;
    for (const [k, v] of Object.entries(from[1].podSelector.matchLabels)) expect(podLabels[k]).toBe(v);
    expect(grafanaDeployment(objects).metadata.namespace).toBe('grafana');
  });

  test('the stack\'s NetworkPolicy admits the Grafana pods of another namespace when its Service is ClusterIP', () => {
    const { chart, grafana } = build({ metadata: { namespace: 'grafana' } }, { serviceType: kplus.ServiceType.CLUSTER_IP });
    const from = stackPolicy(synthAndCheck(chart).objects).spec.ingress[0].from;
    expect(from).toEqual([
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } }, podSelector: { matchLabels: grafana.selectorLabels } },
    ]);
  });

  test('the stack\'s published NetworkPolicy keeps admitting every source', () => {
    const { objects } = synthAndCheck(build().chart);
    expect(stackPolicy(objects).spec.ingress).toEqual([{ ports: [{ port: 9090, protocol: 'TCP' }] }]);
  });

});

describe('an integration that extends the pods of the stack\'s clients', () => {
  test('gives Grafana labels, annotations, the token and egress, and may not give it containers', () => {
    const chart = newChart();
    const stack = new PrometheusStack(chart, 'prometheus');
    class Mesh extends Construct implements IPrometheusIntegration {
      constructor(scope: Construct, id: string, private readonly pods: PodExtension) {
        super(scope, id);
        stack.addIntegration(this);
      }
      public bind(): IntegrationConfig {
        return { clientPods: this.pods };
      }
    }
    new Mesh(chart, 'mesh', { labels: { mesh: 'on' }, annotations: { a: 'b' }, serviceAccountToken: true, egress: [{ ports: [{ port: kplus.k8s.IntOrString.fromNumber(5678), protocol: 'TCP' }] }] });
    const grafana = new Grafana(chart, 'grafana', { prometheus: stack, adminCredentials: adminOf() });
    const { objects } = synthAndCheck(chart);
    const pod = findObject(objects, 'Deployment', /grafana/).spec.template;
    expect(pod.metadata.labels.mesh).toBe('on');
    expect(pod.metadata.annotations.a).toBe('b');
    expect(pod.spec.automountServiceAccountToken).toBe(true);
    expect(findObjects(objects, 'NetworkPolicy', /grafana/)[0].spec.egress).toContainEqual({ ports: [{ port: 5678, protocol: 'TCP' }] });
    // A client's pod has no room for containers: the Grafana refuses them when they come.
    expectError(() => new Mesh(chart, 'sidecar', { containers: [{ image: 'sidecar:1' }] }),
      `${grafana.node.path}: 'clientPods' may give a client's pod labels, annotations, its token and egress only, got 'containers'`);
  });
});

describe('a sharded stack', () => {
  test('Grafana warns that the stack\'s Service answers from one shard, and names the store to query instead', () => {
    const { grafana } = build({}, { shards: 2, remoteWrites: [new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' })] });
    expect(warningsBesidesWebAuth(grafana).join('\n')).toMatch(/a Service over 2 shards that each hold part of the series.*Mimir, Cortex, Thanos Query/);
  });

  test('queryUrl points the data source at the store, lets Grafana reach it, and silences the warning', () => {
    const { chart, grafana } = build({ queryUrl: 'https://mimir.example.com/prometheus' },
      { shards: 2, remoteWrites: [new RemoteWrite({ url: 'https://mimir.example.com/api/v1/push' })] });
    expect(warningsBesidesWebAuth(grafana).join('\n')).not.toMatch(/shards/);
    const { objects } = synthAndCheck(chart);
    const provisioning = findObjects(objects, 'ConfigMap', /grafana-provisioning/)[0];
    const ds = YAML.parse(provisioning.data['datasources.yaml']).datasources[0];
    expect(ds.url).toBe('https://mimir.example.com/prometheus');
    const policy = findObjects(objects, 'NetworkPolicy', /grafana/)[0];
    expect(JSON.stringify(policy.spec.egress)).toContain('443');
    expectError(() => build({ queryUrl: 'https://user:pw@mimir.example.com/prometheus' }),
      "'queryUrl' must not contain credentials: they would be written into the ConfigMap");
  });

  test('one server gives no such warning', () => {
    const { grafana } = build();
    expect(warningsBesidesWebAuth(grafana).join('\n')).not.toMatch(/shards/);
  });
});

describe('fails', () => {
  test('when a second Grafana of a stack would scrape its metrics under the same job name', () => {
    const { chart, stack } = build();
    expectError(() => new Grafana(chart, 'other', { prometheus: stack, adminCredentials: adminOf() }),
      'test/other: \'scrapeMetrics\' adds the job \'grafana\', which the stack \'test/prometheus\' already has for test/prometheus/Grafana, got true. '
      + 'Set scrapeMetrics: false on one of them (a second Grafana of the stack is not scraped under the same job)');
    new Grafana(chart, 'team', { prometheus: stack, adminCredentials: adminOf(), scrapeMetrics: false });
    synthAndCheck(chart);
  });


  test('on a dashboard uid added twice', () => {
    const { grafana } = build({ dashboards: [dashboard('team-a')] });
    expectError(() => grafana.addDashboard(dashboard('team-a', 'Another title')),
      `${PATH}: 'dashboards' must have unique uids (Grafana would show only one of them), got 'team-a'. Give the dashboard another uid`);
    expectError(() => build({ dashboards: [dashboard('x'), dashboard('x')] }), `${PATH}: 'dashboards' must have unique uids`, 'got \'x\'');
  });

  test('on a dashboard added with the uid of the stack\'s own dashboard', () => {
    const stackUid = build().grafana.dashboards[0].uid;
    const { grafana } = build();
    expectError(() => grafana.addDashboard(dashboard(stackUid)),
      `${PATH}: 'dashboards' must have unique uids (Grafana would show only one of them), got '${stackUid}'. Give the dashboard another uid`);
  });

  test('at synthesis, on a given dashboard with the uid of the stack\'s own dashboard', () => {
    const stackUid = build().grafana.dashboards[0].uid;
    const { chart } = build({ dashboards: [dashboard(stackUid)] });
    expect(() => Testing.synth(chart)).toThrow(
      `${PATH}: 'dashboards' must have unique uids (Grafana would show only one of them), got '${stackUid}'. Give one of them another uid`);
  });

  test('at synthesis, on an integration added later whose dashboard has a given dashboard\'s uid', () => {
    const probe = build();
    new WeaveMonitoring(probe.chart, 'weave', { stack: probe.stack });
    const weaveUid = probe.grafana.dashboards[1].uid;
    const { chart, stack, grafana } = build();
    grafana.addDashboard(dashboard(weaveUid));
    new WeaveMonitoring(chart, 'weave', { stack });
    expect(() => Testing.synth(chart)).toThrow(`${PATH}: 'dashboards' must have unique uids (Grafana would show only one of them), got '${weaveUid}'`);
  });

  test('on the admin password as a setting, never echoing it', () => {
    for (const key of ['security.admin_password', 'security.admin_user', 'Security.Admin_Password', 'security.admin_password__file']) {
      expectError(() => build({ settings: { [key]: 'hunter2' } }),
        `${PATH}: 'settings.${key}' must not be set: the admin user and password come from a Secret, never a literal, got '<redacted>'. `
        + 'Use adminCredentials: GrafanaAdminCredentials.fromSecretName(...)');
    }
    let message = '';
    try {
      build({ settings: { 'security.admin_password': 'hunter2' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain('hunter2');
  });

  test('on a Secret whose password the app writes', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'S', { stringData: { 'admin-password': 'hunter2', 'admin-user': 'admin' } });
    const stack = new PrometheusStack(chart, 'prometheus');
    expectError(() => new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(secret) }),
      `${PATH}: 'adminCredentials' must not come from a Secret whose password this app writes: 'test/S' sets 'admin-password' in stringData, `
      + `so the password would be committed in clear text with the manifests, got '${secret.name}'. `
      + `Create the Secret outside the app (kubectl create secret generic ${secret.name} --from-literal=admin-user=admin --from-literal=admin-password=...) `
      + `and pass GrafanaAdminCredentials.fromSecretName('${secret.name}')`);
  });

  test('on a Secret whose password the app writes under a custom key', () => {
    const chart = newChart();
    const secret = new kplus.BasicAuthSecret(chart, 'Basic', { username: 'admin', password: 'hunter2' });
    const stack = new PrometheusStack(chart, 'prometheus');
    expectError(() => new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(secret, { userKey: 'username', passwordKey: 'password' }) }),
      `${PATH}: 'adminCredentials' must not come from a Secret whose password this app writes: 'test/Basic' sets 'password' in stringData`);
  });

  test('on a Secret whose password the app writes after Grafana is added', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'S');
    const stack = new PrometheusStack(chart, 'prometheus');
    new Grafana(stack, 'Grafana', { prometheus: stack, adminCredentials: GrafanaAdminCredentials.fromSecret(secret) });
    secret.addStringData('admin-password', 'hunter2');
    expect(() => Testing.synth(chart)).toThrow(/'adminCredentials' must not come from a Secret whose password this app writes/);
  });

  test('on a secret-like setting given as a literal', () => {
    for (const key of ['auth.generic_oauth.client_secret', 'security.secret_key', 'database.password', 'smtp.password']) {
      expectError(() => build({ settings: { [key]: 's3cr3t' } }),
        `${PATH}: 'settings.${key}' must be a reference ($__file{/path} or $__env{VAR}), not the secret itself: it would be written into the manifests, `
        + 'got \'<redacted>\'. Mount the Secret and point at the file, or set the variable from a Secret');
    }
    expect(() => build({ settings: { 'auth.generic_oauth.client_secret': '$__file{/etc/secrets/x}' } })).not.toThrow();
  });

  test('on a setting the construct sets, naming the prop to use', () => {
    expectError(() => build({ settings: { 'auth.anonymous.enabled': 'true' } }), `${PATH}: 'settings.auth.anonymous.enabled' is set by the construct; use anonymousAccess, got 'true'`);
    expectError(() => build({ settings: { 'plugins.preinstall_sync': 'x' } }), '\'settings.plugins.preinstall_sync\' is set by the construct; use plugins');
    expectError(() => build({ settings: { 'paths.data': '/data' } }), '\'settings.paths.data\' is set by the construct; use storage');
  });

  test('on a setting that would give a variable the construct sets a second value', () => {
    // GF_LOG_MODE is set to console (the root filesystem is read-only); a second GF_LOG_MODE would override it.
    expectError(() => build({ settings: { 'log.mode': 'file' } }), '\'settings.log.mode\'');
  });

  test('on a settings key whose section Grafana does not have, such as the typo aut.anonymous.enabled', () => {
    expectError(() => build({ settings: { 'aut.anonymous.enabled': 'true' } }),
      `${PATH}: 'settings.aut.anonymous.enabled' must be in a grafana.ini section Grafana knows: GF_AUT_ANONYMOUS_ENABLED would be ignored, `
      + 'got \'true\'. Did you mean \'auth.anonymous.enabled\' (section [auth.anonymous])?');
    expectError(() => build({ settings: { 'smpt.password': '$__file{/etc/smtp/password}' } }), "got '<redacted>'", "Did you mean 'smtp.password'");
  });

  test('passes on a section far from every known one, with a warning (a newer Grafana may have it)', () => {
    const { grafana, chart } = build({ settings: { 'cloud_migration.enabled': 'false' } });
    expect(envValueOf(chart, 'GF_CLOUD_MIGRATION_ENABLED')).toBe('false');
    expect(warningsBesidesWebAuth(grafana).join('\n')).toMatch(/'settings.cloud_migration.enabled' is in a section that grafana.ini .* does not have/);
  });

  test('on a settings key that is not section.option', () => {
    expectError(() => build({ settings: { root_url: 'https://g.example.com/' } }),
      `${PATH}: 'settings' keys must be grafana.ini 'section.option' names, such as server.root_url, got 'root_url'`);
    expectError(() => build({ settings: { 'server root_url': 'x' } }), '\'settings\' keys must be grafana.ini \'section.option\' names');
  });

  test('on a plugin without a pinned version, or a bad id', () => {
    expectError(() => GrafanaPlugin.of('grafana-clock-panel', 'latest'),
      'GrafanaPlugin.of: \'version\' must be a pinned version such as 1.2.3 (an unpinned plugin changes under you), got \'latest\'');
    expectError(() => GrafanaPlugin.of('grafana-clock-panel', '2.1'), '\'version\' must be a pinned version', 'got \'2.1\'');
    expectError(() => GrafanaPlugin.of('Grafana Clock', '2.1.8'), 'GrafanaPlugin.of: \'id\' must be a plugin id such as grafana-piechart-panel, got \'Grafana Clock\'');
  });

  test('on a plugin named twice', () => {
    expectError(() => build({ plugins: [GrafanaPlugin.of('grafana-clock-panel', '2.1.8'), GrafanaPlugin.of('grafana-clock-panel', '2.1.9')] }),
      `${PATH}: 'plugins' must name each plugin once, got 'grafana-clock-panel'`);
  });

  test('on an unpinned image', () => {
    expectError(() => build({ image: 'grafana/grafana' }),
      `${PATH}: 'image' must be an image reference with a tag or digest, got 'grafana/grafana'. Pin a release, such as docker.io/grafana/grafana:12.3.0`);
  });

  test('on a bad datasource uid, folder, namespace or Secret key', () => {
    expectError(() => build({ datasourceUid: 'my prometheus' }), `${PATH}: 'datasourceUid' must be 1 to 40 letters, digits, '-' or '_', got 'my prometheus'`);
    expectError(() => build({ dashboardFolder: ' ' }), `${PATH}: 'dashboardFolder' must not be empty, got ' '`);
    expectError(() => build({ metadata: { namespace: 'Monitoring' } }), `${PATH}: 'metadata.namespace' must be a DNS-1123 label`, 'got \'Monitoring\'');
    expectError(() => GrafanaAdminCredentials.fromSecret(kplus.Secret.fromSecretName(newChart(), 'A', 'a'), { passwordKey: 'pass word' }),
      'GrafanaAdminCredentials.fromSecret: \'passwordKey\' must be a Secret data key (alphanumerics, \'-\', \'_\' or \'.\'), got \'pass word\'');
  });

  test('on a Service type or node port that cannot work', () => {
    expectError(() => build({ serviceType: kplus.ServiceType.EXTERNAL_NAME }), `${PATH}: 'serviceType' must be ClusterIP, NodePort or LoadBalancer, got 'ExternalName'`);
    expectError(() => build({ nodePort: 30300 }), `${PATH}: 'nodePort' is only valid with a NodePort or LoadBalancer serviceType (serviceType is ClusterIP), got 30300`);
    expectError(() => build({ serviceType: kplus.ServiceType.NODE_PORT, nodePort: 3000 }), `${PATH}: 'nodePort' must be in 30000-32767, got 3000`);
    expectError(() => build({ servicePort: 0 }), `${PATH}: 'servicePort' must be a port number in 1-65535, got 0`);
  });

  test('on an empty allowFrom', () => {
    expectError(() => build({ allowFrom: [] }), `${PATH}: 'allowFrom' must name at least one source (an empty list would block every visitor), got []`);
  });
});
