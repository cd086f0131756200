import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AlertmanagerEndpoint, PrometheusStack, PrometheusStackProps, DataStorage, ScrapeJob, ServiceDiscovery,
} from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const stack = (props: unknown) => new PrometheusStack(chart(), 'prom', js(props));
const W = 'test/prom';
const job = () => new ScrapeJob({ jobName: 'node', discovery: [ServiceDiscovery.staticTargets({ targets: ['node:9100'] })] });

describe('PrometheusStack and its storage, as a jsii caller passes them', () => {
  badInputs([
    { name: 'scrapeInterval as a string', run: () => stack({ scrapeInterval: '30s' }), where: W, prop: 'scrapeInterval', got: "'30s'", fix: 'Duration.seconds(30)' },
    { name: 'retention as a string', run: () => stack({ retention: '15d' }), where: W, prop: 'retention', got: "'15d'", fix: 'Duration.days(15)' },
    { name: 'configReloadInterval as a number', run: () => stack({ configReloadInterval: 30 }), where: W, prop: 'configReloadInterval', got: '30', fix: 'Duration.seconds(30)' },
    { name: 'retentionSize as a string', run: () => stack({ retentionSize: '10Gi' }), where: W, prop: 'retentionSize', got: "'10Gi'", fix: 'Size.gibibytes(10)' },
    { name: 'storage as a plain object', run: () => stack({ storage: { size: '10Gi' } }), where: W, prop: 'storage', got: '{"size":"10Gi"}', fix: 'DataStorage.emptyDir()' },
    { name: 'a cpu request of plain numbers', run: () => stack({ resources: { cpu: { request: 250 } } }), where: W, prop: 'resources.cpu.request', got: '250', fix: 'Cpu.millis(250)' },
    { name: 'a memory limit of plain numbers', run: () => stack({ resources: { memory: { limit: 512 } } }), where: W, prop: 'resources.memory.limit', got: '512', fix: 'Size.mebibytes(512)' },
    { name: 'an unknown mode', run: () => stack({ mode: 'server2' }), where: W, prop: 'mode', got: "'server2'", fix: 'PrometheusMode.SERVER' },
    { name: 'serviceType Public', run: () => stack({ serviceType: 'Public' }), where: W, prop: 'serviceType', got: "'Public'", fix: 'ServiceType.CLUSTER_IP' },
    { name: 'servicePort as a string', run: () => stack({ servicePort: '9090' }), where: W, prop: 'servicePort', got: "'9090'", fix: 'Write 9090' },
    { name: 'replicas as a string', run: () => stack({ replicas: '2' }), where: W, prop: 'replicas', got: "'2'", fix: 'Write 2' },
    { name: 'shards as a word', run: () => stack({ shards: 'two' }), where: W, prop: 'shards', got: "'two'", fix: 'Pass a number' },
    { name: 'an external label value as a number', run: () => stack({ externalLabels: { cluster: 1 } }), where: W, prop: 'externalLabels.cluster', got: '1', fix: "Write '1'" },
    { name: 'scrapeJobs as one job, not a list', run: () => stack({ scrapeJobs: job() }), where: W, prop: 'scrapeJobs', got: 'an object of class ScrapeJob', fix: 'Wrap a single item in a list' },
    { name: 'a rule group as a plain object', run: () => stack({ ruleGroups: [{ name: 'x' }] }), where: W, prop: 'group', got: '{"name":"x"}', fix: 'new RuleGroup' },
    { name: 'a network peer as a plain object', run: () => stack({ allowFrom: [{ namespace: 'x' }] }), where: W, prop: 'allowFrom[0]', got: '{"namespace":"x"}', fix: 'NetworkPeer.fromPods()' },
    { name: 'networkPolicy as a string', run: () => stack({ networkPolicy: 'no' }), where: W, prop: 'networkPolicy', got: "'no'", fix: 'true or false' },
    { name: 'lifecycleApi as a string', run: () => stack({ lifecycleApi: 'yes' }), where: W, prop: 'lifecycleApi', got: "'yes'", fix: 'true or false' },
    { name: 'a namespace as a number', run: () => stack({ metadata: { namespace: 5 } }), where: W, prop: 'metadata.namespace', got: '5', fix: "Write '5'" },
    { name: 'an unknown toleration effect', run: () => stack({ tolerations: [{ key: 'k', effect: 'Sometimes' }] }), where: W, prop: 'tolerations[0].effect', got: "'Sometimes'", fix: 'TolerationEffect.NO_SCHEDULE' },
    { name: 'an unknown anti-affinity', run: () => stack({ affinity: { podAntiAffinity: 'always' } }), where: W, prop: 'affinity.podAntiAffinity', got: "'always'", fix: 'PodAntiAffinity.SOFT' },
    { name: 'a node selector value as a number', run: () => stack({ nodeSelector: { disk: 1 } }), where: W, prop: 'nodeSelector.disk', got: '1', fix: "Write '1'" },
    { name: 'a toleration eviction as seconds', run: () => stack({ tolerations: [{ key: 'k', effect: 'NoExecute', evictAfter: 300 }] }), where: W, prop: 'tolerations[0].evictAfter', got: '300', fix: 'Duration.seconds(30)' },
    { name: 'addScrapeJob with a plain object', run: () => stack({}).addScrapeJob(js({ jobName: 'x' })), where: W, prop: 'job', got: '{"jobName":"x"}', fix: 'new ScrapeJob' },
    { name: 'addRemoteWrite without a value', run: () => stack({}).addRemoteWrite(js(undefined)), where: W, prop: 'remoteWrite', got: 'undefined', fix: 'new RemoteWrite({ url })' },
    { name: 'addAlertmanager with a plain object', run: () => stack({}).addAlertmanager(js({ url: 'http://am:9093' })), where: W, prop: 'endpoint', got: '{"url":"http://am:9093"}', fix: 'new AlertmanagerEndpoint' },
    { name: 'addContainer without props', run: () => stack({}).addContainer(js(undefined)), where: W, prop: 'container', got: 'undefined', fix: "Pass the container's props" },
    { name: 'mountVolume with a plain object', run: () => stack({}).mountVolume('/sd', js({ name: 'sd' })), where: W, prop: 'volume', got: '{"name":"sd"}', fix: 'Volume.fromEmptyDir' },
    { name: 'a claim size as a string', run: () => DataStorage.persistentVolumeClaim(js({ size: '10Gi' })), where: 'DataStorage.persistentVolumeClaim', prop: 'size', got: "'10Gi'", fix: 'Size.gibibytes(10)' },
    { name: 'an emptyDir limit as a number', run: () => DataStorage.emptyDir(js({ sizeLimit: 100 })), where: 'DataStorage.emptyDir', prop: 'sizeLimit', got: '100', fix: 'Size.gibibytes(10)' },
    { name: 'props as a list', run: () => stack([{}]), where: W, prop: 'props', got: '[{}]', fix: 'Pass one object, not a list' },
  ]);

  test('enum members given as their wire strings, as jsii passes them, give valid output', () => {
    const c = chart();
    const s = new PrometheusStack(c, 'prom', js({ serviceType: 'ClusterIP', mode: 'server', tolerations: [{ key: 'k', effect: 'NoSchedule' }] }));
    s.addAlertmanager(new AlertmanagerEndpoint({ discovery: [ServiceDiscovery.staticTargets({ targets: ['am:9093'] })], scheme: js('https') }));
    const out = synthAndCheck(c);
    expect(out.objects.find((o) => o.kind === 'Service').spec.type).toBe('ClusterIP');
    const config = Object.values(out.prometheusConfigs)[0];
    expect(config.alerting.alertmanagers[0].scheme).toBe('https');
  });

  test('cdk8s-plus resources and cdk8s sizes are taken as given', () => {
    const c = chart();
    new PrometheusStack(c, 'prom', {
      resources: { cpu: { request: kplus.Cpu.millis(500) }, memory: { limit: Size.gibibytes(4) } },
      retention: Duration.days(7),
    });
    const pod = synthAndCheck(c).objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '500m' }, limits: { memory: '4Gi' } });
  });
});

export type { PrometheusStackProps };
