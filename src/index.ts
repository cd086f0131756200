export * from './prometheus';
export * from './stack';
export * from './grafana';
export * from './apps';
export * from './weave';
export * from './krakend';
export * from './kuma';
export * as monitoring from './imports/monitoring.coreos.com';
export * as kuma from './imports/kuma.io';
