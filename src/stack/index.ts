export * from './prometheus-stack';
export * from './storage';
export * from './scheduling';
