export * from './alertmanager-config';
export * from './matcher';
export * from './receiver';
export * from './route';
export * from './time-interval';
