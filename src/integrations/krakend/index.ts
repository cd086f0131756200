export * from './gateways';
export * from './krakend-config';
export * from './krakend-metrics';
export * from './telemetry';
export * from './telemetry-options';
