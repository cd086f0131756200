// What to pass instead, for the shape errors of the prometheus.yml model's classes. Not exported.

export const DISCOVERY_FIX = 'Use ServiceDiscovery.staticTargets({...}), .kubernetes({...}), .kuma() or .file({...}), in a list';
export const RELABEL_FIX = 'Use Relabel.keep({...}), Relabel.replace({...}) or another Relabel factory';
export const CREDENTIAL_FIX = 'Use Credential.fromSecret(secretName, key), Credential.fromSecretObject(secret, key) or Credential.fromFile(path)';
export const AUTH_FIX = 'Use Authentication.basic({ password }), Authentication.authorization({ credentials }) or Authentication.oauth2({...})';
export const SCRAPE_JOB_FIX = 'Use new ScrapeJob({ jobName, discovery })';
export const RULE_FIX = 'Use new AlertingRule({ alert, expr }) or new RecordingRule({ record, expr })';
export const RULE_GROUP_FIX = 'Use new RuleGroup({ name, rules })';
export const REMOTE_WRITE_FIX = 'Use new RemoteWrite({ url })';
export const ALERTMANAGER_FIX = 'Use new AlertmanagerEndpoint({ discovery })';
