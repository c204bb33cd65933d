/**
 * contrib/systemd/mlx5ctld.service and mlx5ctld@.socket pass `systemd-analyze verify` (with
 * ExecStart pointed at the built broker, the socket as its instance 0, and the package's man
 * pages on MANPATH for Documentation=), and carry what the broker needs as a service.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BROKER_JS, ROOT } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const UNIT = fs.readFileSync(path.join(ROOT, 'contrib', 'systemd', 'mlx5ctld.service'), 'utf8');
const SOCKET = fs.readFileSync(path.join(ROOT, 'contrib', 'systemd', 'mlx5ctld@.socket'), 'utf8');

function directives(section: string, unit = UNIT): Map<string, string> {
  const body = unit.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '';
  const out = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('mlx5ctld.service', () => {
  test('systemd-analyze verify accepts it and an instance of the socket', () => {
    const dir = tempDir('mlx5ctld-unit-');
    const unit = path.join(dir, 'mlx5ctld.service');
    const socket = path.join(dir, 'mlx5ctld@0.socket');
    fs.writeFileSync(unit, UNIT.replace('/usr/local/bin/mlx5ctld', BROKER_JS));
    fs.writeFileSync(socket, SOCKET);
    const r = spawnSync('systemd-analyze', ['verify', unit, socket], { env: { ...process.env, MANPATH: path.join(ROOT, 'man') } });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.error).toBeUndefined();
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  test('is a notify service in /run/mlx5ctl that may pin memory, sandboxed', () => {
    const service = directives('Service');
    expect(service.get('Type')).toBe('notify');
    expect(service.get('RuntimeDirectory')).toBe('mlx5ctl');
    expect(service.get('ExecStart')).toBe('/usr/local/bin/mlx5ctld --rundir /run/mlx5ctl --device auto');
    expect(service.get('LimitMEMLOCK')).toBe('infinity');
    expect(service.get('AmbientCapabilities')).toBe('CAP_IPC_LOCK');
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'ProtectKernelModules', 'RestrictSUIDSGID']) expect(service.get(key)).toBe('yes');
    expect(service.get('ProtectSystem')).toBe('strict');
  });

  test('keeps its run directory when it stops, where the socket units keep their files', () => {
    expect(directives('Service').get('RuntimeDirectoryPreserve')).toBe('yes');
  });
});

describe('mlx5ctld@.socket', () => {
  test('listens at the socket of device %i, named so the broker knows which device it is, for the service', () => {
    const socket = directives('Socket', SOCKET);
    expect(socket.get('ListenStream')).toBe('/run/mlx5ctl/mlx5_core.ctl.%i');
    expect(socket.get('FileDescriptorName')).toBe('mlx5_core.ctl.%i');
    expect(socket.get('Service')).toBe('mlx5ctld.service');
    // The mode and group the broker gives the sockets it binds itself.
    expect(socket.get('SocketMode')).toBe('0660');
    expect(socket.get('SocketGroup')).toBe('mlx5ctl');
    expect(socket.get('RemoveOnStop')).toBe('no');
  });
});
