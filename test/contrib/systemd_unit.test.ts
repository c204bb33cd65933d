/**
 * contrib/systemd/mlx5ctld.service passes `systemd-analyze verify` (with ExecStart pointed at
 * the built broker, and the package's man pages on MANPATH for Documentation=), and carries
 * what the broker needs as a service.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BROKER_JS, ROOT } from '../helpers/broker';
import { tempDir } from '../helpers/sockets';

const UNIT = fs.readFileSync(path.join(ROOT, 'contrib', 'systemd', 'mlx5ctld.service'), 'utf8');

function directives(section: string): Map<string, string> {
  const body = UNIT.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? '';
  const out = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe('mlx5ctld.service', () => {
  test('systemd-analyze verify accepts it', () => {
    const dir = tempDir('mlx5ctld-unit-');
    const unit = path.join(dir, 'mlx5ctld.service');
    fs.writeFileSync(unit, UNIT.replace('/usr/local/bin/mlx5ctld', BROKER_JS));
    const r = spawnSync('systemd-analyze', ['verify', unit], { env: { ...process.env, MANPATH: path.join(ROOT, 'man') } });
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
});
