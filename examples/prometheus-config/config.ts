import { Duration } from 'cdk8s';
import {
  Authentication, Credential, KubernetesRole, PrometheusConfig, Relabel, RemoteWrite, ScrapeJob, ServiceDiscovery,
} from 'cdk8s-prometheus-monitoring';

/**
 * The prometheus.yml model on its own, without Kubernetes objects: a configuration for a
 * Prometheus that runs anywhere.
 */
export function buildConfig(): PrometheusConfig {
  const config = new PrometheusConfig({
    scrapeInterval: Duration.seconds(15),
    externalLabels: { cluster: 'edge-1' },
  });

  // Federation from another Prometheus: honour its labels, select series with match[].
  config.addScrapeJob(new ScrapeJob({
    jobName: 'federate-mesh',
    metricsPath: '/federate',
    honorLabels: true,
    queryParams: { 'match[]': ['{job=~"kuma-dataplanes|envoy.*"}'] },
    discovery: [ServiceDiscovery.staticTargets({ targets: ['prometheus.mesh.example.com:9090'] })],
  }));

  // Functional sharding: this server keeps the pods whose address hashes to shard 0 of 3.
  config.addScrapeJob(new ScrapeJob({
    jobName: 'pods-shard-0',
    discovery: [ServiceDiscovery.kubernetes({ role: KubernetesRole.POD })],
    relabelConfigs: [
      Relabel.hashMod({ sourceLabels: ['__address__'], modulus: 3, targetLabel: '__tmp_shard' }),
      Relabel.keep({ sourceLabels: ['__tmp_shard'], regex: '0' }),
    ],
  }));

  // A bearer token read from a file on the host.
  config.addRemoteWrite(new RemoteWrite({
    url: 'https://receive.thanos.example.com/api/v1/receive',
    auth: Authentication.authorization({ credentials: Credential.fromFile('/etc/prometheus/thanos-token') }),
  }));
  return config;
}
