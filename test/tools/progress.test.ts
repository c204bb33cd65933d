/** The progress bar: drawn only on a terminal, after the delay, throttled, erased cleanly. */
import { NO_PROGRESS, progressBar, renderProgress } from '../../tools/mlx5ctl/progress';

function terminal(isTTY = true): { sink: { isTTY: boolean; columns: number; write(t: string): void }; written: string[] } {
  const written: string[] = [];
  return { sink: { isTTY, columns: 80, write: (t) => written.push(t) }, written };
}

describe('renderProgress', () => {
  it('shows the bar, the percentage, the amounts and the time', () => {
    expect(renderProgress('cr-space', 4 * 1048576, 16 * 1048576, 2500)).toBe(`cr-space [${'='.repeat(8)}>${' '.repeat(21)}]  25% 4.0 MiB/16.0 MiB 2.5s`);
    expect(renderProgress('cr-space', 16 * 1048576, 16 * 1048576, 8000)).toBe(`cr-space [${'='.repeat(30)}] 100% 16.0 MiB/16.0 MiB 8.0s`);
    expect(renderProgress('rscdump', 3 * 1024 + 512, undefined, 1200)).toBe('rscdump 3.5 KiB 1.2s');
    expect(renderProgress('regdump', 10, 40, 1000, 'items')).toBe(`regdump [${'='.repeat(8)}>${' '.repeat(21)}]  25% 10/40 1.0s`);
  });

  it('never fills the last column of the terminal', () => {
    expect(renderProgress('x'.repeat(100), 1, 2, 0, 'bytes', 40)).toHaveLength(39);
  });
});

describe('progressBar', () => {
  it('draws nothing when stderr is not a terminal, or without a sink', () => {
    const pipe = terminal(false);
    expect(progressBar(pipe.sink, 'x', { delayMs: 0 })).toBe(NO_PROGRESS);
    expect(progressBar(undefined, 'x')).toBe(NO_PROGRESS);
  });

  it('takes a width of 0 (a pty nobody sized) as 80 columns', () => {
    const tty = { isTTY: true, columns: 0, written: [] as string[], write(t: string) { this.written.push(t); } };
    progressBar(tty, 'dump', { delayMs: 0, now: () => 0 }).update(1, 2);
    expect(tty.written[0]).toBe(`\r\x1b[K${renderProgress('dump', 1, 2, 0)}`);
    expect(tty.written[0]!.length).toBeGreaterThan('\r\x1b[K'.length + 20);
  });

  it('waits for the delay, throttles redraws, redraws after a suspend, and erases at the end', () => {
    let t = 0;
    const tty = terminal();
    const bar = progressBar(tty.sink, 'dump', { delayMs: 1000, intervalMs: 100, now: () => t });
    t = 500;
    bar.update(1, 10);
    expect(tty.written).toEqual([]); // under a second: no bar
    t = 1000;
    bar.update(2, 10);
    expect(tty.written).toHaveLength(1);
    expect(tty.written[0]).toMatch(/^\r\x1b\[Kdump \[======> {23}\]  20% 2 B\/10 B 1\.0s$/);
    t = 1050;
    bar.update(3, 10);
    expect(tty.written).toHaveLength(1); // throttled
    bar.suspend();
    expect(tty.written[1]).toBe('\r\x1b[K');
    bar.update(4, 10); // hidden: drawn again at once
    expect(tty.written).toHaveLength(3);
    bar.end();
    expect(tty.written[3]).toBe('\r\x1b[K');
    t = 5000;
    bar.update(10, 10);
    bar.end();
    expect(tty.written).toHaveLength(4);
  });
});
