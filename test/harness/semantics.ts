/**
 * What the API server checks beyond the schemas: the part of `validateManifests` that the shared
 * validator (../shared/tools/validate-manifests.cjs: Kubernetes 1.28 and CRD schemas, unknown
 * fields, DNS-1123 object names, metadata.labels, nodePort range) does not check. Each check
 * follows kubernetes/kubernetes v1.28.0 pkg/apis/core/validation/validation.go (pods, Services,
 * ConfigMaps, Secrets, label selectors), pkg/apis/networking/validation and pkg/apis/rbac/validation.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** Reports a problem at a path of the object (`spec.ports[0].name`, '' for the object). */
export type Report = (path: string, msg: string) => void;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const POD_TEMPLATE_API_VERSIONS = new Set(['v1', 'apps/v1', 'batch/v1']);
/** corev1.MaxSecretSize, the limit of a ConfigMap's and a Secret's data (ValidateConfigMap, ValidateSecret). */
const MAX_DATA_SIZE = 1024 * 1024;
const DNS_LABEL_NAMED_KINDS = new Set(['Service', 'Namespace']);
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};
const SELECTOR_MATCHES_TEMPLATE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** A DNS-1123 label (at most 63 characters), as Service and Namespace names must be. */
function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** A DNS-1123 subdomain (at most 253 characters), as most object names must be. */
function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** An IANA service name (container port names, named target ports). */
function isIanaSvcName(s: string): boolean {
  return s.length <= 15 && IANA_SVC_NAME.test(s) && /[a-z]/.test(s) && !s.includes('--');
}

/** Why `key` is not a valid label/annotation key, or undefined when it is. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return 'has an empty prefix';
    if (!isDnsSubdomain(prefix)) return `has a prefix "${prefix}" that is not a DNS-1123 subdomain`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return `has a name longer than 63 characters (${name.length})`;
  if (!QUALIFIED_NAME_PART.test(name)) return 'has a name that is not alphanumeric with "-", "_", "." inside';
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is. */
function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  if (value.length > 63) return `is longer than 63 characters (${value.length})`;
  if (!LABEL_VALUE.test(value)) return 'must be empty or alphanumeric with "-", "_", "." inside';
  return undefined;
}

/**
 * Whether the object is a Role, ClusterRole or a binding: their names are path segments
 * (pkg/apis/rbac/validation ValidateRBACName), e.g. `system:metrics-reader`, not DNS-1123 subdomains.
 */
export function isRbacObject(apiVersion: string, kind: string): boolean {
  return RBAC_KINDS.has(kind) && apiVersion.startsWith('rbac.authorization.k8s.io/');
}

/** The API server's checks of one object beyond the shared validator's (see the module doc). */
export function objectSemantics(obj: JsonObject, report: Report): void {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  // object name (the shared validator checks it is a DNS-1123 subdomain, for all but RBAC objects)
  const name = meta.name;
  if (typeof name !== 'string' || name === '') {
    if (typeof meta.generateName !== 'string') report('metadata.name', 'missing');
  } else if (isRbacObject(apiVersion, kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) report('metadata.name', `"${name}" is not a valid path segment name`);
  } else if (DNS_LABEL_NAMED_KINDS.has(kind) && apiVersion === 'v1') {
    if (!isDnsLabel(name)) report('metadata.name', `"${name}" is not a valid DNS-1123 label (lowercase alphanumeric and "-", at most 63 characters)`);
  }
  if (meta.namespace !== undefined && (typeof meta.namespace !== 'string' || !isDnsLabel(meta.namespace))) {
    report('metadata.namespace', `${describe(meta.namespace)} is not a valid DNS-1123 label`);
  }

  // labels (but the object's own, which the shared validator checks), annotations and label selectors
  walkLabelsAndSelectors(obj, '', report, kind);

  if (apiVersion === 'v1' && (kind === 'Service')) checkService(obj, report);
  if (apiVersion === 'v1' && (kind === 'ConfigMap' || kind === 'Secret')) checkConfigData(obj, kind, report);
  if (apiVersion === 'v1' && kind === 'ReplicationController') checkLabelMap(prop(obj, 'spec', 'selector'), 'spec.selector', report);
  if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') checkNetworkPolicy(obj, report);
  if (apiVersion.startsWith('rbac.authorization.k8s.io/')) checkRbac(obj, kind, report);

  const podPath = POD_TEMPLATE_API_VERSIONS.has(apiVersion) ? POD_TEMPLATE_PATHS[kind] : undefined;
  if (podPath) {
    const podSpec = prop(obj, ...podPath);
    // A StatefulSet's claim templates are volumes of its pods: the controller adds them (the API
    // server does not check its mounts against the pod's volumes, kubernetes/kubernetes
    // pkg/apis/apps/validation/validation.go ValidatePodTemplateSpecForStatefulSet).
    const claimTemplates = kind === 'StatefulSet' ? prop(obj, 'spec', 'volumeClaimTemplates') : undefined;
    const claimNames = (Array.isArray(claimTemplates) ? claimTemplates : []).map((t) => prop(t, 'metadata', 'name')).filter((n): n is string => typeof n === 'string');
    if (isObject(podSpec)) checkPodSpec(podSpec, podPath.join('.'), report, claimNames);
    if (SELECTOR_MATCHES_TEMPLATE.has(kind)) {
      const selector = prop(obj, 'spec', 'selector');
      const labels = prop(obj, 'spec', 'template', 'metadata', 'labels');
      if (isObject(selector) && !selectorMatches(selector, isObject(labels) ? labels : {})) {
        report('spec.selector', 'does not match spec.template.metadata.labels');
      }
    }
  }
}

/**
 * Objects that the API server would take for one: the same group, kind, namespace and name.
 * Reports each later one with the index of the first.
 */
export function checkUniqueNames(objs: readonly unknown[], report: (index: number, msg: string) => void): void {
  const seen = new Map<string, number>();
  objs.forEach((obj, index) => {
    if (!isObject(obj)) return;
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const id = `${group}/${String(obj.kind)}/${String(meta.namespace ?? '')}/${String(meta.name ?? '')}`;
    const first = seen.get(id);
    if (first !== undefined) report(index, `duplicate object: same group, kind, namespace and name as object #${first}`);
    else seen.set(id, index);
  });
}

function walkLabelsAndSelectors(value: unknown, at: string, report: Report, kind: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkLabelsAndSelectors(v, joinPath(at, i), report, kind));
    return;
  }
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const here = joinPath(at, key);
    if (at === '' && (kind === 'ConfigMap' || kind === 'Secret') && key !== 'metadata') continue;
    if (key === 'metadata' && isObject(v)) {
      if (v.labels !== undefined && at !== '') checkLabelMap(v.labels, joinPath(here, 'labels'), report);
      if (v.annotations !== undefined) checkAnnotations(v.annotations, joinPath(here, 'annotations'), report);
    }
    if (key === 'matchLabels') checkLabelMap(v, here, report);
    if (key === 'matchExpressions') checkMatchExpressions(v, here, report);
    walkLabelsAndSelectors(v, here, report, kind);
  }
}

function checkLabelMap(labels: unknown, at: string, report: Report): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    report(at, `must be a map of strings, got ${describe(labels)}`);
    return;
  }
  for (const [k, v] of Object.entries(labels)) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) report(joinPath(at, k), `label key ${keyProblem}`);
    const valueProblem = labelValueProblem(v);
    if (valueProblem) report(joinPath(at, k), `label value ${JSON.stringify(v)} ${valueProblem}`);
  }
}

function checkAnnotations(annotations: unknown, at: string, report: Report): void {
  if (!isObject(annotations)) {
    report(at, `must be a map of strings, got ${describe(annotations)}`);
    return;
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    const keyProblem = qualifiedNameProblem(k.toLowerCase());
    if (keyProblem) report(joinPath(at, k), `annotation key ${keyProblem}`);
    if (typeof v !== 'string') report(joinPath(at, k), `annotation value must be a string, got ${describe(v)}`);
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > 256 * 1024) report(at, `annotations total ${size} bytes, more than 256 KiB`);
}

function checkMatchExpressions(exprs: unknown, at: string, report: Report): void {
  if (!Array.isArray(exprs)) return;
  exprs.forEach((e, i) => {
    const here = joinPath(at, i);
    if (!isObject(e)) return;
    if (typeof e.key !== 'string' || qualifiedNameProblem(e.key)) report(joinPath(here, 'key'), `invalid label key ${describe(e.key)}`);
    const values = Array.isArray(e.values) ? e.values : [];
    if (e.operator === 'In' || e.operator === 'NotIn') {
      if (values.length === 0) report(joinPath(here, 'values'), `must be non-empty for operator ${e.operator}`);
    } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
      if (values.length > 0) report(joinPath(here, 'values'), `must be empty for operator ${e.operator}`);
    } else {
      report(joinPath(here, 'operator'), `must be In, NotIn, Exists or DoesNotExist, got ${describe(e.operator)}`);
    }
    values.forEach((v, j) => {
      const problem = labelValueProblem(v);
      if (problem) report(joinPath(joinPath(here, 'values'), j), `label value ${JSON.stringify(v)} ${problem}`);
    });
  });
}

/** Whether a LabelSelector (matchLabels + matchExpressions) selects `labels`. */
export function selectorMatches(selector: JsonObject, labels: JsonObject): boolean {
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return false; // an empty selector is rejected for workloads
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of exprs) {
    if (!isObject(e) || typeof e.key !== 'string') return false;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function checkPortNumber(value: unknown, at: string, report: Report): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    report(at, `must be a port number 1-65535, got ${describe(value)}`);
  }
}

/** A port given as a number or as an IANA service name (targetPort, probe ports, NetworkPolicy ports). */
function checkNumberOrNamedPort(value: unknown, at: string, report: Report): void {
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) report(at, `numeric port given as a string ${JSON.stringify(value)}: use a number`);
    else if (!isIanaSvcName(value)) report(at, `port name ${JSON.stringify(value)} is not an IANA service name (at most 15 lowercase alphanumerics or "-", with a letter)`);
  } else {
    checkPortNumber(value, at, report);
  }
}

function checkService(obj: JsonObject, report: Report): void {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const names = new Set<string>();
  const portProtocols = new Set<string>();
  if (type !== 'ExternalName' && ports.length === 0 && spec.clusterIP !== 'None') report('spec.ports', 'must have at least one port');
  if (type === 'ExternalName' && typeof spec.externalName !== 'string') report('spec.externalName', 'required for type ExternalName');
  if (spec.selector !== undefined) checkLabelMap(spec.selector, 'spec.selector', report);
  ports.forEach((p, i) => {
    const at = joinPath('spec.ports', i);
    if (!isObject(p)) return;
    if (p.name === undefined) {
      if (ports.length > 1) report(joinPath(at, 'name'), 'required when a Service has more than one port');
    } else if (typeof p.name !== 'string' || !isDnsLabel(p.name)) {
      report(joinPath(at, 'name'), `${describe(p.name)} is not a valid DNS-1123 label`);
    } else if (names.has(p.name)) {
      report(joinPath(at, 'name'), `duplicate port name "${p.name}"`);
    } else {
      names.add(p.name);
    }
    checkPortNumber(p.port, joinPath(at, 'port'), report);
    const pp = `${String(p.port)}/${String(p.protocol ?? 'TCP')}`;
    if (portProtocols.has(pp)) report(joinPath(at, 'port'), `duplicate port ${pp}`);
    portProtocols.add(pp);
    if (p.targetPort !== undefined) checkNumberOrNamedPort(p.targetPort, joinPath(at, 'targetPort'), report);
    // nodePort: the shared validator checks its range and the Service type
  });
}

function checkConfigData(obj: JsonObject, kind: string, report: Report): void {
  const sections = kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
  const keys = new Map<string, string>();
  let size = 0;
  for (const section of sections) {
    const data = obj[section];
    if (!isObject(data)) continue;
    for (const [k, v] of Object.entries(data)) {
      // the values' bytes, decoded (binaryData and a Secret's data are base64), as ValidateConfigMap and ValidateSecret sum them
      const decoded = section === 'binaryData' || (kind === 'Secret' && section === 'data');
      if (typeof v === 'string') size += decoded ? Buffer.from(v, 'base64').length : Buffer.byteLength(v);
      if (k.length > 253 || !CONFIG_KEY.test(k) || k === '.' || k === '..') {
        report(joinPath(section, k), 'key must consist of alphanumerics, "-", "_" or "." (at most 253 characters)');
      }
      const other = keys.get(k);
      if (other !== undefined && kind === 'ConfigMap') report(joinPath(section, k), `duplicate key, also in ${other}`);
      keys.set(k, section);
    }
  }
  if (size > MAX_DATA_SIZE) report(sections[0], `${size} bytes, more than the ${MAX_DATA_SIZE} bytes (1 MiB) a ${kind} may hold`);
}

function checkNetworkPolicy(obj: JsonObject, report: Report): void {
  for (const direction of ['ingress', 'egress']) {
    const rules = prop(obj, 'spec', direction);
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      const ports = prop(rule, 'ports');
      if (!Array.isArray(ports)) return;
      ports.forEach((p, j) => {
        const at = joinPath(joinPath(joinPath(joinPath('spec', direction), i), 'ports'), j);
        if (!isObject(p) || p.port === undefined) return;
        checkNumberOrNamedPort(p.port, joinPath(at, 'port'), report);
        if (p.endPort !== undefined) {
          if (typeof p.port !== 'number') report(joinPath(at, 'endPort'), 'may only be used with a numeric port');
          else if (typeof p.endPort !== 'number' || p.endPort < p.port) report(joinPath(at, 'endPort'), `must be >= port ${p.port}`);
        }
      });
    });
  }
}

function checkRbac(obj: JsonObject, kind: string, report: Report): void {
  if (kind === 'Role' || kind === 'ClusterRole') {
    const rules = Array.isArray(obj.rules) ? obj.rules : [];
    rules.forEach((rule, i) => {
      const at = joinPath('rules', i);
      if (!isObject(rule)) return;
      const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
      if (len(rule.verbs) === 0) report(joinPath(at, 'verbs'), 'must have at least one verb');
      if (len(rule.nonResourceURLs) > 0) {
        if (kind === 'Role') report(joinPath(at, 'nonResourceURLs'), 'Roles cannot have nonResourceURLs (only ClusterRoles)');
        if (len(rule.resources) > 0 || len(rule.apiGroups) > 0) report(at, 'nonResourceURLs cannot be combined with apiGroups/resources');
      } else {
        if (len(rule.apiGroups) === 0) report(joinPath(at, 'apiGroups'), 'required (use [""] for the core group)');
        if (len(rule.resources) === 0) report(joinPath(at, 'resources'), 'required');
      }
    });
  }
  if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
    const ref = isObject(obj.roleRef) ? obj.roleRef : {};
    if (ref.apiGroup !== 'rbac.authorization.k8s.io') report('roleRef.apiGroup', `must be rbac.authorization.k8s.io, got ${describe(ref.apiGroup)}`);
    const allowed = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
    if (!allowed.includes(String(ref.kind))) report('roleRef.kind', `must be ${allowed.join(' or ')}, got ${describe(ref.kind)}`);
    if (typeof ref.name !== 'string' || ref.name === '') report('roleRef.name', 'required');
    const subjects = Array.isArray(obj.subjects) ? obj.subjects : [];
    subjects.forEach((s, i) => {
      const at = joinPath('subjects', i);
      if (!isObject(s)) return;
      if (s.kind === 'ServiceAccount') {
        if (s.apiGroup !== undefined && s.apiGroup !== '') report(joinPath(at, 'apiGroup'), 'must be "" for ServiceAccount subjects');
        if (typeof s.name !== 'string' || !isDnsSubdomain(s.name)) report(joinPath(at, 'name'), `invalid ServiceAccount name ${describe(s.name)}`);
        if (kind === 'ClusterRoleBinding' && (typeof s.namespace !== 'string' || s.namespace === '')) {
          report(joinPath(at, 'namespace'), 'required for ServiceAccount subjects of a ClusterRoleBinding');
        }
      } else if (s.kind === 'User' || s.kind === 'Group') {
        if (s.apiGroup !== 'rbac.authorization.k8s.io') report(joinPath(at, 'apiGroup'), `must be rbac.authorization.k8s.io for ${s.kind} subjects`);
      } else {
        report(joinPath(at, 'kind'), `must be ServiceAccount, User or Group, got ${describe(s.kind)}`);
      }
    });
  }
}

function checkPodSpec(spec: JsonObject, at: string, report: Report, claimTemplateNames: string[] = []): void {
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  const volumeNames = new Set<string>(claimTemplateNames);
  volumes.forEach((v, i) => {
    const here = joinPath(joinPath(at, 'volumes'), i);
    if (!isObject(v)) return;
    if (typeof v.name !== 'string' || !isDnsLabel(v.name)) report(joinPath(here, 'name'), `${describe(v.name)} is not a valid DNS-1123 label`);
    else if (volumeNames.has(v.name)) report(joinPath(here, 'name'), `duplicate volume name "${v.name}"`);
    else volumeNames.add(v.name);
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length !== 1) report(here, `must have exactly one volume source, has ${sources.length}${sources.length ? ` (${sources.join(', ')})` : ''}`);
    for (const [source, key] of [['configMap', 'name'], ['secret', 'secretName'], ['persistentVolumeClaim', 'claimName']]) {
      const ref = prop(v, source, key);
      if (isObject(v[source]) && (typeof ref !== 'string' || !isDnsSubdomain(ref))) {
        report(joinPath(joinPath(here, source), key), `${describe(ref)} is not a valid object name`);
      }
    }
  });
  if (spec.serviceAccountName !== undefined && (typeof spec.serviceAccountName !== 'string' || !isDnsSubdomain(spec.serviceAccountName))) {
    report(joinPath(at, 'serviceAccountName'), `${describe(spec.serviceAccountName)} is not a valid DNS-1123 subdomain`);
  }
  const containerNames = new Set<string>();
  const containers = Array.isArray(spec.containers) ? spec.containers : [];
  if (containers.length === 0) report(joinPath(at, 'containers'), 'must have at least one container');
  for (const list of ['initContainers', 'containers']) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (isObject(c)) checkContainer(c, joinPath(joinPath(at, list), i), containerNames, volumeNames, report);
    });
  }
}

function checkContainer(c: JsonObject, at: string, names: Set<string>, volumeNames: Set<string>, report: Report): void {
  if (typeof c.name !== 'string' || !isDnsLabel(c.name)) report(joinPath(at, 'name'), `${describe(c.name)} is not a valid DNS-1123 label`);
  else if (names.has(c.name)) report(joinPath(at, 'name'), `duplicate container name "${c.name}"`);
  else names.add(c.name);
  if (typeof c.image !== 'string' || c.image.trim() === '') report(joinPath(at, 'image'), 'required');

  const portNames = new Set<string>();
  const ports = Array.isArray(c.ports) ? c.ports : [];
  ports.forEach((p, i) => {
    const here = joinPath(joinPath(at, 'ports'), i);
    if (!isObject(p)) return;
    checkPortNumber(p.containerPort, joinPath(here, 'containerPort'), report);
    if (p.hostPort !== undefined) checkPortNumber(p.hostPort, joinPath(here, 'hostPort'), report);
    if (p.name !== undefined) {
      if (typeof p.name !== 'string' || !isIanaSvcName(p.name)) {
        report(joinPath(here, 'name'), `${describe(p.name)} is not an IANA service name (at most 15 lowercase alphanumerics or "-", with a letter)`);
      } else if (portNames.has(p.name)) {
        report(joinPath(here, 'name'), `duplicate port name "${p.name}"`);
      } else {
        portNames.add(p.name);
      }
    }
  });

  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const pr = c[probe];
    if (!isObject(pr)) continue;
    const here = joinPath(at, probe);
    const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter((h) => pr[h] !== undefined);
    if (handlers.length !== 1) report(here, `must have exactly one handler (exec, httpGet, tcpSocket or grpc), has ${handlers.length}`);
    for (const h of ['httpGet', 'tcpSocket']) {
      const port = prop(pr, h, 'port');
      if (port === undefined) continue;
      checkNumberOrNamedPort(port, joinPath(joinPath(here, h), 'port'), report);
      if (typeof port === 'string' && !portNames.has(port)) report(joinPath(joinPath(here, h), 'port'), `names port "${port}", which the container does not declare`);
    }
  }

  const mountPaths = new Set<string>();
  const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
  mounts.forEach((m, i) => {
    const here = joinPath(joinPath(at, 'volumeMounts'), i);
    if (!isObject(m)) return;
    if (typeof m.name !== 'string' || !volumeNames.has(m.name)) report(joinPath(here, 'name'), `${describe(m.name)} is not a volume of the pod`);
    if (typeof m.mountPath !== 'string' || m.mountPath === '') report(joinPath(here, 'mountPath'), 'required');
    else if (mountPaths.has(m.mountPath)) report(joinPath(here, 'mountPath'), `duplicate mountPath "${m.mountPath}"`);
    else mountPaths.add(m.mountPath);
  });

  const env = Array.isArray(c.env) ? c.env : [];
  env.forEach((e, i) => {
    const n = prop(e, 'name');
    if (typeof n !== 'string' || !ENV_VAR_NAME.test(n)) report(joinPath(joinPath(joinPath(at, 'env'), i), 'name'), `${describe(n)} is not a valid environment variable name`);
  });

  const requests = prop(c, 'resources', 'requests');
  const limits = prop(c, 'resources', 'limits');
  const parsed: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const [section, values] of [['requests', requests], ['limits', limits]] as const) {
    if (!isObject(values)) continue;
    for (const [resource, q] of Object.entries(values)) {
      const n = parseQuantity(q);
      if (n === undefined) report(joinPath(joinPath(joinPath(at, 'resources'), section), resource), `${describe(q)} is not a quantity (e.g. 500m, 512Mi, 2)`);
      else parsed[section][resource] = n;
    }
  }
  for (const [resource, request] of Object.entries(parsed.requests)) {
    const limit = parsed.limits[resource];
    if (limit !== undefined && request > limit) {
      report(joinPath(joinPath(joinPath(at, 'resources'), 'requests'), resource), `must be less than or equal to the ${resource} limit`);
    }
  }
}

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const QUANTITY_FACTORS = new Map<string, number>([
  ['Ki', 2 ** 10], ['Mi', 2 ** 20], ['Gi', 2 ** 30], ['Ti', 2 ** 40], ['Pi', 2 ** 50], ['Ei', 2 ** 60],
  ['n', 1e-9], ['u', 1e-6], ['m', 1e-3], ['', 1], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12], ['P', 1e15], ['E', 1e18],
]);

/** The value of a Kubernetes quantity (`500m`, `1Gi`, `2e3`, 1.5), or undefined when invalid. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : QUANTITY_FACTORS.get(suffix) ?? NaN;
  return Number(m[1]) * factor;
}

// ---------------------------------------------------------------------------------------------
// small helpers

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function prop(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if ((typeof cur !== 'object' && typeof cur !== 'function') || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** `base` with a field or an index appended: `spec.ports[0].name`, `data["a b"]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A value in a message: its type and (the start of) its JSON. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return `${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v} ${s.length > 60 ? `${s.slice(0, 57)}...` : s}`;
}

