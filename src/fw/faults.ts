/**
 * The faults a simulated device can be told to inject (`mlx5ctl sim DEV inject ...`), named here
 * so the broker and CLI can validate requests without importing the simulator.
 */
export type FaultKind = 'fw-error' | 'fw-fatal' | 'tx-timeout' | 'tx-err-cqe' | 'rx-err-cqe';
export const FAULT_KINDS: readonly FaultKind[] = ['fw-error', 'fw-fatal', 'tx-timeout', 'tx-err-cqe', 'rx-err-cqe'];

/** Reporters whose recover can be made to fail (`sim DEV recover-fail REPORTER on|off`). */
export const RECOVERABLE_REPORTERS = ['fw_fatal', 'tx', 'rx'] as const;
export type RecoverableReporter = (typeof RECOVERABLE_REPORTERS)[number];
