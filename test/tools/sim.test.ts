/** `mlx5ctl sim` argument parsing and help, without a broker. */
import { parseSimArgs, runSim, SIM_USAGE } from '../../tools/mlx5ctl/sim/sim_cmd';
import { Output } from '../../tools/mlx5ctl/output';

function capture(): { out: Output; stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  const out = new Output(
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    { verbose: false, json: false, pretty: false, rundir: '/nonexistent-mlx5ctl-rundir' },
  );
  return { out, stdout: () => stdout, stderr: () => stderr };
}

describe('mlx5ctl sim: parsing', () => {
  it('parses every fault with decimal or hex numbers', () => {
    expect(parseSimArgs(['inject', 'fw-error', '0x10'])).toEqual({ op: 'inject', fault: 'fw-error', value: 16 });
    expect(parseSimArgs(['inject', 'fw-fatal', '7', 'ext', '0x42'])).toEqual({ op: 'inject', fault: 'fw-fatal', value: 7, ext_synd: 0x42 });
    expect(parseSimArgs(['inject', 'tx-timeout', '259'])).toEqual({ op: 'inject', fault: 'tx-timeout', value: 259 });
    expect(parseSimArgs(['inject', 'tx-err-cqe', '0x103'])).toEqual({ op: 'inject', fault: 'tx-err-cqe', value: 0x103 });
    expect(parseSimArgs(['inject', 'rx-err-cqe', '260'])).toEqual({ op: 'inject', fault: 'rx-err-cqe', value: 260 });
    expect(parseSimArgs(['recover-fail', 'fw_fatal', 'on'])).toEqual({ op: 'recover-fail', reporter: 'fw_fatal', enable: true });
    expect(parseSimArgs(['recover-fail', 'rx', 'off'])).toEqual({ op: 'recover-fail', reporter: 'rx', enable: false });
    expect(parseSimArgs([])).toEqual({ op: 'status' });
    expect(parseSimArgs(['show'])).toEqual({ op: 'status' });
  });

  it('refuses what the broker would refuse', () => {
    expect(() => parseSimArgs(['inject', 'fw-melt', '1'])).toThrow('unknown fault "fw-melt" (one of fw-error, fw-fatal, tx-timeout, tx-err-cqe, rx-err-cqe)');
    expect(() => parseSimArgs(['inject', 'fw-error', '0x100'])).toThrow('"0x100" is not a valid syndrome');
    expect(() => parseSimArgs(['inject', 'fw-error'])).toThrow('syndrome expected');
    expect(() => parseSimArgs(['inject', 'tx-err-cqe', '1', 'ext', '2'])).toThrow('unexpected "ext"');
    expect(() => parseSimArgs(['recover-fail', 'fw', 'on'])).toThrow('unknown reporter "fw" (one of fw_fatal, tx, rx)');
    expect(() => parseSimArgs(['recover-fail', 'tx', 'yes'])).toThrow('on or off expected');
    expect(() => parseSimArgs(['frob'])).toThrow('unknown command "frob"');
  });
});

describe('mlx5ctl sim: help and usage errors', () => {
  it('prints usage on stdout when asked (help, --help, -h: rc 0), on stderr for a missing device (rc 1)', async () => {
    for (const [dev, args] of [['help', []], ['0', ['--help']], ['--help', []], ['0', ['inject', '-h']]] as [string, string[]][]) {
      const help = capture();
      expect(await runSim(dev, args, help.out)).toBe(0);
      expect(help.stdout()).toBe(SIM_USAGE.map((line) => `${line}\n`).join(''));
      expect(help.stderr()).toBe('');
    }
    const none = capture();
    expect(await runSim(undefined, [], none.out)).toBe(1);
    expect(none.stderr()).toBe(SIM_USAGE.map((line) => `${line}\n`).join(''));
  });

  it('reports a usage error before opening the device', async () => {
    const bad = capture();
    expect(await runSim('0', ['inject', 'tx-err-cqe'], bad.out)).toBe(1);
    expect(bad.stderr().split('\n')[0]).toBe('Error : sim: queue number expected');
  });

  it('says which device it could not open', async () => {
    const missing = capture();
    expect(await runSim('0', ['show'], missing.out)).toBe(1);
    // As every command says it: the device, and that no broker serves this run directory.
    expect(missing.stderr()).toBe(
      'Error : device 0 not found\n' +
        'Error : please start mlx5ctld and make sure /nonexistent-mlx5ctl-rundir holds its sockets\n' +
        'Error : Failed to open device 0\n',
    );
  });
});
