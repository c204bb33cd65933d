/** The man pages render with man(1) (groff warnings on) and name what they document. */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT } from '../helpers/broker';

function render(page: string): { stdout: string; stderr: string } {
  const r = spawnSync('man', ['--warnings', '-l', path.join(ROOT, 'man', page)], { env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '', PAGER: 'cat' } });
  return { stdout: r.stdout.toString().replace(/[ \n]+/g, ' '), stderr: r.stderr.toString() };
}

describe('man pages', () => {
  test('mlx5ctl(1) renders without warnings', () => {
    const { stdout, stderr } = render('man1/mlx5ctl.1');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^MLX5CTL\(1\) User Commands MLX5CTL\(1\)/);
    expect(stdout).toContain('mlx5ctl - debug access to NVIDIA ConnectX (mlx5) devices');
    expect(stdout).toContain('coredump --umem=KB');
  });

  test('mlx5ctld(8) renders without warnings', () => {
    const { stdout, stderr } = render('man8/mlx5ctld.8');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^MLX5CTLD\(8\) System Administration MLX5CTLD\(8\)/);
    expect(stdout).toContain('NOTIFY_SOCKET');
  });
});
