export * from './weave-discovery';
export * from './weave-metrics';
export * from './weave-monitoring';
export * from './weave-status-address';
