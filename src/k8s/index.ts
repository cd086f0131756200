export * from './network-peer';
export * from './pod-selection';
export * from './storage';
