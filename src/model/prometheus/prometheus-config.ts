import { Duration } from 'cdk8s';
import { AlertmanagerEndpoint } from './alertmanager';
import { KubernetesApiAccess } from './api-access';
import { ConfigVariant } from './config-variant';
import { Credential } from './credential';
import {
  ALERTMANAGER_FIX, REMOTE_WRITE_FIX, RULE_GROUP_FIX, SCRAPE_JOB_FIX,
} from './fixes';
import { RemoteWrite } from './remote-write';
import { RuleGroup } from './rules';
import { ScrapeJob } from './scrape-job';
import { KubernetesWatch } from './service-discovery';
import { checkLabelMap, checkTimeoutWithinInterval, promDuration } from './validate';
import { imageVersion, Version } from './version';
import { CONFIG_GATES, gatedFields, hasEveryGate, LATEST_PROMETHEUS, RULE_GATES, versionProblems } from './version-gates';
import { checkInstance, checkString, checkStruct, fail, requireProp } from '../../core/checks';
import { millis } from '../../core/formats';
import { toYaml as renderYaml } from '../../core/yaml';

/** Prometheus's own defaults, used to check jobs that rely on them. */
const PROMETHEUS_DEFAULT_INTERVAL = Duration.minutes(1);
const PROMETHEUS_DEFAULT_TIMEOUT = Duration.seconds(10);
/** How many YAML renderings a configuration keeps (prometheus.yml per shard, and the rule file). */
const MAX_RENDERINGS = 16;

/**
 * Properties of a `PrometheusConfig`.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#configuration-file
 */
export interface PrometheusConfigProps {
  /**
   * The default scrape interval of every job.
   *
   * @default Duration.minutes(1) (Prometheus's default; not written)
   */
  readonly scrapeInterval?: Duration;
  /**
   * The default scrape timeout; at most `scrapeInterval`.
   *
   * @default Duration.seconds(10) (Prometheus's default; not written)
   */
  readonly scrapeTimeout?: Duration;
  /**
   * How often rules are evaluated.
   *
   * @default Duration.minutes(1) (Prometheus's default; not written)
   */
  readonly evaluationInterval?: Duration;
  /**
   * Labels added to every series and alert that leaves this server (remote write,
   * federation, Alertmanager); they tell servers apart, such as `cluster` or `replica`.
   *
   * @default - none
   */
  readonly externalLabels?: { [name: string]: string };
  /**
   * The path of the rule file, relative to prometheus.yml, listed in `rule_files` when there
   * are rule groups.
   *
   * @default 'rules.yml'
   */
  readonly ruleFile?: string;
}

/**
 * A whole prometheus.yml: global settings, scrape jobs, rule groups, remote writes and
 * Alertmanagers, rendered as YAML.
 *
 * Pure data: it knows nothing of Kubernetes. `PrometheusStack` holds one and renders it into
 * its ConfigMap; it can also be used on its own to write a prometheus.yml.
 */
export class PrometheusConfig {
  /**
   * A configuration owned by a construct, whose errors name the construct's path, for the
   * Prometheus that `image` runs (its tag gives the version; a tag that names none counts as
   * the newest supported release).
   *
   * @internal
   */
  public static _create(where: string, props: PrometheusConfigProps, image?: string): PrometheusConfig {
    PrometheusConfig.creatingFor = where;
    try {
      const config = new PrometheusConfig(props);
      if (image !== undefined) config.target = { image, version: imageVersion(image) ?? LATEST_PROMETHEUS };
      return config;
    } finally {
      PrometheusConfig.creatingFor = undefined;
    }
  }

  private static creatingFor?: string;

  /** The rule file path listed in `rule_files`. */
  public readonly ruleFile: string;

  private readonly where: string;
  private readonly global: { [key: string]: unknown };
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly jobs = new Map<string, ScrapeJob>();
  private readonly groups = new Map<string, RuleGroup>();
  private readonly remoteWriteList: RemoteWrite[] = [];
  private readonly alertmanagerList: AlertmanagerEndpoint[] = [];
  private readonly watchListeners: Array<(watches: KubernetesWatch[]) => void> = [];
  private readonly warningListeners: Array<(warning: string) => void> = [];
  /** The Prometheus the configuration is for; on its own, the newest supported release. */
  private target: { image?: string; version: Version } = { version: LATEST_PROMETHEUS };
  /** The last version check: what it checked (as JSON) and what it found. */
  private checked?: { key: string; problems: string[] };
  /** The latest YAML renderings (at most `MAX_RENDERINGS`), by the JSON of their document. */
  private readonly renderings = new Map<string, string>();

  constructor(props: PrometheusConfigProps = {}) {
    const where = PrometheusConfig.creatingFor ?? 'PrometheusConfig';
    this.where = where;
    checkStruct(where, 'props', props);
    const interval = props.scrapeInterval ?? PROMETHEUS_DEFAULT_INTERVAL;
    const timeout = props.scrapeTimeout ?? PROMETHEUS_DEFAULT_TIMEOUT;
    this.global = {
      scrape_interval: props.scrapeInterval && promDuration(where, 'scrapeInterval', props.scrapeInterval),
      scrape_timeout: props.scrapeTimeout && promDuration(where, 'scrapeTimeout', props.scrapeTimeout),
      evaluation_interval: props.evaluationInterval && promDuration(where, 'evaluationInterval', props.evaluationInterval),
      external_labels: props.externalLabels && { ...props.externalLabels },
    };
    this.intervalMs = millis(interval);
    this.timeoutMs = millis(timeout);
    checkTimeoutWithinInterval(where, 'scrapeTimeout', this.timeoutMs, this.intervalMs);
    checkLabelMap(where, 'externalLabels', props.externalLabels);
    this.ruleFile = checkString(where, 'ruleFile', props.ruleFile) ?? 'rules.yml';
    if (!/\.ya?ml$/.test(this.ruleFile)) {
      fail(where, 'ruleFile', 'must end in .yml or .yaml', this.ruleFile);
    }
  }

  /**
   * Adds a scrape job.
   *
   * Fails if a job of the same name exists, or if the job's timeout exceeds its effective
   * interval (its own, or the global one).
   */
  public addScrapeJob(job: ScrapeJob): void {
    checkInstance(this.where, 'job', requireProp(this.where, 'job', job, SCRAPE_JOB_FIX), ScrapeJob, SCRAPE_JOB_FIX);
    if (this.jobs.has(job.jobName)) {
      fail(this.where, 'jobName', 'must be unique: a scrape job of that name already exists', job.jobName,
        'Give the job another name');
    }
    if (job.scrapeTimeout && !job.scrapeInterval) {
      checkTimeoutWithinInterval(this.where, `${job.jobName}.scrapeTimeout`, millis(job.scrapeTimeout), this.intervalMs,
        'the global scrape interval', 'Set the job\'s scrapeInterval or shorten its timeout');
    }
    this.jobs.set(job.jobName, job);
    this.watchListeners.forEach((listener) => listener(job._watches()));
    this.warn(job._cleartextAuth());
    this.warn(job._insecureTls());
  }

  /** Adds a rule group. Fails if a group of the same name exists. */
  public addRuleGroup(group: RuleGroup): void {
    checkInstance(this.where, 'group', requireProp(this.where, 'group', group, RULE_GROUP_FIX), RuleGroup, RULE_GROUP_FIX);
    if (this.groups.has(group.name)) {
      fail(this.where, 'ruleGroup', 'must have a unique name: a rule group of that name already exists', group.name);
    }
    this.groups.set(group.name, group);
  }

  /** Adds a remote-write target. Fails if a remote write of the same name exists. */
  public addRemoteWrite(remoteWrite: RemoteWrite): void {
    checkInstance(this.where, 'remoteWrite', requireProp(this.where, 'remoteWrite', remoteWrite, REMOTE_WRITE_FIX), RemoteWrite, REMOTE_WRITE_FIX);
    if (remoteWrite.name !== undefined && this.remoteWriteList.some((r) => r.name === remoteWrite.name)) {
      fail(this.where, 'remoteWrite.name', 'must be unique among remote writes', remoteWrite.name);
    }
    // Prometheus refuses to start with two identical remote_write entries.
    const rendered = JSON.stringify(remoteWrite._render());
    if (this.remoteWriteList.some((r) => JSON.stringify(r._render()) === rendered)) {
      fail(this.where, 'remoteWrite', 'must not repeat an identical remote write (Prometheus refuses duplicates)', remoteWrite.url,
        'Give them different names or settings, or add it once');
    }
    this.remoteWriteList.push(remoteWrite);
    this.warn(remoteWrite._cleartextAuth());
  }

  /** Adds a set of Alertmanagers to send alerts to. */
  public addAlertmanager(endpoint: AlertmanagerEndpoint): void {
    checkInstance(this.where, 'endpoint', requireProp(this.where, 'endpoint', endpoint, ALERTMANAGER_FIX), AlertmanagerEndpoint, ALERTMANAGER_FIX);
    this.alertmanagerList.push(endpoint);
    this.watchListeners.forEach((listener) => listener(endpoint._watches()));
    this.warn(endpoint._cleartextAuth());
  }

  /** The scrape jobs, in the order they were added (a copy). */
  public get scrapeJobs(): ScrapeJob[] {
    return [...this.jobs.values()];
  }

  /** The rule groups, in the order they were added (a copy). */
  public get ruleGroups(): RuleGroup[] {
    return [...this.groups.values()];
  }

  /** The remote writes, in the order they were added (a copy). */
  public get remoteWrites(): RemoteWrite[] {
    return [...this.remoteWriteList];
  }

  /**
   * The global scrape interval and timeout in milliseconds (Prometheus's defaults when unset).
   *
   * @internal
   */
  public _globalTiming(): { intervalMs: number; timeoutMs: number } {
    return { intervalMs: this.intervalMs, timeoutMs: this.timeoutMs };
  }

  /**
   * Whether Alertmanagers were added.
   *
   * @internal
   */
  public _hasAlertmanagers(): boolean {
    return this.alertmanagerList.length > 0;
  }

  /**
   * The Alertmanager endpoints, in the order they were added (a copy).
   *
   * @internal
   */
  public _alertmanagers(): AlertmanagerEndpoint[] {
    return [...this.alertmanagerList];
  }

  /** The scrape job of the given name, if any. */
  public findScrapeJob(jobName: string): ScrapeJob | undefined {
    checkString(this.where, 'jobName', requireProp(this.where, 'jobName', jobName));
    return this.jobs.get(jobName);
  }

  /**
   * Renders prometheus.yml.
   *
   * Fails if a field needs a newer Prometheus than the one the configuration is for.
   */
  public toYaml(): string {
    return this._toYaml({});
  }

  /**
   * Renders prometheus.yml for one server of several that share this configuration (a shard,
   * a set of replicas): `appendRelabels` go at the end of every scrape job's relabelling but
   * those of `unshardedJobs`, `externalLabels` join the global ones, and `alertRelabels` go to
   * `alerting.alert_relabel_configs`.
   *
   * @internal
   */
  public _toYaml(variant: ConfigVariant): string {
    this.checkVersion();
    return this.render(this.document(variant));
  }

  /**
   * Renders the rule file.
   *
   * @returns the rule file, or undefined when there are no rule groups
   */
  public rulesToYaml(): string | undefined {
    if (this.groups.size === 0) return undefined;
    this.checkVersion();
    return this.render(this.rulesDocument());
  }

  /**
   * The fields of prometheus.yml and the rule file that the target Prometheus lacks, one
   * message each.
   *
   * @internal
   */
  public _versionProblems(): string[] {
    // The default image, and any 3.x, has every field the library writes.
    if (hasEveryGate(this.target.version, CONFIG_GATES, RULE_GATES)) return [];
    // An empty rule group is reported by its owner; it has no fields to check.
    const groups = { groups: this.ruleGroups.filter((g) => g.rules.length > 0).map((g) => g._render()) };
    const doc = this.document();
    const key = JSON.stringify([this.target.image, this.target.version, doc, groups]);
    if (this.checked?.key !== key) {
      const fields = [...gatedFields(doc, CONFIG_GATES), ...gatedFields(groups, RULE_GATES)];
      this.checked = { key, problems: versionProblems(this.where, this.target.image, this.target.version, fields) };
    }
    return [...this.checked.problems];
  }

  /**
   * Renders a document as YAML, or returns the text rendered before for the same content: the
   * stack renders its files at each validation of a synthesis and for its ConfigMap.
   */
  private render(doc: { [key: string]: unknown }): string {
    const key = JSON.stringify(doc);
    const yaml = this.renderings.get(key) ?? renderYaml(doc);
    // The most recent last: a stack renders one prometheus.yml per shard, and the rule file.
    this.renderings.delete(key);
    this.renderings.set(key, yaml);
    if (this.renderings.size > MAX_RENDERINGS) this.renderings.delete(this.renderings.keys().next().value!);
    return yaml;
  }

  private checkVersion(): void {
    const problems = this._versionProblems();
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  private rulesDocument(): { [key: string]: unknown } {
    return { groups: this.ruleGroups.map((g) => g._render()) };
  }

  private document(variant: ConfigVariant = {}): { [key: string]: unknown } {
    const extraLabels = variant.externalLabels && Object.keys(variant.externalLabels).length > 0 ? variant.externalLabels : undefined;
    const externalLabels = extraLabels && { ...this.global.external_labels as object, ...extraLabels };
    const global = Object.fromEntries(Object.entries({ ...this.global, external_labels: externalLabels ?? this.global.external_labels })
      .filter(([, v]) => v !== undefined));
    const doc: { [key: string]: unknown } = {};
    if (Object.keys(global).length > 0) doc.global = global;
    if (this.groups.size > 0) doc.rule_files = [this.ruleFile];
    if (this.alertmanagerList.length > 0) {
      doc.alerting = {
        alert_relabel_configs: variant.alertRelabels?.map((r) => r._render()),
        alertmanagers: this.alertmanagerList.map((a) => a._render()),
      };
    }
    const appended = (variant.appendRelabels ?? []).map((r) => r._render());
    doc.scrape_configs = this.scrapeJobs.map((j) => {
      const job = j._render();
      if (appended.length === 0 || variant.unshardedJobs?.includes(j.jobName)) return job;
      return { ...job, relabel_configs: [...(job.relabel_configs as object[] | undefined) ?? [], ...appended] };
    });
    if (this.remoteWriteList.length > 0) doc.remote_write = this.remoteWriteList.map((r) => r._render());
    return doc;
  }

  /**
   * Every file the configuration reads secrets from, without duplicates.
   *
   * @internal
   */
  public _credentials(): Credential[] {
    const all = [
      ...this.scrapeJobs.flatMap((j) => j._credentials()),
      ...this.remoteWriteList.flatMap((r) => r._credentials()),
      ...this.alertmanagerList.flatMap((a) => a._credentials()),
    ];
    const byPath = new Map(all.map((c) => [c.path, c]));
    return [...byPath.values()];
  }

  /**
   * Calls `listener` with what each scrape job or Alertmanager added from now on watches, so
   * an owner can create the RBAC it needs however the job was added.
   *
   * @internal
   */
  public _onWatch(listener: (watches: KubernetesWatch[]) => void): void {
    this.watchListeners.push(listener);
  }

  /**
   * Calls `listener` with the advice about each scrape job, remote write or Alertmanager added
   * from now on (credentials over plain HTTP), so an owner can warn however it was added.
   *
   * @internal
   */
  public _onWarning(listener: (warning: string) => void): void {
    this.warningListeners.push(listener);
  }

  private warn(warning: string | undefined): void {
    if (warning) this.warningListeners.forEach((listener) => listener(warning));
  }

  /**
   * What each scrape job needs from the Kubernetes API server beyond discovery, by job name.
   *
   * @internal
   */
  public _apiAccess(): Array<{ jobName: string; access: KubernetesApiAccess }> {
    return this.scrapeJobs.flatMap((j) => j._apiAccess().map((access) => ({ jobName: j.jobName, access })));
  }

  /**
   * What the Kubernetes discoveries watch in the local cluster.
   *
   * @internal
   */
  public _watches(): KubernetesWatch[] {
    return [
      ...this.scrapeJobs.flatMap((j) => j._watches()),
      ...this.alertmanagerList.flatMap((a) => a._watches()),
    ];
  }
}
