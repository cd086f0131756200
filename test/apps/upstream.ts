// What upstream does with the objects an AppServiceMonitor writes, derived from upstream source
// (never from this library's output), for the tests of test/apps:
//
// - operatorScrapeJobs: the scrape jobs prometheus-operator generates for a ServiceMonitor,
//   from prometheus-operator/prometheus-operator v0.93.0 (the release of the CRDs in
//   ../shared/crds, `operator.prometheus.io/version: 0.93.0`) pkg/prometheus/promcfg.go.
// - endpointSliceTargets: the targets, with their `__meta_kubernetes_*` labels, that
//   Prometheus's EndpointSlice discovery gives for a Service, from prometheus/prometheus v3.5.0
//   (the stack's default image) discovery/kubernetes/endpointslice.go, service.go, pod.go and
//   kubernetes.go.
//
// Both cover what AppServiceMonitor's objects use, and fail on anything else rather than guess.
import { RelabelTarget } from '../harness';

/** The `job` label a scrape pool gives its targets before relabelling is the job name. */
export interface OperatorJob {
  readonly job_name: string;
  readonly [field: string]: unknown;
}

/** promcfg.go l. 74-78 `sanitizeLabelName`. */
const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** promcfg.go l. 2396-2433 `generateRelabelConfig`: the CRD's camelCase rule as prometheus.yml's. */
function relabelRule(r: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if ((r.sourceLabels ?? []).length > 0) out.source_labels = r.sourceLabels;
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.targetLabel) out.target_label = r.targetLabel;
  if (r.regex) out.regex = r.regex;
  if (r.modulus) out.modulus = r.modulus;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  if (r.action) out.action = String(r.action).toLowerCase();
  return out;
}

/**
 * The scrape jobs prometheus-operator v0.93.0 generates for a ServiceMonitor (one per endpoint),
 * following `generateServiceMonitorConfig` (promcfg.go l. 1949-2240) for a Prometheus object
 * with `serviceDiscoveryRole: EndpointSlice` (the role the stack's jobs use; with the default
 * `Endpoints` role only the meta label prefix differs, l. 2087-2091 and 2113-2116), no scrape
 * class, no enforced namespace label, no `ignoreNamespaceSelectors`, and one shard, whose
 * `$(SHARD)` the config reloader substitutes with 0 (pkg/operator/config_reloader.go `ShardEnvVar`).
 */
export function operatorScrapeJobs(sm: any): OperatorJob[] {
  const spec = sm.spec;
  for (const unsupported of ['selectorMechanism', 'scrapeClass', 'attachMetadata']) {
    if (spec[unsupported] !== undefined) throw new Error(`operatorScrapeJobs: spec.${unsupported} is not modelled`);
  }
  if (spec.namespaceSelector !== undefined && spec.namespaceSelector.matchNames === undefined) {
    throw new Error('operatorScrapeJobs: only namespaceSelector.matchNames is modelled');
  }
  if ((spec.selector.matchExpressions ?? []).length > 0) throw new Error('operatorScrapeJobs: matchExpressions are not modelled');
  const { name, namespace } = sm.metadata;

  return (spec.endpoints as any[]).map((ep, i) => {
    if (ep.port === undefined) throw new Error('operatorScrapeJobs: only endpoints with a port name are modelled');
    // l. 1959-1965: the job name, honor_labels.
    const job: Record<string, unknown> = { job_name: `serviceMonitor/${namespace}/${name}/${i}`, honor_labels: ep.honorLabels ?? false };
    // l. 1982-1990 and getNamespacesFromNamespaceSelector l. 2437-2446: the ServiceMonitor's own namespace.
    // With namespaceSelector.matchNames, those namespaces (getNamespacesFromNamespaceSelector l. 2437-2446).
    job.kubernetes_sd_configs = [{ role: 'endpointslice', namespaces: { names: spec.namespaceSelector?.matchNames ?? [namespace] } }];
    // l. 1992-2006.
    if (ep.interval) job.scrape_interval = ep.interval;
    if (ep.scrapeTimeout) job.scrape_timeout = ep.scrapeTimeout;
    if (ep.path) job.metrics_path = ep.path;
    if (ep.params) job.params = ep.params;
    if (ep.scheme) job.scheme = ep.scheme;
    // l. 2018 addTLStoYaml (l. 858-948): Secret keys become files under /etc/prometheus/certs named
    // by pkg/assets/tls.go tlsAssetKey.toString ("0" for a Secret), then the *File fields.
    if (ep.tlsConfig) {
      const t = ep.tlsConfig;
      const asset = (sel: any) => `/etc/prometheus/certs/0_${namespace}_${sel.name}_${sel.key}`;
      const tls: Record<string, unknown> = {};
      if (t.insecureSkipVerify !== undefined) tls.insecure_skip_verify = t.insecureSkipVerify;
      if (t.ca?.secret) tls.ca_file = asset(t.ca.secret);
      if (t.cert?.secret) tls.cert_file = asset(t.cert.secret);
      if (t.keySecret) tls.key_file = asset(t.keySecret);
      if (t.serverName) tls.server_name = t.serverName;
      if (t.minVersion) tls.min_version = t.minVersion;
      if (t.caFile) tls.ca_file = t.caFile;
      if (t.certFile) tls.cert_file = t.certFile;
      if (t.keyFile) tls.key_file = t.keyFile;
      job.tls_config = tls;
    }
    // l. 2037-2039 addBasicAuthToYaml (l. 639-667) and addAuthorizationToYaml (l. 747-766): the
    // Secrets' values are written inline into the generated configuration (itself a Secret).
    const value = (sel: any) => `<value of Secret ${namespace}/${sel.name} key ${sel.key}>`;
    if (ep.basicAuth) job.basic_auth = { username: ep.basicAuth.username ? value(ep.basicAuth.username) : '', password: value(ep.basicAuth.password) };
    if (ep.authorization) job.authorization = { type: ep.authorization.type ?? 'Bearer', credentials: value(ep.authorization.credentials) };

    // l. 2041 initRelabelings (l. 1222-1229).
    const relabelings: Array<Record<string, unknown>> = [{ source_labels: ['job'], target_label: '__tmp_prometheus_job_name' }];
    // l. 2046-2053: one keep rule per selector label, in sorted key order.
    for (const k of Object.keys(spec.selector.matchLabels ?? {}).sort()) {
      relabelings.push({
        action: 'keep',
        source_labels: [`__meta_kubernetes_service_label_${sanitize(k)}`, `__meta_kubernetes_service_labelpresent_${sanitize(k)}`],
        regex: `(${spec.selector.matchLabels[k]});true`,
      });
    }
    // l. 2086-2096: the endpoint's port, by name.
    const prefix = '__meta_kubernetes_endpointslice';
    relabelings.push({ action: 'keep', source_labels: [`${prefix}_port_name`], regex: ep.port });
    // l. 2113-2150: node, pod, namespace, service, pod, container.
    const target = [`${prefix}_address_target_kind`, `${prefix}_address_target_name`];
    relabelings.push(
      { source_labels: target, separator: ';', regex: 'Node;(.*)', replacement: '${1}', target_label: 'node' },
      { source_labels: target, separator: ';', regex: 'Pod;(.*)', replacement: '${1}', target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_service_name'], target_label: 'service' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
    );
    // l. 2152-2154, generateRunningFilter l. 2242-2248 (filterRunning defaults to true).
    if (ep.filterRunning ?? true) relabelings.push({ action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' });
    // l. 2156-2174: targetLabels from the Service, podTargetLabels from the pod.
    for (const l of spec.targetLabels ?? []) {
      relabelings.push({ source_labels: [`__meta_kubernetes_service_label_${sanitize(l)}`], target_label: sanitize(l), regex: '(.+)', replacement: '${1}' });
    }
    for (const l of spec.podTargetLabels ?? []) {
      relabelings.push({ source_labels: [`__meta_kubernetes_pod_label_${sanitize(l)}`], target_label: sanitize(l), regex: '(.+)', replacement: '${1}' });
    }
    // l. 2176-2191: job from the Service name, or from the Service's jobLabel label when it has one.
    relabelings.push({ source_labels: ['__meta_kubernetes_service_name'], target_label: 'job', replacement: '${1}' });
    if (spec.jobLabel) {
      relabelings.push({ source_labels: [`__meta_kubernetes_service_label_${sanitize(spec.jobLabel)}`], target_label: 'job', regex: '(.+)', replacement: '${1}' });
    }
    // l. 2193-2199: the endpoint label is the port name.
    relabelings.push({ target_label: 'endpoint', replacement: ep.port });
    // l. 2212: the endpoint's own relabelings.
    relabelings.push(...(ep.relabelings ?? []).map(relabelRule));
    // l. 2214, appendShardingRelabelingWithLabel l. 2374-2393 (one shard, $(SHARD) substituted).
    relabelings.push(
      { source_labels: ['__address__', '__tmp_hash'], target_label: '__tmp_hash', regex: '(.+);', replacement: '$1', action: 'replace' },
      { source_labels: ['__tmp_hash'], target_label: '__tmp_hash', modulus: 1, action: 'hashmod' },
      { source_labels: ['__tmp_hash', '__tmp_disable_sharding'], regex: '0;|.+;.+', action: 'keep' },
    );
    job.relabel_configs = relabelings;
    // l. 2231-2237.
    if ((ep.metricRelabelings ?? []).length > 0) job.metric_relabel_configs = ep.metricRelabelings.map(relabelRule);
    return job as OperatorJob;
  });
}

/** A running pod of a workload, as the API server reports it. */
export interface PodInstance {
  readonly name: string;
  readonly ip: string;
  /** The pod template (`spec.template` of a Deployment) the pod was made from. */
  readonly template: any;
  readonly namespace: string;
  /** @default 'Running' */
  readonly phase?: string;
  /** @default 'node-1' */
  readonly nodeName?: string;
}

/**
 * discovery/kubernetes/kubernetes.go l. 786-800 `addObjectMetaLabels`. The Service's labels and
 * annotations are the same in v2.42.0 (Debian's, which the tests run): discovery/kubernetes/service.go
 * `serviceLabels` l. 164-182 writes `__meta_kubernetes_service_annotation_<name>` and
 * `..._annotationpresent_<name>: true`, the name through util/strutil/strconv.go
 * `SanitizeLabelName` (every character outside [a-zA-Z0-9_] becomes `_`), and
 * endpointslice.go `addServiceLabels` l. 453-478 merges them into every target of the Service.
 */
function objectMetaLabels(role: string, metadata: any): Record<string, string> {
  const out: Record<string, string> = { [`__meta_kubernetes_${role}_name`]: metadata.name };
  for (const [k, v] of Object.entries(metadata.labels ?? {})) {
    out[`__meta_kubernetes_${role}_label_${sanitize(k)}`] = String(v);
    out[`__meta_kubernetes_${role}_labelpresent_${sanitize(k)}`] = 'true';
  }
  for (const [k, v] of Object.entries(metadata.annotations ?? {})) {
    out[`__meta_kubernetes_${role}_annotation_${sanitize(k)}`] = String(v);
    out[`__meta_kubernetes_${role}_annotationpresent_${sanitize(k)}`] = 'true';
  }
  return out;
}

/** The labels EndpointSlice discovery gives every target of `service` from the Service object. */
export function serviceMetaLabels(service: any): Record<string, string> {
  return objectMetaLabels('service', service.metadata);
}

/**
 * The targets Prometheus v3.5.0's `endpointslice` role gives for one Service: one per Service
 * port and pod that the Service selects (Kubernetes' EndpointSlice controller puts into the
 * Service's EndpointSlice the pods of the Service's namespace that match its selector, with the
 * Service port's name and the numeric target port). Labels: `buildEndpointSlice`
 * (endpointslice.go l. 264-451), `serviceLabels` (service.go l. 164-170) and `podLabels`
 * (pod.go l. 215-238).
 */
export function endpointSliceTargets(service: any, pods: PodInstance[]): RelabelTarget[] {
  const selector: Record<string, string> = service.spec.selector ?? {};
  const selected = pods.filter((p) => p.namespace === service.metadata.namespace
    && Object.keys(selector).length > 0
    && Object.entries(selector).every(([k, v]) => p.template.metadata?.labels?.[k] === v));
  const sliceName = `${service.metadata.name}-abcde`;
  const groupLabels: Record<string, string> = {
    __meta_kubernetes_namespace: service.metadata.namespace,
    __meta_kubernetes_endpointslice_address_type: 'IPv4',
    ...objectMetaLabels('endpointslice', {
      name: sliceName,
      labels: { 'kubernetes.io/service-name': service.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
    }),
    ...objectMetaLabels('service', service.metadata),
  };
  const targets: RelabelTarget[] = [];
  for (const port of service.spec.ports) {
    if (typeof port.targetPort !== 'number') throw new Error('endpointSliceTargets: only numeric target ports are modelled');
    for (const pod of selected) {
      const labels: Record<string, string> = {
        ...groupLabels,
        __meta_kubernetes_endpointslice_port_name: port.name,
        __meta_kubernetes_endpointslice_port_protocol: port.protocol ?? 'TCP',
        __meta_kubernetes_endpointslice_port: String(port.targetPort),
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
        __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
        __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
        __meta_kubernetes_endpointslice_address_target_name: pod.name,
        __meta_kubernetes_endpointslice_endpoint_node_name: pod.nodeName ?? 'node-1',
        __meta_kubernetes_pod_ip: pod.ip,
        __meta_kubernetes_pod_ready: 'true',
        __meta_kubernetes_pod_phase: pod.phase ?? 'Running',
        __meta_kubernetes_pod_node_name: pod.nodeName ?? 'node-1',
        __meta_kubernetes_pod_host_ip: '192.168.0.10',
        __meta_kubernetes_pod_uid: `uid-${pod.name}`,
        ...objectMetaLabels('pod', { name: pod.name, labels: pod.template.metadata?.labels, annotations: pod.template.metadata?.annotations }),
        __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
        __meta_kubernetes_pod_controller_name: pod.name.replace(/-[a-z0-9]+$/, ''),
      };
      // endpointslice.go l. 369-392: the container that declares the port.
      const containers: any[] = [...pod.template.spec.containers ?? [], ...pod.template.spec.initContainers ?? []];
      const initFrom = (pod.template.spec.containers ?? []).length;
      containers.some((c, i) => (c.ports ?? []).some((cport: any) => {
        if (cport.containerPort !== port.targetPort) return false;
        Object.assign(labels, {
          __meta_kubernetes_pod_container_name: c.name,
          __meta_kubernetes_pod_container_image: c.image,
          __meta_kubernetes_pod_container_port_name: cport.name ?? '',
          __meta_kubernetes_pod_container_port_number: String(cport.containerPort),
          __meta_kubernetes_pod_container_port_protocol: cport.protocol ?? 'TCP',
          __meta_kubernetes_pod_container_init: String(i >= initFrom),
        });
        return true;
      }));
      targets.push({ address: `${pod.ip}:${port.targetPort}`, labels });
    }
  }
  return targets;
}

/** One endpoint of an EndpointSlice (discovery.k8s.io/v1 `Endpoint`). */
export interface SliceEndpoint {
  readonly address: string;
  /** `targetRef`: a Node or a Pod. @default - none */
  readonly targetRef?: { kind: 'Node' | 'Pod'; name: string };
  readonly nodeName?: string;
  /** The pod of a `Pod` targetRef, with its spec, as the API server reports it. */
  readonly pod?: { metadata: any; spec: any; status: { podIP: string; hostIP: string; phase: string } };
}

/**
 * The targets Prometheus v3.5.0's `endpointslice` role gives for one EndpointSlice of a Service
 * whose endpoints are given as they are (a Service without selector, whose EndpointSlice another
 * controller writes: the API server's `kubernetes` Service, prometheus-operator's kubelet Service,
 * a headless Service over host-network pods): `buildEndpointSlice` (endpointslice.go l. 264-451),
 * `serviceLabels` (service.go l. 164-170), `podLabels` (pod.go l. 215-238), `nodeName` and
 * `targetRef` as set, ready conditions true.
 */
export function sliceTargets(service: any, sliceName: string, ports: Array<{ name: string; port: number }>,
  endpoints: SliceEndpoint[]): RelabelTarget[] {
  const group: Record<string, string> = {
    __meta_kubernetes_namespace: service.metadata.namespace,
    __meta_kubernetes_endpointslice_address_type: 'IPv4',
    ...objectMetaLabels('endpointslice', { name: sliceName, labels: { 'kubernetes.io/service-name': service.metadata.name } }),
    ...objectMetaLabels('service', service.metadata),
  };
  const targets: RelabelTarget[] = [];
  for (const ep of endpoints) {
    for (const port of ports) {
      const labels: Record<string, string> = {
        ...group,
        __meta_kubernetes_endpointslice_port_name: port.name,
        __meta_kubernetes_endpointslice_port_protocol: 'TCP',
        __meta_kubernetes_endpointslice_port: String(port.port),
        __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
      };
      if (ep.targetRef) {
        labels.__meta_kubernetes_endpointslice_address_target_kind = ep.targetRef.kind;
        labels.__meta_kubernetes_endpointslice_address_target_name = ep.targetRef.name;
      }
      if (ep.nodeName) labels.__meta_kubernetes_endpointslice_endpoint_node_name = ep.nodeName;
      if (ep.pod) {
        Object.assign(labels, {
          __meta_kubernetes_pod_ip: ep.pod.status.podIP,
          __meta_kubernetes_pod_ready: 'true',
          __meta_kubernetes_pod_phase: ep.pod.status.phase,
          __meta_kubernetes_pod_node_name: ep.pod.spec.nodeName,
          __meta_kubernetes_pod_host_ip: ep.pod.status.hostIP,
          __meta_kubernetes_pod_uid: `uid-${ep.pod.metadata.name}`,
          ...objectMetaLabels('pod', ep.pod.metadata),
        });
        // l. 369-392: the container that declares the port (none for kubeadm's static pods).
        for (const c of ep.pod.spec.containers) {
          const cport = (c.ports ?? []).find((p: any) => p.containerPort === port.port);
          if (!cport) continue;
          Object.assign(labels, {
            __meta_kubernetes_pod_container_name: c.name,
            __meta_kubernetes_pod_container_image: c.image,
            __meta_kubernetes_pod_container_port_name: cport.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(cport.containerPort),
            __meta_kubernetes_pod_container_port_protocol: cport.protocol ?? 'TCP',
            __meta_kubernetes_pod_container_init: 'false',
          });
          break;
        }
      }
      targets.push({ address: `${ep.address}:${port.port}`, labels });
    }
  }
  return targets;
}

/**
 * The targets Prometheus v3.5.0's `node` role gives for a node (node.go `buildNode`, `nodeLabels`,
 * `nodeAddress`): `__address__` is the first InternalIP and the kubelet's port, `instance` the
 * node's name.
 */
export function nodeTargets(node: any): RelabelTarget {
  const addresses: Array<{ type: string; address: string }> = node.status.addresses;
  const labels: Record<string, string> = {
    __meta_kubernetes_node_provider_id: node.spec.providerID ?? '',
    ...objectMetaLabels('node', node.metadata),
    instance: node.metadata.name,
  };
  for (const a of addresses) labels[`__meta_kubernetes_node_address_${a.type}`] ??= a.address;
  const internal = addresses.find((a) => a.type === 'InternalIP')!.address;
  return { address: `${internal}:${node.status.daemonEndpoints.kubeletEndpoint.Port}`, labels };
}

/**
 * The targets Prometheus v3.5.0's `pod` role gives for a pod (pod.go `buildPod`): one per
 * container port, or one per container at the pod's IP when the container declares none.
 */
export function podTargets(pod: { metadata: any; spec: any; status: { podIP: string; hostIP: string; phase: string } }): RelabelTarget[] {
  const group: Record<string, string> = {
    __meta_kubernetes_namespace: pod.metadata.namespace,
    __meta_kubernetes_pod_ip: pod.status.podIP,
    __meta_kubernetes_pod_ready: 'true',
    __meta_kubernetes_pod_phase: pod.status.phase,
    __meta_kubernetes_pod_node_name: pod.spec.nodeName,
    __meta_kubernetes_pod_host_ip: pod.status.hostIP,
    __meta_kubernetes_pod_uid: `uid-${pod.metadata.name}`,
    ...objectMetaLabels('pod', pod.metadata),
  };
  return (pod.spec.containers as any[]).flatMap((c) => {
    const container = { ...group, __meta_kubernetes_pod_container_name: c.name, __meta_kubernetes_pod_container_image: c.image, __meta_kubernetes_pod_container_init: 'false' };
    if ((c.ports ?? []).length === 0) return [{ address: pod.status.podIP, labels: container }];
    return (c.ports as any[]).map((p) => ({
      address: `${pod.status.podIP}:${p.containerPort}`,
      labels: {
        ...container,
        __meta_kubernetes_pod_container_port_name: p.name ?? '',
        __meta_kubernetes_pod_container_port_number: String(p.containerPort),
        __meta_kubernetes_pod_container_port_protocol: p.protocol ?? 'TCP',
      },
    }));
  });
}
