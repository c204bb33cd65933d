/** `mlx5ctl DEV [info]`: the upstream tool's info lines, or JSON with -j. */
import { DeviceCommand } from '../command';
import { HELP_WORDS } from '../globals';

export const infoCommand: DeviceCommand = {
  name: 'info',
  desc: 'Print device information',
  async run({ client, out, args }) {
    if (args.some((a) => HELP_WORDS.has(a))) {
      out.line('Usage: mlx5ctl <device> [info] [-j]');
      out.line('\tthe control device, its parent, this open\'s firmware UID and caps, and the process holding it');
      return 0;
    }
    const info = await client.info();
    const ctldev = `/dev/mlx5ctl-${client.device.ctlName}`;
    const fd = client.connection.fd;
    if (out.options.json) {
      out.json({
        ctldev,
        parent_dev: client.device.parent,
        uctx_uid: info.uctxUid,
        uctx_cap: info.uctxCap,
        dev_uctx_cap: info.devUctxCap,
        user_cap: info.ucap,
        pid: process.pid,
        fd,
      });
      return 0;
    }
    out.line(`ctldev: ${ctldev}`);
    out.line(`Parent dev: ${client.device.parent}`);
    out.line(`UCTX UID: ${info.uctxUid}`);
    out.line(`UCTX CAP: 0x${info.uctxCap.toString(16)}`);
    out.line(`DEV UCTX CAP: 0x${info.devUctxCap.toString(16)}`);
    out.line(`USER CAP: 0x${info.ucap.toString(16)}`);
    out.line(`Current PID: ${process.pid} FD ${fd}`);
    return 0;
  },
};
