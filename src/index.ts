export * from './prometheus';
export * from './stack';
export * from './apps';
export * as monitoring from './imports/monitoring.coreos.com';
