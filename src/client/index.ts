export * from './client';
export * from './connection';
export * from './devices';
export * from './umem';
