/**
 * Errors from the vmcore writer and reader. Callers branch on `code`, never on the message:
 * the codes are stable, the messages may gain detail.
 */

export type VmcoreErrorCode =
  /** The file ends before a structure the headers promise (ELF header, phdr table, note). */
  | 'VMCORE_TRUNCATED'
  /** Not an ELF file, or an ELF class/encoding/version we do not understand. */
  | 'VMCORE_BAD_ELF'
  /** A program header is inconsistent (entry size, offsets that overflow or point past EOF). */
  | 'VMCORE_BAD_PHDR'
  /** A note in a PT_NOTE segment does not fit in its segment. */
  | 'VMCORE_BAD_NOTE'
  /** More notes than any real vmcore carries; refusing to walk further (hostile input). */
  | 'VMCORE_TOO_MANY_NOTES'
  /** A LINUX/0x700 note whose header is not a vmcoredd_header (namesz or descsz too small). */
  | 'VMCOREDD_BAD_HEADER'
  /** A dump name that the kernel would refuse (empty) or that does not fit in 44 bytes. */
  | 'VMCOREDD_BAD_NAME'
  /** A dump size the kernel would refuse (0) or that does not fit the u32 n_descsz. */
  | 'VMCOREDD_BAD_SIZE'
  /** A streamed payload produced more or fewer bytes than it declared. */
  | 'VMCOREDD_SIZE_MISMATCH'
  /** crash: "no device dumps found in this dumpfile". */
  | 'VMCOREDD_NO_DUMPS'
  /** crash: "no device dump found at index: %d". */
  | 'VMCOREDD_BAD_INDEX';

export class VmcoreError extends Error {
  constructor(
    readonly code: VmcoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VmcoreError';
  }
}

export function isVmcoreError(err: unknown): err is VmcoreError {
  return err instanceof VmcoreError;
}
