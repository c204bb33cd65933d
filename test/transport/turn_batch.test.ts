import { flushAtEndOfTurn, flushLateInTurn } from '../../src/transport/turn_batch';

describe('flushAtEndOfTurn', () => {
  it('flushes every target once, after the turn\'s synchronous code and promises, in the order asked', async () => {
    const order: string[] = [];
    const target = (name: string) => ({ flushTurn: () => order.push(name) });
    const a = target('a');
    const b = target('b');
    flushAtEndOfTurn(a);
    flushAtEndOfTurn(b);
    await Promise.resolve();
    order.push('microtask');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['microtask', 'a', 'b']);
  });

  it('runs what a flush asks for in the next turn, not the one being flushed', async () => {
    const order: string[] = [];
    const later = { flushTurn: () => order.push('later') };
    const first = {
      flushTurn: () => {
        order.push('first');
        flushAtEndOfTurn(later);
      },
    };
    flushAtEndOfTurn(first);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first']);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first', 'later']);
  });
});

describe('flushLateInTurn', () => {
  it('runs late targets after the others of the same turn, whichever asked first', async () => {
    const order: string[] = [];
    flushLateInTurn({ flushTurn: () => order.push('log') });
    flushAtEndOfTurn({ flushTurn: () => order.push('reply 1') });
    flushAtEndOfTurn({ flushTurn: () => order.push('reply 2') });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['reply 1', 'reply 2', 'log']);
  });
});
