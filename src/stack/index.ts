export * from './prometheus-stack';
export * from './stack-props';
export * from './web-auth';
export * from './scheduling';
export * from './alertmanager';
export * from './prometheus-annotations';
export * from './integration';
