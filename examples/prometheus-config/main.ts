import { Duration } from 'cdk8s';
import { KubernetesRole, PrometheusConfig, Relabel, ScrapeJob, ServiceDiscovery } from 'cdk8s-prometheus-monitoring';

// A prometheus.yml for a Prometheus that runs anywhere, without any Kubernetes object.
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

// prometheus.yml on standard output: `npx ts-node main.ts > prometheus.yml`.
console.log(config.toYaml());
