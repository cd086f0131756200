export * from './prometheus-stack';
export * from './storage';
