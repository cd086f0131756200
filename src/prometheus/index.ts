export * from './alertmanager';
export * from './credential';
export * from './prometheus-config';
export * from './relabel';
export * from './remote-write';
export * from './rules';
export * from './scrape-job';
export * from './service-discovery';
