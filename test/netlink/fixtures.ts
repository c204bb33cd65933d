/** What the netlink and devlink codec tests share: the message of a parse error, the error of a rejected request. */
import { NetlinkError, NetlinkParseError } from '../../src/netlink/errors';

/** The NetlinkParseError message `fn` throws (anything else is rethrown; no throw fails). */
export function parseError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof NetlinkParseError) return error.message;
    throw error;
  }
  throw new Error('no NetlinkParseError');
}

/** The NetlinkError `promise` rejects with (anything else is rethrown; resolving fails). */
export async function rejection(promise: Promise<unknown>): Promise<NetlinkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NetlinkError) return error;
    throw error;
  }
  throw new Error('resolved');
}
