export * from './control';
export * from './errno';
export * from './frame';
export * from './fwctl';
export * from './ioctl';
export * from './message';
export * from './mlx5ctl';
export * from './struct';
