export * from './app-service-monitor';
export * from './exporters';
export * from './multiprocess';
