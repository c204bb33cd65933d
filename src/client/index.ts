export * from './client';
export * from './connection';
export * from './devices';
export * from './failures';
export * from './umem';
