export * from './prometheus-stack';
export * from './storage';
export * from './web-auth';
export * from './scheduling';
