/** `mlx5ctl DEV [info]`: the upstream tool's info lines, or JSON with -j. */
import { DeviceCommand } from '../command';
import { HELP_WORDS } from '../globals';

const USAGE = 'Usage: mlx5ctl <device> [info] [-j]\n\tthe control device, its parent, this open\'s firmware UID and caps, and the process holding it';

export const infoCommand: DeviceCommand = {
  name: 'info',
  desc: 'Print device information',
  async run({ client, out, args }) {
    if (args.some((a) => HELP_WORDS.has(a))) {
      out.line(USAGE);
      return 0;
    }
    if (args.length > 0) {
      // info takes nothing: a mistyped option should not pass for a successful query.
      out.error(args[0]!.startsWith('-') ? `info: unknown option '${args[0]}'` : `info: unexpected "${args[0]}"`);
      out.streams.stderr(`${USAGE}\n`);
      return 1;
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
