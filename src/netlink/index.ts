/** Netlink in TypeScript: the message and attribute codec, a request/reply socket, generic netlink families. */
export * from './attributes';
export * from './constants';
export * from './errors';
export * from './family';
export * from './genl';
export * from './message';
export * from './socket';
export * from './transport';
