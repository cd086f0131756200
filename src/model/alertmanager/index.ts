export * from './alertmanager-config';
export * from './matcher';
export * from './notifier';
export * from './notifier-options';
export * from './receiver';
export * from './route';
export * from './time-interval';
