/** The upstream tool's help: usage, the command table, then the devices found. */
import { listDevices } from '../../src/client/devices';
import { deviceCommands } from './commands';
import { Output } from './output';

/** Commands that do not take a device first. */
export const toolCommands: { name: string; usage: string }[] = [
  { name: 'status', usage: 'status [DEV] [-j]                     broker state: sessions, UIDs, pinned memory' },
  { name: 'devlink', usage: 'devlink [ OPTIONS ] OBJECT { COMMAND | help }   iproute2 devlink: dev, region, health, monitor' },
  { name: 'sim', usage: 'sim DEV { inject FAULT N | recover-fail REPORTER on|off | show | help }   fault injection (simulated devices)' },
  { name: 'wrap', usage: 'wrap [--rundir DIR] -- PROGRAM [ARGS...]   run a program written for /dev/mlx5ctl-* or /dev/fwctl/* against the broker' },
  { name: 'vmcoredd', usage: 'vmcoredd { collect DEV -o FILE | list FILE | extract FILE INDEX [OUT] }   device dumps as vmcore ELF notes' },
];

export function printHelp(out: Output, prog = 'mlx5ctl'): void {
  out.line(`Usage: ${prog} <mlx5 pci device> <command> [options]`);
  out.line(`Verbosity: ${prog} -v <mlx5 pci device> <command> [options]`);
  out.line('Commands:');
  for (const cmd of deviceCommands) out.line(`\t${cmd.name}: ${cmd.desc}`);
  out.line('\thelp: Show this help');
  out.line('Broker commands:');
  for (const cmd of toolCommands) out.line(`\t${prog} ${cmd.usage}`);
  out.line('Global options: -j (JSON), -p (pretty JSON), --rundir DIR, --version; COMMAND --help for its usage, help -j for every command and option as JSON');
  const devices = listDevices(out.options.rundir);
  if (devices.length === 0) {
    // The upstream tool prints nothing here; say where we looked, on stderr.
    out.streams.stderr(`no mlx5ctl devices in ${out.options.rundir} (is mlx5ctld running?)\n`);
    return;
  }
  out.line(`Found ${devices.length} mlx5ctl devices:`);
  // As the tool prints them: the device node it would open, then the parent device.
  for (const d of devices) out.line(`/dev/mlx5ctl-${d.ctlName} ${d.parent}`);
}
