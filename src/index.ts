export * from './prometheus';
export * from './stack';
