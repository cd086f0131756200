export * from './grafana';
export * from './options';
export * from './credentials';
export * from './plugins';
