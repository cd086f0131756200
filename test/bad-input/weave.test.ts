import { ApiObject, Chart, Testing } from 'cdk8s';
import { PrometheusStack, WeaveDiscovery, WeaveMonitoring, WeaveStatusAddress } from '../../src';
import { synthAndCheck } from '../util';
import { badInputs, js } from './cases';

const chart = () => new Chart(Testing.app(), 'test');
const weave = (props: object) => {
  const c = chart();
  return new WeaveMonitoring(c, 'weave', js({ stack: new PrometheusStack(c, 'prom'), ...props }));
};
const W = 'test/weave';

describe('the weave family, as a jsii caller passes it', () => {
  badInputs([
    { name: 'no stack', run: () => new WeaveMonitoring(chart(), 'weave', js({})), where: W, prop: 'stack', got: 'undefined', fix: 'Pass the PrometheusStack object' },
    { name: 'no props at all', run: () => new WeaveMonitoring(chart(), 'weave', js(undefined)), where: W, prop: 'props', got: 'undefined', fix: 'Pass an object of properties' },
    { name: 'a stack as a plain object', run: () => new WeaveMonitoring(chart(), 'weave', js({ stack: { namespaceName: 'monitoring' } })), where: W, prop: 'stack', got: '{"namespaceName":"monitoring"}', fix: 'Pass the PrometheusStack object' },
    { name: 'discovery as a plain object', run: () => weave({ discovery: { routerTargets: ['10.0.0.1'] } }), where: W, prop: 'discovery', got: '{"routerTargets":["10.0.0.1"]}', fix: 'WeaveDiscovery.kubernetes()' },
    { name: 'scrapeInterval as a string', run: () => weave({ scrapeInterval: '15s' }), where: W, prop: 'scrapeInterval', got: "'15s'", fix: 'Duration.seconds(30)' },
    { name: 'routerPort as a string', run: () => weave({ routerPort: '6782' }), where: W, prop: 'routerPort', got: "'6782'", fix: 'Write 6782' },
    { name: 'npcPort as a word', run: () => weave({ npcPort: 'npc' }), where: W, prop: 'npcPort', got: "'npc'", fix: 'Pass a number' },
    { name: 'alerts as a string', run: () => weave({ alerts: 'yes' }), where: W, prop: 'alerts', got: "'yes'", fix: 'true or false' },
    { name: 'networkPolicyController as a string', run: () => weave({ networkPolicyController: 'no' }), where: W, prop: 'networkPolicyController', got: "'no'", fix: 'true or false' },
    { name: 'a job name as a number', run: () => weave({ routerJobName: 5 }), where: W, prop: 'routerJobName', got: '5', fix: "Write '5'" },
    { name: 'a job name as an object', run: () => weave({ npcJobName: {} }), where: W, prop: 'npcJobName', got: '{}', fix: 'Pass a string' },
    { name: 'a threshold as a string', run: () => weave({ ipamUnreachablePercent: '10' }), where: W, prop: 'ipamUnreachablePercent', got: "'10'", fix: 'Write 10' },
    { name: 'a rate as a word', run: () => weave({ blockedConnectionsPerSecond: 'x' }), where: W, prop: 'blockedConnectionsPerSecond', got: "'x'", fix: 'Pass a number' },
    { name: 'a flow minimum as a string', run: () => weave({ fastDpFlowsMinimum: '5' }), where: W, prop: 'fastDpFlowsMinimum', got: "'5'", fix: 'Write 5' },
    { name: 'router targets as a string', run: () => WeaveDiscovery.staticTargets(js({ routerTargets: '10.0.0.1' })), where: 'WeaveDiscovery.staticTargets', prop: 'routerTargets', got: "'10.0.0.1'", fix: 'Wrap a single item in a list' },
    { name: 'router targets missing', run: () => WeaveDiscovery.staticTargets(js({})), where: 'WeaveDiscovery.staticTargets', prop: 'routerTargets', got: 'undefined', fix: "List the nodes' addresses" },
    { name: 'npc targets as a string', run: () => WeaveDiscovery.staticTargets(js({ routerTargets: ['10.0.0.1'], npcTargets: '10.0.0.1' })), where: 'WeaveDiscovery.staticTargets', prop: 'npcTargets', got: "'10.0.0.1'", fix: 'Wrap a single item in a list' },
    { name: 'pod labels as a selector string', run: () => WeaveDiscovery.kubernetes(js({ podLabels: 'name=weave-net' })), where: 'WeaveDiscovery.kubernetes', prop: 'podLabels', got: "'name=weave-net'", fix: 'Pass an object of string values' },
    { name: 'a namespace as a number', run: () => WeaveDiscovery.kubernetes(js({ namespaceName: 5 })), where: 'WeaveDiscovery.kubernetes', prop: 'namespaceName', got: '5', fix: "Write '5'" },
    { name: 'an unknown IP family', run: () => WeaveStatusAddress.nodeIp(js({ ipFamily: 'ipv7' })), where: 'WeaveStatusAddress.nodeIp', prop: 'ipFamily', got: "'ipv7'", fix: 'WeaveIpFamily.IPV4' },
    { name: 'an address as a number', run: () => WeaveStatusAddress.ip(js(5)), where: 'WeaveStatusAddress.ip', prop: 'address', got: '5', fix: "Write '5'" },
    { name: 'a port as a string', run: () => WeaveStatusAddress.ip('10.0.0.1').withPort(js('6782')), where: 'WeaveStatusAddress.withPort', prop: 'port', got: "'6782'", fix: 'Write 6782' },
    { name: 'launchEnvironment with an IP string', run: () => weave({}).launchEnvironment(js('10.0.0.1')), where: W, prop: 'address', got: "'10.0.0.1'", fix: 'WeaveStatusAddress.ip(address)' },
    { name: 'patchDaemonSet with parsed YAML', run: () => weave({}).patchDaemonSet(js({ kind: 'DaemonSet' })), where: W, prop: 'daemonSet', got: '{"kind":"DaemonSet"}', fix: 'Pass the object Include or ApiObject' },
    { name: 'patchDaemonSet with an IP string', run: () => { const w = weave({}); w.patchDaemonSet(new ApiObject(w, 'ds', { apiVersion: 'apps/v1', kind: 'DaemonSet' }), js('10.0.0.1')); }, where: W, prop: 'address', got: "'10.0.0.1'", fix: 'WeaveStatusAddress.nodeIp()' },
  ]);

  test('an IP family given as its wire string gives a valid DaemonSet patch', () => {
    const address = WeaveStatusAddress.nodeIp(js({ ipFamily: 'IPv6' }));
    expect(address.withPort(6782)).toBe('[$(WEAVE_NODE_IP)]:6782');
    const c = chart();
    new WeaveMonitoring(c, 'weave', js({ stack: new PrometheusStack(c, 'prom'), discovery: WeaveDiscovery.kubernetes(js({ podLabels: { name: 'weave-net' } })) }));
    const out = synthAndCheck(c);
    expect(Object.values(out.prometheusConfigs)[0].scrape_configs.map((j: any) => j.job_name)).toEqual(expect.arrayContaining(['weave', 'weave-npc']));
  });
});
