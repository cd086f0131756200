export * from './prometheus';
export * from './stack';
export * from './apps';
export * from './weave';
export * from './krakend';
export * as monitoring from './imports/monitoring.coreos.com';
