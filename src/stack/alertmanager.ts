import { createHash } from 'crypto';
import { ApiObjectMetadata, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { reloaderScript } from './alertmanager-reloader';
import { requireStack } from './check-stack';
import { PrometheusStack } from './prometheus-stack';
import { checkBoolean, checkMetadata, checkSize, checkString, checkStruct, fail } from '../core/checks';
import { checkPositiveInteger } from '../core/formats';
import { checkImage, checkStorageClassName } from '../k8s/checks';
import { NetworkPeer } from '../k8s/network-peer';
import { allowedPeers, dnsEgress, EgressRules, endpointEgress, podsInNamespace, tcpAndUdpPorts, tcpPorts, urlEgress } from '../k8s/network-policy';
import { checkObjectNames } from '../k8s/object-names';
import { checkResources, httpProbe, renderResources, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../k8s/pod';
import { toQuantity } from '../k8s/quantity';
import { webIngressPolicy, webMetadata, webSelectorLabels } from '../k8s/web-workload';
import { WireService, WireStatefulSet } from '../k8s/wire';
import { AlertmanagerConfig, AlertmanagerConfigProps } from '../model/alertmanager/alertmanager-config';
import { ALERTMANAGER_SECRETS_PATH, WATCHDOG_ALERT } from '../model/alertmanager/internal';
import { ALERTMANAGER_FLAG_GATES, DEFAULT_ALERTMANAGER_IMAGE, LATEST_ALERTMANAGER, OLDEST_ALERTMANAGER } from '../model/alertmanager/version-gates';
import {
  AlertingRule, AlertmanagerEndpoint, KubernetesRole, Relabel, RuleGroup, ServiceDiscovery,
} from '../model/prometheus';
import { promDuration } from '../model/prometheus/validate';
import { atLeast, formatVersion, imageAtLeast, imageVersion } from '../model/prometheus/version';

const k8s = kplus.k8s;

/** Where the config Secret (alertmanager.yml and the templates) is mounted, as a directory. */
const CONFIG_DIR = '/etc/alertmanager/config';
const DATA_DIR = '/alertmanager';
/** The user of the official image (`USER nobody`, prometheus/alertmanager v0.28.1 Dockerfile). */
const ALERTMANAGER_UID = 65534;
const WEB_PORT = 9093;
const MESH_PORT = 9094;
/** How often the reloader looks at the mounted config. */
const RELOAD_CHECK_SECONDS = 10;

/**
 * Properties of an `Alertmanager`: the configuration (`AlertmanagerConfigProps`) and the
 * workload.
 */
export interface AlertmanagerProps extends AlertmanagerConfigProps {
  /** The stack whose Prometheus sends its alerts here; the Alertmanager runs in its namespace. */
  readonly stack: PrometheusStack;
  /**
   * Labels and annotations of every object. The namespace is the stack's: its Prometheus
   * discovers the Alertmanager there.
   *
   * @default - the stack's namespace, no extra labels or annotations
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * The Alertmanager image, 0.25 or newer. Its tag gives the version: a field the version
   * lacks fails synthesis, naming the version it needs; a tag that is no version counts as
   * 0.28.1.
   *
   * @default 'quay.io/prometheus/alertmanager:v0.28.1'
   */
  readonly image?: string;
  /**
   * How many replicas; more than one form a gossip cluster that deduplicates notifications and
   * shares silences (no quorum: two are enough to survive one loss).
   *
   * @default 2
   */
  readonly replicas?: number;
  /**
   * How long silences and the notification log are kept (`--data.retention`).
   *
   * @default Duration.hours(120)
   */
  readonly retention?: Duration;
  /**
   * Keep silences and the notification log on a PersistentVolumeClaim per replica (a
   * `volumeClaimTemplate`); false keeps them in an emptyDir, where a pod restart loses them
   * unless a peer still has them.
   *
   * @default true
   */
  readonly persistentStorage?: boolean;
  /**
   * The size of each replica's claim.
   *
   * @default Size.gibibytes(1)
   */
  readonly storageSize?: Size;
  /**
   * The StorageClass of the claims.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * CPU and memory of the Alertmanager container.
   *
   * @default - requests 10m CPU and 100Mi memory, limit 256Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The URL users reach Alertmanager at (`--web.external-url`), used in the links of
   * notifications.
   *
   * @default - the pod's own address
   */
  readonly externalUrl?: string;
  /**
   * Create a NetworkPolicy that admits the stack's Prometheus (and `allowFrom`) to the web port
   * 9093 and only the peers to the gossip port 9094 (TCP and UDP).
   *
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Let the NetworkPolicy also restrict where Alertmanager connects (the Egress policy type):
   * DNS (kube-system, UDP and TCP 53), the peers' gossip port (TCP and UDP 9094), and each
   * receiver's endpoint when alertmanager.yml names it (a webhook `url`, an e-mail
   * `smarthost`). A receiver whose URL is read from a Secret, or is its service's default
   * (Slack, PagerDuty, OpsGenie, Teams), may connect to any address on TCP 443 (a webhook's
   * `urlFile`: on any port); the policy's `cdk8s-prometheus-monitoring/open-egress`
   * annotation says which.
   *
   * @default true (with `networkPolicy`)
   */
  readonly networkPolicyEgress?: boolean;
  /**
   * Who else may reach the web port (the UI, the API, amtool), such as
   * `NetworkPeer.fromNamespaceNames(['grafana'])`.
   *
   * @default - only the stack's Prometheus
   */
  readonly allowFrom?: NetworkPeer[];
}

/**
 * Alertmanager on Kubernetes, wired to a `PrometheusStack`: the stack's alerts reach people
 * through typed, checked routes and receivers.
 *
 * It creates a Secret with alertmanager.yml and the templates (never a ConfigMap), a
 * StatefulSet of `replicas` pods that gossip through a headless Service (`--cluster.peer` per
 * pod, port 9094 TCP and UDP), storage for silences and the notification log, a
 * PodDisruptionBudget when replicated, and a NetworkPolicy. A sidecar reloads the configuration
 * when the Secret changes, without restarting the pods. The stack discovers the pods through
 * the headless Service (`alerting.alertmanagers`, with the RBAC it needs) and gets the
 * always-firing `Watchdog` alert.
 */
export class Alertmanager extends Construct {
  /** The configuration, to add receivers, routes and templates. */
  public readonly config: AlertmanagerConfig;
  /** The image. */
  public readonly image: string;
  /** The number of replicas. */
  public readonly replicas: number;
  /** The namespace (the stack's). */
  public readonly namespaceName: string;
  /** The name of the Secret holding alertmanager.yml. */
  public readonly configSecretName: string;
  /** The name of the headless Service the pods gossip and are discovered through. */
  public readonly serviceName: string;
  /** The labels that select the Alertmanager pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The StatefulSet. */
  public readonly statefulSet: kplus.k8s.KubeStatefulSet;

  private readonly props: AlertmanagerProps;

  constructor(scope: Construct, id: string, props: AlertmanagerProps) {
    super(scope, id);
    checkObjectNames(this);
    const path = this.node.path;
    checkStruct(path, 'props', props, true);
    requireStack(path, 'stack', props.stack);
    checkResources(path, 'resources', props.resources);
    checkSize(path, 'storageSize', props.storageSize);
    checkStorageClassName(path, 'storageClassName', props.storageClassName);
    checkString(path, 'externalUrl', props.externalUrl);
    for (const flag of ['networkPolicy', 'networkPolicyEgress', 'persistentStorage'] as const) checkBoolean(path, flag, props[flag]);
    this.props = props;
    this.image = checkImage(path, 'image', props.image ?? DEFAULT_ALERTMANAGER_IMAGE, `Pin a release, such as ${DEFAULT_ALERTMANAGER_IMAGE}`);
    const version = imageVersion(this.image) ?? LATEST_ALERTMANAGER;
    if (!atLeast(version, OLDEST_ALERTMANAGER)) {
      fail(path, 'image', `must be Alertmanager ${OLDEST_ALERTMANAGER} or newer`, this.image, `Use ${DEFAULT_ALERTMANAGER_IMAGE}`);
    }
    this.replicas = props.replicas ?? 2;
    checkPositiveInteger(path, 'replicas', this.replicas);
    if (props.retention) promDuration(path, 'retention', props.retention);
    this.namespaceName = props.stack.namespaceName;
    checkMetadata(path, 'metadata', props.metadata);
    if (props.metadata?.namespace !== undefined && props.metadata.namespace !== this.namespaceName) {
      fail(path, 'metadata.namespace', `must be the stack's namespace '${this.namespaceName}', where its Prometheus discovers the Alertmanager`,
        props.metadata.namespace, 'Leave the namespace out, or give the stack that namespace');
    }
    this.config = AlertmanagerConfig._create(path, props, this.image);
    this.node.addValidation({ validate: () => this.config._problems() });

    this.selectorLabels = webSelectorLabels(this, 'alertmanager');
    const metadata = webMetadata(path, this.namespaceName, props.metadata, this.selectorLabels, 'alertmanager');

    const secret = new k8s.KubeSecret(this, 'Config', {
      metadata,
      type: 'Opaque',
      stringData: Lazy.any({ produce: () => this.files() }),
    });
    this.configSecretName = secret.name;

    // Headless: one DNS name per pod for --cluster.peer, published before the pods are ready so
    // that peers find each other while starting.
    const service = new WireService(this, 'Service', {
      metadata,
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [
          { name: 'web', port: WEB_PORT, targetPort: k8s.IntOrString.fromString('web'), protocol: 'TCP' },
          { name: 'mesh-tcp', port: MESH_PORT, targetPort: k8s.IntOrString.fromString('mesh-tcp'), protocol: 'TCP' },
          { name: 'mesh-udp', port: MESH_PORT, targetPort: k8s.IntOrString.fromString('mesh-udp'), protocol: 'UDP' },
        ],
      },
    });
    this.serviceName = service.name;

    this.statefulSet = new WireStatefulSet(this, 'Resource', {
      metadata,
      spec: Lazy.any({ produce: () => this._toKube() }),
    });

    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selectorLabels } },
      });
    }

    if (props.networkPolicy ?? true) {
      const others = allowedPeers(path, 'allowFrom', props.allowFrom, 'Prometheus is admitted anyway; omit allowFrom instead') ?? [];
      const peers = [{ podSelector: { matchLabels: this.selectorLabels } }];
      webIngressPolicy(this, 'NetworkPolicy', {
        metadata,
        selectorLabels: this.selectorLabels,
        rules: [
          { from: [podsInNamespace(props.stack.namespaceName, props.stack.selectorLabels), ...others], ports: [WEB_PORT] },
          { from: peers, ports: [MESH_PORT], udp: true },
        ],
        egress: (props.networkPolicyEgress ?? true) ? () => this.egress(peers) : undefined,
      });
    }

    // The stack sends alerts to every ready pod, found through the headless Service.
    const slices = imageAtLeast(props.stack.image, '2.21.0');
    const meta = slices ? '__meta_kubernetes_endpointslice' : '__meta_kubernetes_endpoint';
    props.stack.addAlertmanager(new AlertmanagerEndpoint({
      discovery: [ServiceDiscovery.kubernetes({
        role: slices ? KubernetesRole.ENDPOINT_SLICE : KubernetesRole.ENDPOINTS,
        namespaces: [this.namespaceName],
      })],
      relabelConfigs: [
        Relabel.keep({ sourceLabels: ['__meta_kubernetes_service_name'], regex: this.serviceName }),
        Relabel.keep({ sourceLabels: [`${meta}_port_name`], regex: 'web' }),
        // The Service publishes pods before they are ready (for the peers); Prometheus waits.
        Relabel.keep({ sourceLabels: [slices ? `${meta}_endpoint_conditions_ready` : `${meta}_ready`], regex: 'true' }),
      ],
    }));
    if (!props.stack.config.ruleGroups.some((g) => g.name === 'watchdog')) {
      props.stack.addRuleGroup(watchdogRuleGroup());
    }
  }

  /**
   * The StatefulSet spec.
   *
   * @internal
   */
  public _toKube(): kplus.k8s.StatefulSetSpec {
    const props = this.props;
    const version = imageVersion(this.image) ?? LATEST_ALERTMANAGER;
    const clustered = this.replicas > 1;
    const args = [
      `--config.file=${CONFIG_DIR}/alertmanager.yml`,
      `--storage.path=${DATA_DIR}`,
      `--data.retention=${promDuration(this.node.path, 'retention', props.retention ?? Duration.hours(120))}`,
      `--web.listen-address=:${WEB_PORT}`,
      // Probes and the reloader use /-/...; an external URL with a path must not move them.
      '--web.route-prefix=/',
      ...props.externalUrl ? [`--web.external-url=${props.externalUrl}`] : [],
      ...clustered ? [
        `--cluster.listen-address=[$(POD_IP)]:${MESH_PORT}`,
        ...Array.from({ length: this.replicas }, (_, i) => `--cluster.peer=${this.statefulSet.name}-${i}.${this.serviceName}:${MESH_PORT}`),
        // A replaced pod's old address is dropped after 5 minutes, not the default 6 hours (as prometheus-operator does).
        '--cluster.reconnect-timeout=5m',
        ...atLeast(version, ALERTMANAGER_FLAG_GATES[0].since) ? [`--cluster.label=${this.namespaceName}/${this.statefulSet.name}`] : [],
      ] : ['--cluster.listen-address='],
    ];
    const secretNames = [...new Set(this.config._credentials().flatMap((c) => c.secretName ? [c.secretName] : []))].sort();
    const secretVolume = (name: string) => `secret-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
    const persistent = props.persistentStorage ?? true;
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(10) },
      memory: { request: Size.mebibytes(100), limit: Size.mebibytes(256) },
    };
    const configMount = { name: 'config', mountPath: CONFIG_DIR, readOnly: true };
    return {
      serviceName: this.serviceName,
      replicas: this.replicas,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: this.selectorLabels },
      template: {
        metadata: { labels: this.selectorLabels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { ...restrictedPodSecurityContext(ALERTMANAGER_UID, { fsGroup: true }), fsGroupChangePolicy: 'OnRootMismatch' },
          // A clustered instance takes ~15 s to leave the gossip cluster.
          terminationGracePeriodSeconds: 120,
          containers: [{
            name: 'alertmanager',
            image: this.image,
            args,
            env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
            ports: [
              { name: 'web', containerPort: WEB_PORT, protocol: 'TCP' },
              ...clustered ? [
                { name: 'mesh-tcp', containerPort: MESH_PORT, protocol: 'TCP' },
                { name: 'mesh-udp', containerPort: MESH_PORT, protocol: 'UDP' },
              ] : [],
            ],
            readinessProbe: httpProbe('/-/ready', 'web', { periodSeconds: 5, failureThreshold: 10 }),
            livenessProbe: httpProbe('/-/healthy', 'web', { periodSeconds: 10, failureThreshold: 10 }),
            resources: renderResources(resources),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              configMount,
              { name: 'data', mountPath: DATA_DIR },
              ...secretNames.map((s) => ({ name: secretVolume(s), mountPath: `${ALERTMANAGER_SECRETS_PATH}/${s}`, readOnly: true })),
            ],
          }, {
            name: 'config-reloader',
            image: this.image,
            command: ['/bin/sh', '-c', reloaderScript(CONFIG_DIR, `http://127.0.0.1:${WEB_PORT}/-/reload`, RELOAD_CHECK_SECONDS)],
            resources: renderResources({ cpu: { request: kplus.Cpu.millis(5) }, memory: { request: Size.mebibytes(8), limit: Size.mebibytes(32) } }),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [configMount],
          }],
          volumes: [
            // A directory mount (never subPath), so that the kubelet updates the files in place.
            { name: 'config', secret: { secretName: this.configSecretName, defaultMode: 0o440 } },
            ...secretNames.map((s) => ({ name: secretVolume(s), secret: { secretName: s, defaultMode: 0o440 } })),
            ...persistent ? [] : [{ name: 'data', emptyDir: {} }],
          ],
        },
      },
      volumeClaimTemplates: persistent ? [{
        metadata: { name: 'data' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: props.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(toQuantity(props.storageSize ?? Size.gibibytes(1))) } },
        },
      }] : undefined,
    };
  }

  /** Where Alertmanager connects: DNS, its peers, the receivers. */
  private egress(peers: kplus.k8s.NetworkPolicyPeer[]): EgressRules {
    const rules: kplus.k8s.NetworkPolicyEgressRule[] = [dnsEgress(), ...this.replicas > 1 ? [{ to: peers, ports: tcpAndUdpPorts([MESH_PORT]) }] : []];
    const openReasons: string[] = [];
    for (const receiver of this.config._renderedReceivers()) {
      for (const [key, configs] of Object.entries(receiver)) {
        if (!key.endsWith('_configs')) continue;
        for (const c of configs as Array<{ [field: string]: unknown }>) {
          const literal = [c.url, c.api_url, c.webhook_url].find((u) => typeof u === 'string') as string | undefined;
          if (literal !== undefined) {
            rules.push(urlEgress(literal) ?? {});
          } else if (typeof c.smarthost === 'string') {
            const m = c.smarthost.match(/^(\[[^\]]+\]|[^:]+):(\d+)$/)!;
            rules.push(endpointEgress(m[1], Number(m[2])) ?? {});
          } else {
            const anyPort = key === 'webhook_configs';
            openReasons.push(`receiver '${receiver.name}': its ${key.replace(/_configs$/, '')} URL is read from a file or is the service's default, `
              + `known at run time only (${anyPort ? 'any port' : 'TCP 443'})`);
            rules.push(anyPort ? {} : { ports: tcpPorts([443]) });
          }
        }
      }
    }
    return { rules, openReasons };
  }

  /** The Alertmanager version of the image. */
  public get version(): string {
    return formatVersion(imageVersion(this.image) ?? LATEST_ALERTMANAGER);
  }

  /** The Secret's files: alertmanager.yml and the templates. */
  private files(): { [file: string]: string } {
    return { 'alertmanager.yml': this.config.toYaml(), ...this.config.templates };
  }
}

/**
 * The always-firing alert of a dead man's switch, as kube-prometheus has it
 * (prometheus-operator/kube-prometheus v0.18.0 manifests/kubePrometheus-prometheusRule.yaml,
 * group `general.rules`: `vector(1)`, `severity: none`).
 */
function watchdogRuleGroup(): RuleGroup {
  return new RuleGroup({
    name: 'watchdog',
    rules: [new AlertingRule({
      alert: WATCHDOG_ALERT,
      expr: 'vector(1)',
      labels: { severity: 'none' },
      annotations: {
        summary: 'Always firing: proves that the whole alerting path works',
        description: 'This alert fires all the time. Its receiver (a dead man\'s switch service) raises an alarm when it stops '
          + 'arriving, which means Prometheus, Alertmanager or the path between them is broken.',
      },
    })],
  });
}
