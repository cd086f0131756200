export * from './dashboard';
export * from './panel';
export * from './row';
export * from './unit';
export * from './variable';
