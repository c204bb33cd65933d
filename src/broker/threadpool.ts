/**
 * Imported first by the broker's entry point: kernel fwctl RPCs run on libuv's thread pool (the
 * addon's FWCTL_RPC worker), which has 4 threads unless told otherwise before first use, so 16
 * sessions' slow firmware commands would queue behind each other. An operator's own setting wins.
 */
export const FWCTL_WORKER_THREADS = 16;
process.env.UV_THREADPOOL_SIZE ??= String(FWCTL_WORKER_THREADS);
