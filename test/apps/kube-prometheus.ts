// What kube-prometheus deploys for the platform's components, and the cluster objects its
// ServiceMonitors select, as fixtures for the label parity tests of PlatformExporters.
//
// ServiceMonitors: prometheus-operator/kube-prometheus v0.18.0 manifests/kubernetesControlPlane-serviceMonitor*.yaml
// (relabel-relevant fields only: selector, namespaceSelector, jobLabel, endpoints' port, path and
// relabelings; the scrape intervals, TLS and metric drops do not change target labels), and
// jsonnet/kube-prometheus/addons/static-etcd.libsonnet (etcd). The Services they select:
// - kubelet: created by prometheus-operator v0.93.0 pkg/kubelet/controller.go (labels l. 439-443,
//   endpoints targeting Nodes at their InternalIP l. 243-312, ports https-metrics 10250,
//   http-metrics 10255, cadvisor 4194);
// - kubernetes (default): as the API server creates it, kubernetes/kubernetes
//   cmd/kubeadm/app/util/apiclient/init_dryrun.go (labels component=apiserver, provider=kubernetes, port https 6443);
// - kube-dns and the CoreDNS Deployment: kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go
//   (commit 008b3652959c);
// - kube-controller-manager-prometheus-discovery, kube-scheduler-prometheus-discovery:
//   kube-prometheus v0.18.0 jsonnet/kube-prometheus/platforms/kubeadm.libsonnet;
// - etcd: kube-prometheus v0.18.0 addons/static-etcd.libsonnet (Service and Endpoints without targetRef).
// Static pods: kubernetes/kubernetes cmd/kubeadm/app/util/staticpod/utils.go `ComponentPod`
// (labels component=<name>, tier=control-plane, hostNetwork, no container ports), the mirror pod
// named `<name>-<node>` by the kubelet.

export const NAMESPACE = 'monitoring';

const sm = (name: string, spec: any) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name, namespace: NAMESPACE }, spec });
const kubeletRelabel = [{ action: 'replace', sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path' }];

/** kube-prometheus v0.18.0's ServiceMonitors, by component. */
export const SERVICE_MONITORS = {
  kubelet: sm('kubelet', {
    jobLabel: 'app.kubernetes.io/name',
    namespaceSelector: { matchNames: ['kube-system'] },
    selector: { matchLabels: { 'app.kubernetes.io/name': 'kubelet' } },
    endpoints: [
      { port: 'https-metrics', honorLabels: true, relabelings: kubeletRelabel },
      { port: 'https-metrics', honorLabels: true, path: '/metrics/cadvisor', relabelings: kubeletRelabel },
      { port: 'https-metrics', honorLabels: true, path: '/metrics/probes', relabelings: kubeletRelabel },
      { port: 'https-metrics', honorLabels: true, path: '/metrics/slis', relabelings: kubeletRelabel },
    ],
  }),
  apiserver: sm('kube-apiserver', {
    jobLabel: 'component',
    namespaceSelector: { matchNames: ['default'] },
    selector: { matchLabels: { component: 'apiserver', provider: 'kubernetes' } },
    endpoints: [{ port: 'https' }, { port: 'https', path: '/metrics/slis' }],
  }),
  coredns: sm('coredns', {
    jobLabel: 'app.kubernetes.io/name',
    namespaceSelector: { matchNames: ['kube-system'] },
    selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    endpoints: [{ port: 'metrics' }],
  }),
  kubeControllerManager: sm('kube-controller-manager', {
    jobLabel: 'app.kubernetes.io/name',
    namespaceSelector: { matchNames: ['kube-system'] },
    selector: { matchLabels: { 'app.kubernetes.io/name': 'kube-controller-manager' } },
    endpoints: [{ port: 'https-metrics' }, { port: 'https-metrics', path: '/metrics/slis' }],
  }),
  kubeScheduler: sm('kube-scheduler', {
    jobLabel: 'app.kubernetes.io/name',
    namespaceSelector: { matchNames: ['kube-system'] },
    selector: { matchLabels: { 'app.kubernetes.io/name': 'kube-scheduler' } },
    endpoints: [{ port: 'https-metrics' }, { port: 'https-metrics', path: '/metrics/slis' }],
  }),
  // static-etcd.libsonnet puts this one in kube-system, without a namespaceSelector.
  etcd: { ...sm('etcd', { jobLabel: 'app.kubernetes.io/name', selector: { matchLabels: { 'app.kubernetes.io/name': 'etcd' } }, endpoints: [{ port: 'metrics' }] }), metadata: { name: 'etcd', namespace: 'kube-system' } },
};

/** Two nodes of a kubeadm cluster: a control-plane node and a worker (Kubernetes' Node status). */
export const NODES = [
  { name: 'cp-1', ip: '10.0.0.11', controlPlane: true },
  { name: 'worker-1', ip: '10.0.0.21', controlPlane: false },
].map((n) => ({
  metadata: {
    name: n.name,
    labels: {
      'kubernetes.io/hostname': n.name,
      'kubernetes.io/os': 'linux',
      ...n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    },
  },
  spec: {},
  status: {
    addresses: [{ type: 'InternalIP', address: n.ip }, { type: 'Hostname', address: n.name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
  },
}));

/** A kubeadm static pod (mirror pod) of a control-plane component on the control-plane node. */
export function staticPod(component: string) {
  const node = NODES[0];
  const ip = node.status.addresses[0].address;
  return {
    metadata: { name: `${component}-${node.metadata.name}`, namespace: 'kube-system', labels: { component, tier: 'control-plane' } },
    spec: { nodeName: node.metadata.name, hostNetwork: true, containers: [{ name: component, image: `registry.k8s.io/${component}:v1.33.0` }] },
    status: { podIP: ip, hostIP: ip, phase: 'Running' },
  };
}

/** The two CoreDNS pods of the kubeadm Deployment `coredns`. */
export const COREDNS_PODS = ['10.244.0.2', '10.244.1.3'].map((ip, i) => ({
  metadata: { name: `coredns-674b8bbfcf-${['abcde', 'fghij'][i]}`, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    nodeName: NODES[i].metadata.name,
    containers: [{
      name: 'coredns',
      image: 'registry.k8s.io/coredns/coredns:v1.12.0',
      ports: [
        { containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
        { containerPort: 9153, name: 'metrics', protocol: 'TCP' }, { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
        { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
      ],
    }],
  },
  status: { podIP: ip, hostIP: NODES[i].status.addresses[0].address, phase: 'Running' },
}));

/** The Services kube-prometheus's ServiceMonitors select. */
export const SERVICES = {
  kubelet: { metadata: { name: 'kubelet', namespace: 'kube-system', labels: { 'k8s-app': 'kubelet', 'app.kubernetes.io/name': 'kubelet', 'app.kubernetes.io/managed-by': 'prometheus-operator' } } },
  apiserver: { metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } } },
  coredns: { metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } } },
  kubeControllerManager: { metadata: { name: 'kube-controller-manager-prometheus-discovery', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'kube-controller-manager' } } },
  kubeScheduler: { metadata: { name: 'kube-scheduler-prometheus-discovery', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'kube-scheduler' } } },
  etcd: { metadata: { name: 'etcd', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'etcd' } } },
};
