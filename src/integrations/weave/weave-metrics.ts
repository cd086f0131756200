/**
 * The names of the metrics the Weave Net router and network policy controller expose, for
 * writing your own rules and dashboards.
 *
 * String constants rather than an enum: outside TypeScript, jsii passes enums by member
 * name, and a PromQL expression needs the metric name itself.
 *
 * @see https://github.com/weaveworks/weave/blob/v2.8.1/prog/weaver/metrics.go
 * @see https://github.com/weaveworks/weave/blob/v2.8.1/npc/metrics/metrics.go
 */
export class WeaveMetrics {
  /**
   * Number of peer-to-peer connections of a router, by `state` (see `WeaveConnectionState`),
   * `type` (the overlay: `fastdp`, `sleeve`, or `unknown` for connections not yet set up) and
   * `encryption` (`yes`, or empty). Gauge.
   *
   * For each state and type that has a connection, the router gives two series, one per
   * `encryption` value, even when one of them is 0; a state without any connection has no
   * series. Count connections with `sum without (type, encryption)`, and do not expect a 0.
   */
  public static readonly CONNECTIONS = 'weave_connections';
  /** Number of peer-to-peer connections a router has terminated. Counter. */
  public static readonly CONNECTION_TERMINATIONS_TOTAL = 'weave_connection_terminations_total';
  /** Number of IP addresses a router's allocator has handed out locally (`state="local-used"`). Gauge. */
  public static readonly IPS = 'weave_ips';
  /** Size of the IP address range the allocator manages. Gauge. */
  public static readonly MAX_IPS = 'weave_max_ips';
  /** Number of weaveDNS entries of the router. Gauge. */
  public static readonly DNS_ENTRIES = 'weave_dns_entries';
  /** Number of fast datapath (FastDP) flows. Gauge. */
  public static readonly FLOWS = 'weave_flows';
  /** Number of IP allocation requests waiting for address space. Gauge. */
  public static readonly IPAM_PENDING_ALLOCATES = 'weave_ipam_pending_allocates';
  /** Number of claims of specific IP addresses that wait to be granted. Gauge. */
  public static readonly IPAM_PENDING_CLAIMS = 'weave_ipam_pending_claims';
  /** Number of peers that own address space but cannot be reached. Gauge. */
  public static readonly IPAM_UNREACHABLE_COUNT = 'weave_ipam_unreachable_count';
  /** Percentage (0-100) of the address space owned by peers that cannot be reached. Gauge. */
  public static readonly IPAM_UNREACHABLE_PERCENTAGE = 'weave_ipam_unreachable_percentage';
  /**
   * Connection attempts blocked by the network policy controller (weave-npc), by `protocol`
   * and `dport`. Counter.
   */
  public static readonly NPC_BLOCKED_CONNECTIONS_TOTAL = 'weavenpc_blocked_connections_total';
  /**
   * Errors of the network policy controller (weave-npc) while applying namespaces, pods and
   * NetworkPolicies. Counter (its name has no `_total`).
   */
  public static readonly NPC_POLICY_ENFORCEMENT_ERRORS = 'weavenpc_policy_enforcement_errors';

  /** Every router metric name, in the order of the Weave Net documentation. */
  public static readonly ROUTER_METRICS: string[] = [
    WeaveMetrics.CONNECTIONS,
    WeaveMetrics.CONNECTION_TERMINATIONS_TOTAL,
    WeaveMetrics.IPS,
    WeaveMetrics.MAX_IPS,
    WeaveMetrics.DNS_ENTRIES,
    WeaveMetrics.FLOWS,
    WeaveMetrics.IPAM_PENDING_ALLOCATES,
    WeaveMetrics.IPAM_PENDING_CLAIMS,
    WeaveMetrics.IPAM_UNREACHABLE_COUNT,
    WeaveMetrics.IPAM_UNREACHABLE_PERCENTAGE,
  ];

  /** Every weave-npc metric name. */
  public static readonly NPC_METRICS: string[] = [
    WeaveMetrics.NPC_BLOCKED_CONNECTIONS_TOTAL,
    WeaveMetrics.NPC_POLICY_ENFORCEMENT_ERRORS,
  ];

  private constructor() {}
}

/**
 * The values of the `state` label of `weave_connections`.
 *
 * @see https://github.com/weaveworks/weave/blob/v2.8.1/prog/weaver/http.go
 */
export class WeaveConnectionState {
  /** The connection is up (its heartbeat has been answered) and carries traffic. */
  public static readonly ESTABLISHED = 'established';
  /** The TCP connection is open but not yet established (handshake or first heartbeat pending). */
  public static readonly PENDING = 'pending';
  /** The router connects to the peer again after an attempt failed. */
  public static readonly RETRYING = 'retrying';
  /** The last attempt to connect failed, and the router waits before the next one. */
  public static readonly FAILED = 'failed';
  /** The first attempt to connect to the peer is under way. */
  public static readonly CONNECTING = 'connecting';

  private constructor() {}
}
