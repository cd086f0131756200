export * from './dashboard';
export * from './grafana';
