/** A CLI command: `{name, desc, run}` as in the upstream tool's table; the first is the default. */
import { Mlx5ctlClient } from '../../src/client/client';
import { Output } from './output';

export interface DeviceCommandContext {
  client: Mlx5ctlClient;
  out: Output;
  /** Arguments after the command name. */
  args: string[];
  /** The device argument as the user typed it. */
  devArg: string;
}

export interface DeviceCommand {
  name: string;
  desc: string;
  /** Returns the process exit status. */
  run(ctx: DeviceCommandContext): Promise<number>;
}
