export * from './app-service-monitor';
export * from './app-service-monitor-props';
export * from './exporter-options';
export * from './exporters';
export * from './multiprocess';
