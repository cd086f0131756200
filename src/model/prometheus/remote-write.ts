import { Duration } from 'cdk8s';
import { Authentication, Credential, TlsOptions } from './credential';
import { RELABEL_FIX } from './fixes';
import { checkPlainHeaders, cleartextAuthWarning, httpClientCredentials, renderHttpClient, SECRET_HEADER_FIX } from './http-client';
import { Relabel } from './relabel';
import { promDuration } from './validate';
import { checkBoolean, checkInstances, checkString, checkStruct, fail } from '../../core/checks';
import { checkNonEmpty, checkPositiveInteger, checkUrl, compact, millis, redactUrl, requireString } from '../../core/formats';

/**
 * Tuning of the remote-write queue.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#queue_config
 */
export interface RemoteWriteQueueOptions {
  /**
   * Samples buffered per shard.
   *
   * @default 10000 (Prometheus's default)
   */
  readonly capacity?: number;
  /**
   * Maximum number of shards (parallel senders).
   *
   * @default 50 (Prometheus's default)
   */
  readonly maxShards?: number;
  /**
   * Minimum number of shards.
   *
   * @default 1 (Prometheus's default)
   */
  readonly minShards?: number;
  /**
   * Maximum samples per request.
   *
   * @default 2000 (Prometheus's default)
   */
  readonly maxSamplesPerSend?: number;
  /**
   * Longest time a sample waits in the buffer before it is sent.
   *
   * @default Duration.seconds(5) (Prometheus's default)
   */
  readonly batchSendDeadline?: Duration;
  /**
   * Initial retry delay, doubled on each retry.
   *
   * @default Duration.millis(30) (Prometheus's default)
   */
  readonly minBackoff?: Duration;
  /**
   * Maximum retry delay.
   *
   * @default Duration.seconds(5) (Prometheus's default)
   */
  readonly maxBackoff?: Duration;
}

/**
 * Properties of a `RemoteWrite`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#remote_write
 */
export interface RemoteWriteProps {
  /** The endpoint samples are pushed to, such as `https://mimir.example.com/api/v1/push`. */
  readonly url: string;
  /**
   * A name unique among the remote writes, used in metrics and logs.
   *
   * @default - Prometheus derives one from a hash of the settings
   */
  readonly name?: string;
  /**
   * Timeout of each request.
   *
   * @default Duration.seconds(30) (Prometheus's default)
   */
  readonly remoteTimeout?: Duration;
  /**
   * Extra HTTP headers, such as `X-Scope-OrgID` for a multi-tenant store. Never secrets:
   * headers are written into prometheus.yml, so a header that looks like a credential (a name
   * with key, token, secret, password or auth, a `Bearer` value, a long random value) is
   * refused; use `auth` or `secretHeaders` for credentials.
   *
   * @default - none
   */
  readonly headers?: { [name: string]: string };
  /**
   * HTTP headers whose values are secrets, such as `X-Api-Key`: each is read from a file
   * (`http_headers.<name>.files`, Prometheus 2.55 or newer), a key of a Secret that
   * `PrometheusStack` mounts. Use `auth` for the `Authorization` header.
   *
   * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#http_config
   * @default - none
   */
  readonly secretHeaders?: { [name: string]: Credential };
  /**
   * How to authenticate, with the secret read from a file or a Secret.
   *
   * @default - no authentication
   */
  readonly auth?: Authentication;
  /**
   * TLS settings.
   *
   * @default - the system's trusted CAs, no client certificate
   */
  readonly tls?: TlsOptions;
  /**
   * Relabelling applied to series before they are sent (`write_relabel_configs`).
   *
   * @default - every series is sent
   */
  readonly writeRelabelConfigs?: Relabel[];
  /**
   * Queue tuning.
   *
   * @default - Prometheus's defaults
   */
  readonly queue?: RemoteWriteQueueOptions;
  /**
   * Send exemplars too.
   *
   * @default false
   */
  readonly sendExemplars?: boolean;
}

/** Headers Prometheus refuses in remote_write, and the header that would carry a secret inline. */
const RESERVED_HEADERS = [
  'authorization', 'host', 'content-encoding', 'content-length', 'content-type', 'user-agent', 'connection',
  'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'www-authenticate', 'accept-encoding',
  'x-prometheus-remote-write-version', 'x-prometheus-remote-read-version',
];

/**
 * A `remote_write` target: a store that receives every sample Prometheus ingests
 * (Cortex, Mimir, Thanos receive, a hosted service).
 *
 * Credentials are read from files (`password_file`, `credentials_file`): a
 * `Credential.fromSecret()` is mounted by `PrometheusStack`, and the secret never appears in
 * the ConfigMap.
 */
export class RemoteWrite {
  /** The endpoint. */
  public readonly url: string;
  private readonly props: RemoteWriteProps;
  private readonly rendered: { [key: string]: unknown };

  constructor(props: RemoteWriteProps) {
    checkStruct('RemoteWrite', 'props', props, true);
    checkString('RemoteWrite', 'name', props.name);
    requireString('RemoteWrite', 'url', props.url);
    const where = `RemoteWrite '${props.name ?? redactUrl(props.url)}'`;
    checkUrl(where, 'url', props.url);
    checkBoolean(where, 'sendExemplars', props.sendExemplars);
    checkInstances(where, 'writeRelabelConfigs', props.writeRelabelConfigs, Relabel, RELABEL_FIX);
    if (props.name !== undefined) checkNonEmpty(where, 'name', props.name);
    for (const name of Object.keys(props.headers ?? {})) {
      if (RESERVED_HEADERS.includes(name.toLowerCase())) {
        fail(where, `headers.${name}`, 'is reserved by Prometheus or would put a secret in the ConfigMap', name,
          'Use \'auth\' (Authentication.basic/authorization/oauth2) with a Credential for secrets');
      }
      const secret = Object.keys(props.secretHeaders ?? {}).find((n) => n.toLowerCase() === name.toLowerCase());
      if (secret !== undefined) fail(where, `headers.${name}`, `must not also be in 'secretHeaders' (${secret})`, name, SECRET_HEADER_FIX);
    }
    checkPlainHeaders(where, props.headers);
    const q = checkStruct(where, 'queue', props.queue) ?? {};
    for (const key of ['capacity', 'maxShards', 'minShards', 'maxSamplesPerSend'] as const) {
      checkPositiveInteger(where, `queue.${key}`, q[key]);
    }
    if (q.minShards !== undefined && q.maxShards !== undefined && q.minShards > q.maxShards) {
      fail(where, 'queue.minShards', `must not exceed 'queue.maxShards' (${q.maxShards})`, q.minShards);
    }
    if (q.minBackoff && q.maxBackoff && millis(q.minBackoff) > millis(q.maxBackoff)) {
      fail(where, 'queue.minBackoff', 'must not exceed \'queue.maxBackoff\'', q.minBackoff.toHumanString());
    }
    this.url = props.url;
    this.props = props;
    this.rendered = compact({
      url: props.url,
      name: props.name,
      remote_timeout: props.remoteTimeout && promDuration(where, 'remoteTimeout', props.remoteTimeout),
      headers: props.headers,
      ...renderHttpClient(where, props),
      write_relabel_configs: props.writeRelabelConfigs?.map((r) => r._render()),
      queue_config: compact({
        capacity: q.capacity,
        max_shards: q.maxShards,
        min_shards: q.minShards,
        max_samples_per_send: q.maxSamplesPerSend,
        batch_send_deadline: q.batchSendDeadline && promDuration(where, 'queue.batchSendDeadline', q.batchSendDeadline),
        min_backoff: q.minBackoff && promDuration(where, 'queue.minBackoff', q.minBackoff),
        max_backoff: q.maxBackoff && promDuration(where, 'queue.maxBackoff', q.maxBackoff),
      }),
      send_exemplars: props.sendExemplars,
    });
  }

  /**
   * The name given to this remote write.
   *
   * @default - none
   */
  public get name(): string | undefined {
    return this.props.name;
  }

  /**
   * The files this remote write reads secrets from.
   *
   * @internal
   */
  public _credentials(): Credential[] {
    return httpClientCredentials(this.props);
  }

  /**
   * A warning when the remote write sends credentials over plain HTTP.
   *
   * @internal
   */
  public _cleartextAuth(): string | undefined {
    return cleartextAuthWarning(`remote write '${this.name ?? redactUrl(this.url)}'`, this.props, /^http:/i.test(this.url));
  }

  /**
   * The entry under `remote_write`.
   *
   * @internal
   */
  public _render(): { [key: string]: unknown } {
    return this.rendered;
  }
}
