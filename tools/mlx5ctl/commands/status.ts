/** `mlx5ctl status [DEV] [-j]`: the broker's live state (sessions, UIDs, pinned bytes, taint). */
import { BrokerStatus } from '../../../src/broker/types';
import { scopeNames, isScope } from '../../../src/uapi/fwctl';
import { Output } from '../output';

export function printStatus(status: BrokerStatus, out: Output): void {
  if (out.options.json) {
    out.json(status);
    return;
  }
  out.line(`broker: pid ${status.pid} up ${status.uptime_s}s tainted ${status.tainted ? 'yes' : 'no'}`);
  for (const reason of status.taint_reasons) out.line(`  taint: ${reason}`);
  for (const d of status.devices) {
    out.line(`device ${d.name}: parent ${d.parent} backend ${d.backend} sessions ${d.sessions}`);
  }
  for (const s of status.sessions) {
    const scope = isScope(s.max_scope) ? scopeNames[s.max_scope] : String(s.max_scope);
    out.line(
      `session ${s.id}: ${s.device} pid ${s.pid} uid ${s.uid} fw_uid ${s.fw_uid} scope ${scope} ` +
        `umems ${s.umems} objects ${s.objects} pinned_bytes ${s.pinned_bytes} rpcs ${s.rpcs}`,
    );
  }
  out.line(`releasing: ${status.releasing}`);
  out.line(`pinned_bytes: ${status.pinned_bytes}`);
}
