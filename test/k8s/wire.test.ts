// The wire-form objects render exactly what the L1 classes they replace render, for the same
// typed props: number-or-string unions as values, undefined fields left out, keys in the same
// order, JSON patches applied.
import * as fs from 'fs';
import * as path from 'path';
import { JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as monitoring from '../../src/imports/monitoring.coreos.com';
import { SERVICE_MONITOR_WIRE_NAMES, WireServiceMonitor } from '../../src/integrations/apps/service-monitor';
import {
  NETWORK_POLICY_WIRE_NAMES, SERVICE_WIRE_NAMES, wire, WireDeployment, WireNames, WireNetworkPolicy, WireService, WireStatefulSet,
  WORKLOAD_WIRE_NAMES,
} from '../../src/k8s/wire';
import { newChart } from '../util';

const metadata = { namespace: 'shop', labels: { app: 'orders' }, annotations: { note: undefined as unknown as string } };

/** The manifest of each object, as YAML would order it. */
const both = (make: (chart: ReturnType<typeof newChart>, id: string) => { toJson(): unknown }) => {
  const chart = newChart();
  const typed = make(chart, 'typed').toJson();
  const wired = make(chart, 'wired').toJson();
  return { typed, wired };
};

test('a Service: targetPort given as IntOrString, an undefined nodePort, a JSON patch', () => {
  const spec: kplus.k8s.ServiceSpec = {
    type: 'ClusterIP',
    selector: { app: 'orders' },
    ports: [{ name: 'metrics', protocol: 'TCP', port: 9100, targetPort: kplus.k8s.IntOrString.fromNumber(8080), nodePort: undefined }],
  };
  const render = (wired: boolean) => {
    const chart = newChart();
    const svc = wired ? new WireService(chart, 'svc', { metadata, spec }) : new kplus.k8s.KubeService(chart, 'svc', { metadata, spec });
    svc.addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'http'));
    return svc.toJson();
  };
  const typed = render(false);
  const wired = render(true);
  expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
  expect(wired.spec.ports[0]).toEqual({ appProtocol: 'http', name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 8080 });
});

test('a Deployment and a StatefulSet: the renamed pod fields, quantities, probes with IntOrString ports, a claim template, a Lazy container list', () => {
  const template: kplus.k8s.PodTemplateSpec = {
    metadata: { labels: { app: 'orders' } },
    spec: {
      hostIpc: false,
      hostPid: false,
      setHostnameAsFqdn: true,
      initContainers: [{ name: 'init', image: 'busybox:1.36', ports: [{ containerPort: 1, hostIp: '127.0.0.1' }] }],
      containers: Lazy.any({
        produce: (): kplus.k8s.Container[] => [{
          name: 'app',
          image: 'registry.local/orders:1.0',
          args: ['--port=8080', undefined as unknown as string].filter((a) => a !== undefined),
          ports: [{ name: 'http', containerPort: 8080, hostIp: '0.0.0.0', protocol: 'TCP' }],
          resources: { requests: { cpu: kplus.k8s.Quantity.fromString('100m'), memory: kplus.k8s.Quantity.fromString('64Mi') } },
          readinessProbe: { httpGet: { path: '/ready', port: kplus.k8s.IntOrString.fromString('http') }, periodSeconds: 5 },
          securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
          volumeMounts: [{ name: 'labels', mountPath: '/etc/labels' }],
        }],
      }) as unknown as kplus.k8s.Container[],
      volumes: [
        { name: 'labels', downwardApi: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'all', projected: { sources: [{ downwardApi: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
        { name: 'scratch', emptyDir: { sizeLimit: kplus.k8s.Quantity.fromString('1Gi') } },
      ],
    },
  };
  const deployment = both((chart, id) => (id === 'typed'
    ? new kplus.k8s.KubeDeployment(chart, id, { metadata: { ...metadata, name: 'd' }, spec: { replicas: 2, selector: { matchLabels: { app: 'orders' } }, template } })
    : new WireDeployment(chart, id, { metadata: { ...metadata, name: 'd' }, spec: { replicas: 2, selector: { matchLabels: { app: 'orders' } }, template } })));
  expect(JSON.stringify(deployment.wired)).toEqual(JSON.stringify(deployment.typed));
  const pod = (deployment.wired as any).spec.template.spec;
  expect(pod).toMatchObject({ hostIPC: false, hostPID: false, setHostnameAsFQDN: true });
  expect(pod.volumes[0].downwardAPI.items[0].path).toBe('labels');
  expect(pod.volumes[1].projected.sources[0].downwardAPI.items[0].path).toBe('name');
  expect(pod.containers[0].ports[0].hostIP).toBe('0.0.0.0');
  expect(pod.containers[0].resources.requests).toEqual({ cpu: '100m', memory: '64Mi' });

  const statefulSetSpec: kplus.k8s.StatefulSetSpec = {
    serviceName: 'orders',
    selector: { matchLabels: { app: 'orders' } },
    template,
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('10Gi') } } } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  };
  const statefulSet = both((chart, id) => (id === 'typed'
    ? new kplus.k8s.KubeStatefulSet(chart, id, { metadata: { ...metadata, name: 's' }, spec: statefulSetSpec })
    : new WireStatefulSet(chart, id, { metadata: { ...metadata, name: 's' }, spec: statefulSetSpec })));
  expect(JSON.stringify(statefulSet.wired)).toEqual(JSON.stringify(statefulSet.typed));
});

test('a NetworkPolicy: peers, IntOrString ports, a named port, and a Lazy spec produced in wire form', () => {
  const spec: kplus.k8s.NetworkPolicySpec = {
    podSelector: { matchLabels: { app: 'orders' } },
    policyTypes: ['Ingress'],
    ingress: [{
      from: [{ namespaceSelector: { matchLabels: { component: 'monitoring' } }, podSelector: {} }, { ipBlock: { cidr: '10.0.0.0/8', except: undefined } }],
      ports: [{ port: kplus.k8s.IntOrString.fromNumber(8080), protocol: 'TCP' }, { port: kplus.k8s.IntOrString.fromString('metrics') }],
    }],
  };
  const { typed, wired } = both((chart, id) => (id === 'typed'
    ? new kplus.k8s.KubeNetworkPolicy(chart, id, { metadata: { ...metadata, name: 'np' }, spec })
    : new WireNetworkPolicy(chart, id, { metadata: { ...metadata, name: 'np' }, spec })));
  expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
  const lazy = new WireNetworkPolicy(newChart(), 'lazy', {
    metadata: { ...metadata, name: 'np' },
    spec: Lazy.any({ produce: () => wire(spec) }) as unknown as kplus.k8s.NetworkPolicySpec,
  });
  expect(JSON.stringify(lazy.toJson())).toEqual(JSON.stringify(typed));
});

test('a patched NetworkPolicy and ServiceMonitor render as their L1 classes do', () => {
  const spec = { podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'] };
  const { typed, wired } = both((chart, id) => {
    const np = id === 'typed' ? new kplus.k8s.KubeNetworkPolicy(chart, id, { metadata: { name: 'np' }, spec }) : new WireNetworkPolicy(chart, id, { metadata: { name: 'np' }, spec });
    np.addJsonPatch(JsonPatch.add('/spec/ingress', [{ from: [{ podSelector: {} }] }]), JsonPatch.add('/metadata/annotations', { a: 'b' }));
    return np;
  });
  expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
  // A port a patch adds as a plain number: the L1 conversion reads it as an IntOrString and drops it, and so does
  // the wire-form object, which renders a patched manifest as its L1 class; given as an IntOrString, it stays.
  const port = both((chart, id) => {
    const np = id === 'typed' ? new kplus.k8s.KubeNetworkPolicy(chart, id, { metadata: { name: 'np' }, spec }) : new WireNetworkPolicy(chart, id, { metadata: { name: 'np' }, spec });
    np.addJsonPatch(JsonPatch.add('/spec/ingress', [{ ports: [{ port: 80, protocol: 'TCP' }, { port: kplus.k8s.IntOrString.fromNumber(81), protocol: 'TCP' }] }]));
    return np;
  });
  expect(JSON.stringify(port.wired)).toEqual(JSON.stringify(port.typed));
  expect((port.wired as any).spec.ingress[0].ports).toEqual([{ protocol: 'TCP' }, { port: 81, protocol: 'TCP' }]);
  const sm = both((chart, id) => {
    const smSpec = { selector: { matchLabels: { app: 'orders' } }, endpoints: [{ port: 'metrics' }] };
    const m = id === 'typed' ? new monitoring.ServiceMonitor(chart, id, { metadata: { name: 'sm' }, spec: smSpec })
      : new WireServiceMonitor(chart, id, { metadata: { name: 'sm' }, spec: smSpec });
    m.addJsonPatch(JsonPatch.add('/spec/endpoints/0/interval', '30s'));
    return m;
  });
  expect(JSON.stringify(sm.wired)).toEqual(JSON.stringify(sm.typed));
});

test('a patched Deployment and Service render as the L1 classes do: union values in a patch, a field a patch names by its typed name, a replaced kind', () => {
  const spec: kplus.k8s.DeploymentSpec = {
    selector: { matchLabels: { app: 'orders' } },
    template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'app', image: 'registry.local/orders:1.0' }] } },
  };
  const deployment = both((chart, id) => {
    const d = id === 'typed' ? new kplus.k8s.KubeDeployment(chart, id, { metadata: { name: 'd' }, spec }) : new WireDeployment(chart, id, { metadata: { name: 'd' }, spec });
    d.addJsonPatch(
      JsonPatch.add('/spec/strategy', { type: 'RollingUpdate', rollingUpdate: { maxSurge: kplus.k8s.IntOrString.fromNumber(1), maxUnavailable: kplus.k8s.IntOrString.fromString('25%') } }),
      JsonPatch.add('/spec/template/spec/containers/0/resources', { limits: { cpu: kplus.k8s.Quantity.fromString('2') } }),
      JsonPatch.add('/spec/template/spec/hostPid', false),
      JsonPatch.replace('/kind', 'Pod'),
    );
    return d;
  });
  expect(JSON.stringify(deployment.wired)).toEqual(JSON.stringify(deployment.typed));
  expect((deployment.wired as any).kind).toBe('Deployment');
  expect((deployment.wired as any).spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '25%' });
  expect((deployment.wired as any).spec.template.spec.hostPID).toBe(false);
  const service = both((chart, id) => {
    const serviceSpec = { selector: { app: 'orders' }, ports: [{ name: 'http', port: 80 }] };
    const svc = id === 'typed' ? new kplus.k8s.KubeService(chart, id, { metadata: { name: 's' }, spec: serviceSpec }) : new WireService(chart, id, { metadata: { name: 's' }, spec: serviceSpec });
    svc.addJsonPatch(JsonPatch.add('/spec/ports/0/targetPort', kplus.k8s.IntOrString.fromString('http')), JsonPatch.add('/spec/clusterIp', 'None'));
    return svc;
  });
  expect(JSON.stringify(service.wired)).toEqual(JSON.stringify(service.typed));
  expect((service.wired as any).spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
});

test('with CDK8S_DISABLE_SORT set, a wire-form object renders as its L1 class, fields in the order they were written', () => {
  const spec: kplus.k8s.DeploymentSpec = {
    selector: { matchLabels: { app: 'orders' } },
    template: { metadata: { labels: { z: '1', a: '2' } }, spec: { hostIpc: false, containers: [{ name: 'app', image: 'registry.local/orders:1.0' }] } },
  };
  process.env.CDK8S_DISABLE_SORT = 'true';
  try {
    const { typed, wired } = both((chart, id) => (id === 'typed'
      ? new kplus.k8s.KubeDeployment(chart, id, { metadata: { name: 'd' }, spec })
      : new WireDeployment(chart, id, { metadata: { name: 'd' }, spec })));
    expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
    expect(Object.keys((wired as any).spec.template.metadata.labels)).toEqual(['z', 'a']);
  } finally {
    delete process.env.CDK8S_DISABLE_SORT;
  }
});

test('a ServiceMonitor: endpoints with undefined settings, params and relabelings', () => {
  const spec: monitoring.ServiceMonitorSpec = {
    selector: { matchLabels: { 'cdk8s-prometheus-monitoring/service': 'orders' } },
    endpoints: [{
      port: 'metrics',
      path: undefined,
      interval: '30s',
      params: { format: ['prometheus'] },
      relabelings: [{ action: monitoring.ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE, sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }],
    }],
  };
  const { typed, wired } = both((chart, id) => (id === 'typed'
    ? new monitoring.ServiceMonitor(chart, id, { metadata: { ...metadata, name: 'sm' }, spec })
    : new WireServiceMonitor(chart, id, { metadata: { ...metadata, name: 'sm' }, spec })));
  expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
});

test('wire leaves plain values, drops undefined fields, and produces Lazy values', () => {
  const lazy = Lazy.any({ produce: () => kplus.k8s.IntOrString.fromNumber(8080) });
  expect(wire({ a: 1, b: undefined, c: [kplus.k8s.Quantity.fromString('1Gi'), null], d: lazy })).toEqual({ a: 1, c: ['1Gi', null], d: 8080 });
});

test('the spec is read when the object is rendered: what changes after it is created (a peer admitted later) is there', () => {
  const from: kplus.k8s.NetworkPolicyPeer[] = [{ podSelector: {} }];
  const spec = { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from, ports: [{ port: kplus.k8s.IntOrString.fromNumber(9090) }] }] };
  const np = new WireNetworkPolicy(newChart(), 'np', { metadata: { name: 'np' }, spec });
  from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } } });
  expect(np.toJson().spec.ingress[0].from).toEqual([{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'grafana' } } }]);
});

test('fields whose typed name is not their wire name are renamed where they stand, not in label maps', () => {
  const spec: kplus.k8s.ServiceSpec = {
    type: 'LoadBalancer',
    clusterIp: '10.0.0.10',
    loadBalancerIp: '192.0.2.1',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIp: { timeoutSeconds: 60 } },
    selector: { clusterIp: 'a label, not a field' },
    ports: [{ port: 80 }],
  };
  const { typed, wired } = both((chart, id) => (id === 'typed'
    ? new kplus.k8s.KubeService(chart, id, { metadata: { name: 'svc' }, spec })
    : new WireService(chart, id, { metadata: { name: 'svc' }, spec })));
  expect(JSON.stringify(wired)).toEqual(JSON.stringify(typed));
  const smSpec: monitoring.ServiceMonitorSpec = { selector: {}, endpoints: [{ port: 'metrics' }], convertClassicHistogramsToNhcb: true };
  const sm = both((chart, id) => (id === 'typed'
    ? new monitoring.ServiceMonitor(chart, id, { metadata: { name: 'sm' }, spec: smSpec })
    : new WireServiceMonitor(chart, id, { metadata: { name: 'sm' }, spec: smSpec })));
  expect(JSON.stringify(sm.wired)).toEqual(JSON.stringify(sm.typed));
});

/**
 * The renames of the generated converters below `root`, by position: `'wireName': obj.typedName`
 * where the names differ, and the converters each field's value goes through.
 */
function convertersRenames(source: string, root: string): WireNames {
  const body = (name: string) => {
    const start = source.search(new RegExp(`function ${name}\\(obj`));
    if (start < 0) throw new Error(`no converter ${name}`);
    return source.slice(start, source.indexOf('\n}', start));
  };
  const walk = (name: string, seen: string[]): WireNames => {
    const out: { [typed: string]: string | WireNames } = {};
    for (const m of body(name).matchAll(/'([^']+)': (.*)/g)) {
      const typed = /obj\.(\w+)/.exec(m[2])?.[1];
      if (!typed) continue;
      if (m[1] !== typed) out[typed] = m[1];
      const inner = /(toJson_\w+)\(/.exec(m[2])?.[1];
      if (inner && !seen.includes(inner)) {
        const below = walk(inner, [...seen, inner]);
        if (Object.keys(below).length > 0) out[typed] = below;
      }
    }
    return out;
  };
  return walk(root, [root]);
}

test('the renames are those of the generated converters (cdk8s-plus-28 imports/k8s.js, src/imports/monitoring.coreos.com.ts)', () => {
  const k8s = fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8');
  const crds = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'imports', 'monitoring.coreos.com.ts'), 'utf8');
  expect(convertersRenames(k8s, 'toJson_ServiceSpec')).toEqual(SERVICE_WIRE_NAMES);
  expect(convertersRenames(k8s, 'toJson_NetworkPolicySpec')).toEqual(NETWORK_POLICY_WIRE_NAMES);
  expect(convertersRenames(k8s, 'toJson_DeploymentSpec')).toEqual(WORKLOAD_WIRE_NAMES);
  expect(convertersRenames(k8s, 'toJson_StatefulSetSpec')).toEqual(WORKLOAD_WIRE_NAMES);
  expect(convertersRenames(crds, 'toJson_ServiceMonitorSpec')).toEqual(SERVICE_MONITOR_WIRE_NAMES);
});
