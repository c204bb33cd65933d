/** The devlink core: kernel semantics for regions, health reporters and params, transport-free. */
export * from './api';
export * from './clock';
export * from './errors';
export * from './fmsg';
export * from './health';
export * from './instance';
export * from './local_api';
export * from './params';
export * from './region';
export * from './schemas';
export * from './types';
