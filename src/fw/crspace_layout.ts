/**
 * Where a ConnectX keeps what tools read out of cr-space, shared by the simulated device (which
 * lays its space out so) and the client (which reads it back, e.g. for vmcore device dumps).
 */

/** struct health_buffer of the mlx5 init segment, 64 B, at the offset the init segment gives it. */
export const HEALTH_BUFFER_ADDR = 0x200;
export const HEALTH_BUFFER_SIZE = 64;
