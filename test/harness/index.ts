/**
 * The test harness: real validators that run offline (see each module).
 *
 * - `manifests`  synthObjects, findObject(s), validateManifests(Yaml): the shared validator
 *                (Kubernetes 1.28 and CRD schemas, unknown fields) and the API-server semantics
 *                it lacks (`semantics`).
 * - `promtool`   checkConfig (Kubernetes/Kuma discovery handled), checkRules, testRules.
 * - `prometheus` a real Prometheus: relabel() over synthetic targets, startPrometheus,
 *                startNodeExporter, startMetricsServer.
 * - `alertmanager` amtool check-config and routes test, a real Alertmanager, a webhook receiver.
 * - `tools`      requireTool (throws with the apt-get command), freePort, temporary directories.
 */
export * from './tools';
export * from './manifests';
export * from './promtool';
export * from './prometheus';
export * from './alertmanager';
