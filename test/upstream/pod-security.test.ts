// Every pod the examples write (the library's and the examples' own workloads, every container,
// init container and sidecar) meets the "restricted" Pod Security Standard, users copy them.
//
// The checks follow kubernetes/pod-security-admission v0.28.0 policy/check_*.go (Kubernetes 1.28,
// the version the manifests are validated against): the baseline checks, which restricted includes,
// and the restricted ones. Each check below names its file.
import { examplePrograms, runExampleProgram } from '../util';

/** A workload's pod: its metadata and spec. */
interface PodOf {
  readonly workload: string;
  readonly namespace?: string;
  readonly metadata: any;
  readonly spec: any;
}

// check_capabilities_baseline.go `capabilities_allowed_1_0`.
const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP',
  'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
// check_sysctls.go `sysctls_allowed_1_27`.
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports'];
// check_seLinuxOptions.go `selinux_allowed_types_1_0`.
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
// check_restrictedVolumes.go: the volume sources restricted allows.
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Why `pod` breaks the restricted standard; empty when it meets it. */
export function restrictedViolations(pod: PodOf): string[] {
  const spec = pod.spec;
  const psc = spec.securityContext ?? {};
  const containers: any[] = [...spec.initContainers ?? [], ...spec.containers ?? [], ...spec.ephemeralContainers ?? []];
  const out: string[] = [];
  const each = (check: string, bad: (c: any) => boolean) => {
    const names = containers.filter(bad).map((c) => c.name);
    if (names.length > 0) out.push(`${check}: ${names.join(', ')}`);
  };
  // Baseline.
  // check_hostNamespaces.go
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) out.push(`hostNamespaces: ${f}`);
  // check_privileged.go
  each('privileged', (c) => c.securityContext?.privileged === true);
  // check_capabilities_baseline.go
  each('capabilities_baseline', (c) => (c.securityContext?.capabilities?.add ?? []).some((a: string) => !BASELINE_CAPABILITIES.includes(a)));
  // check_hostPathVolumes.go
  if ((spec.volumes ?? []).some((v: any) => v.hostPath)) out.push('hostPathVolumes');
  // check_hostPorts.go
  each('hostPorts', (c) => (c.ports ?? []).some((p: any) => (p.hostPort ?? 0) !== 0));
  // check_appArmorProfile.go: the annotations' profiles are runtime/default or localhost/*.
  for (const [k, v] of Object.entries(pod.metadata?.annotations ?? {})) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      out.push(`appArmorProfile: ${k}`);
    }
  }
  // check_seLinuxOptions.go
  const badSelinux = (o: any) => o && (!SELINUX_TYPES.includes(o.type ?? '') || o.user !== undefined || o.role !== undefined);
  if (badSelinux(psc.seLinuxOptions)) out.push('seLinuxOptions: pod');
  each('seLinuxOptions', (c) => badSelinux(c.securityContext?.seLinuxOptions));
  // check_procMount.go
  each('procMount', (c) => (c.securityContext?.procMount ?? 'Default') !== 'Default');
  // check_seccompProfile_baseline.go
  if (psc.seccompProfile?.type === 'Unconfined') out.push('seccompProfile_baseline: pod');
  each('seccompProfile_baseline', (c) => c.securityContext?.seccompProfile?.type === 'Unconfined');
  // check_sysctls.go
  if ((psc.sysctls ?? []).some((s: any) => !SAFE_SYSCTLS.includes(s.name))) out.push('sysctls');
  // Restricted.
  // check_restrictedVolumes.go
  for (const v of spec.volumes ?? []) {
    const source = Object.keys(v).filter((k) => k !== 'name');
    if (source.some((k) => !RESTRICTED_VOLUMES.includes(k))) out.push(`restrictedVolumes: ${v.name} (${source.join(', ')})`);
  }
  // check_allowPrivilegeEscalation.go
  each('allowPrivilegeEscalation', (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  // check_runAsNonRoot.go: true at pod level (no container false), or true on every container.
  each('runAsNonRoot (explicitly false)', (c) => c.securityContext?.runAsNonRoot === false);
  if (psc.runAsNonRoot === false) out.push('runAsNonRoot: pod sets false');
  if (psc.runAsNonRoot !== true) each('runAsNonRoot (unset)', (c) => c.securityContext?.runAsNonRoot !== true);
  // check_runAsUser.go
  if (psc.runAsUser === 0) out.push('runAsUser: pod runs as 0');
  each('runAsUser', (c) => c.securityContext?.runAsUser === 0);
  // check_seccompProfile_restricted.go: RuntimeDefault or Localhost, at pod level or on every container.
  const confined = (p: any) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  if (!confined(psc.seccompProfile)) each('seccompProfile_restricted', (c) => !confined(c.securityContext?.seccompProfile));
  // check_capabilities_restricted.go: drop ALL, add NET_BIND_SERVICE at most.
  each('capabilities_restricted (drop ALL)', (c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'));
  each('capabilities_restricted (add)', (c) => (c.securityContext?.capabilities?.add ?? []).some((a: string) => a !== 'NET_BIND_SERVICE'));
  return out;
}

/**
 * The pods the examples cannot make restricted: upstream manifests applied as they are, in
 * kube-system (which clusters exempt from Pod Security admission). Only these, by kind, name
 * and namespace.
 */
const EXEMPT = [
  // weaveworks/weave v2.8.1 prog/weave-kube/weave-daemonset-k8s-1.11.yaml (examples/weave-net/weave-net.yaml):
  // a CNI plugin runs on the host network, privileged, with hostPath volumes.
  'kube-system DaemonSet/weave-net',
];

function podsOf(objects: any[]): PodOf[] {
  return objects.flatMap((o) => {
    const namespace = o.metadata.namespace;
    if (o.kind === 'Pod') return [{ workload: `Pod/${o.metadata.name}`, namespace, metadata: o.metadata, spec: o.spec }];
    const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    return template?.spec ? [{ workload: `${o.kind}/${o.metadata.name}`, namespace, metadata: template.metadata ?? {}, spec: template.spec }] : [];
  });
}

describe('the restricted Pod Security Standard', () => {
  test('every pod of every example meets it: all containers, init containers and sidecars', () => {
    const checked: string[] = [];
    const violations: string[] = [];
    for (const example of examplePrograms().map((p) => ({ name: `${p.example}/${p.file}`, objects: runExampleProgram(p.example, { file: p.file }).objects }))) {
      for (const pod of podsOf(example.objects)) {
        if (EXEMPT.includes(`${pod.namespace} ${pod.workload}`)) continue;
        checked.push(`${example.name} ${pod.workload}`);
        violations.push(...restrictedViolations(pod).map((v) => `${example.name} ${pod.workload}: ${v}`));
      }
    }
    expect(violations).toEqual([]);
    // The library's workloads (Prometheus, Grafana, Alertmanager with its reloader, KrakenD's
    // gateway) and the examples' own applications are among them.
    expect(checked).toEqual(expect.arrayContaining([
      expect.stringMatching(/^full-stack\/main.ts Deployment\/.*checkout/),
      expect.stringMatching(/^app-metrics\/main.ts Deployment\/.*reference-app/),
      expect.stringMatching(/^kuma-mesh\/main.ts Deployment\/.*shop/),
      expect.stringMatching(/^kuma-mesh\/main.ts Deployment\/.*kuma-tcp-echo/),
      expect.stringMatching(/^quick-start\/main.ts StatefulSet\/.*prometheus/),
      expect.stringMatching(/^full-stack\/main.ts Deployment\/.*grafana/),
      expect.stringMatching(/^alertmanager\/main.ts StatefulSet\//),
      expect.stringMatching(/^krakend\/main.ts Deployment\/.*gateway/),
    ]));
  }, 120_000);

  test('the checker finds what the standard forbids', () => {
    const good = {
      workload: 'Deployment/good',
      metadata: {},
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
        volumes: [{ name: 'c', configMap: { name: 'x' } }],
      },
    };
    expect(restrictedViolations(good)).toEqual([]);
    // The examples' applications before: kplus's defaults without drop ALL and a seccomp profile.
    const kplusDefaults = {
      workload: 'Deployment/app',
      metadata: {},
      spec: {
        securityContext: { runAsNonRoot: true, fsGroupChangePolicy: 'Always' },
        containers: [{ name: 'main', securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true } }],
      },
    };
    expect(restrictedViolations(kplusDefaults)).toEqual(['seccompProfile_restricted: main', 'capabilities_restricted (drop ALL): main']);
    const bad = {
      workload: 'DaemonSet/bad',
      metadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } },
      spec: {
        hostNetwork: true,
        securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
        initContainers: [{ name: 'init', securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } }, ports: [{ containerPort: 1, hostPort: 1 }] }],
        containers: [{ name: 'c', securityContext: { runAsNonRoot: false, procMount: 'Unmasked', seccompProfile: { type: 'Unconfined' } } }],
        volumes: [{ name: 'h', hostPath: { path: '/' } }],
      },
    };
    expect(restrictedViolations(bad).map((v) => v.split(':')[0])).toEqual([
      'hostNamespaces', 'privileged', 'capabilities_baseline', 'hostPathVolumes', 'hostPorts', 'appArmorProfile', 'procMount',
      'seccompProfile_baseline', 'sysctls', 'restrictedVolumes', 'allowPrivilegeEscalation', 'runAsNonRoot (explicitly false)',
      'runAsNonRoot (unset)', 'runAsUser', 'seccompProfile_restricted', 'capabilities_restricted (drop ALL)', 'capabilities_restricted (add)',
    ]);
  });
});
