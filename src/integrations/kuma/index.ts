export * from './ca-backend';
export * from './discovery';
export * from './kuma-metrics-mesh';
export * from './options';
export * from './service-tag';
