/**
 * mstregdump's crd_return_code values and crd_err_str() texts (mstdump/crd_lib), so the CLI can
 * print `-E- <message>` and exit with the same status as the C tool.
 */

export const CRD = {
  OK: 0,
  MEM_ALLOCATION_ERR: 1,
  CR_READ_ERR: 2,
  INVALID_PARM: 3,
  UNKOWN_DEVICE: 4,
  CSV_BAD_FORMAT: 5,
  CONF_BAD_FORMAT: 6,
  OPEN_FILE_ERROR: 7,
  SKIP: 8,
  NOT_SUPPORTED: 9,
  EXCEED_VALUE: 10,
  CAUSE_BIT: 11,
  TLV_SIGNATURE_INVALID: 12,
  TLV_ADDRESS_INVALID: 13,
  SIGNAL_INTERRUPTED: 14,
} as const;

export type CrdCode = keyof typeof CRD;

/** Fixed texts; the codes missing here carry a formatted message (crd_error) instead. */
const FIXED: Partial<Record<CrdCode, string>> = {
  MEM_ALLOCATION_ERR: 'Memory allocation error',
  INVALID_PARM: 'Invalid parameter',
  UNKOWN_DEVICE: 'Unknown/Unsupported device',
  CONF_BAD_FORMAT: 'Conf file has no valid mstdumb_db path.',
  SKIP: 'Skip',
  NOT_SUPPORTED: 'Not supported',
  EXCEED_VALUE: 'Value exceed',
};

export class RegdumpError extends Error {
  /** Process exit status mstregdump uses for this error. */
  readonly rc: number;
  constructor(
    readonly code: CrdCode,
    message?: string,
    /** Lines the C tool prints on stdout before `-E-` (dm_get_device_id's FATAL line). */
    readonly preface = '',
  ) {
    super(message ?? FIXED[code] ?? 'Unknown error');
    this.name = 'RegdumpError';
    this.rc = CRD[code];
  }
}

/** The line mstregdump prints on stdout for a library error (none for SIGNAL_INTERRUPTED). */
export function formatCrdError(err: RegdumpError): string {
  return err.code === 'SIGNAL_INTERRUPTED' ? '\nInterrupted, Exiting...\n' : `${err.preface}-E- ${err.message}\n`;
}
