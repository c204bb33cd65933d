/** fmsg nesting rules and the request schemas / dispatcher a broker uses. */
import { DevlinkInstance } from '../../src/devlink/instance';
import { Errno } from '../../src/devlink/errors';
import { FMSG_MAX_SIZE, Fmsg } from '../../src/devlink/fmsg';
import { LocalDevlinkApi } from '../../src/devlink/local_api';
import { dispatchDevlinkRequest, validateDevlinkRequest } from '../../src/devlink/schemas';

describe('Fmsg', () => {
  it('builds a tree with named objects, arrays and anonymous objects', () => {
    const fmsg = new Fmsg();
    fmsg.objNestStart();
    fmsg.u8PairPut('a', 1);
    fmsg.arrPairNestStart('list');
    fmsg.objNestStart();
    fmsg.boolPairPut('b', false);
    fmsg.objNestEnd();
    fmsg.arrPairNestEnd();
    fmsg.objNestEnd();
    expect(fmsg.finish()).toEqual({
      error: 0,
      tree: {
        kind: 'object',
        items: [
          { kind: 'value', name: 'a', value: { type: 'u8', value: 1 } },
          { kind: 'array', name: 'list', items: [{ kind: 'object', items: [{ kind: 'value', name: 'b', value: { type: 'bool', value: false } }] }] },
        ],
      },
    });
  });

  it('chunks binary pairs and latches the first misuse', () => {
    const fmsg = new Fmsg();
    fmsg.objNestStart();
    fmsg.binaryPairPut('blob', Buffer.alloc(FMSG_MAX_SIZE + 1));
    fmsg.objNestEnd();
    const { tree } = fmsg.finish();
    expect(tree.kind === 'object' && tree.items[0]?.kind === 'array' ? tree.items[0].items.length : -1).toBe(2);

    const misuse = new Fmsg();
    misuse.objNestStart();
    misuse.binaryPairNestStart('blob');
    misuse.u8Put(1); // only binary chunks inside a binary pair
    misuse.u64Put(-1);
    expect(misuse.finish().error).toBe(Errno.EINVAL);
    const tooLong = new Fmsg();
    tooLong.stringPut('x'.repeat(FMSG_MAX_SIZE));
    expect(tooLong.error).toBe(Errno.EMSGSIZE);
    const unbalanced = new Fmsg();
    unbalanced.objNestStart();
    expect(unbalanced.finish().error).toBe(Errno.EINVAL);
  });
});

describe('request schemas and dispatch', () => {
  const api = new LocalDevlinkApi([new DevlinkInstance('pci/0000:08:00.0')]);

  it('validates bodies', () => {
    expect(validateDevlinkRequest('regionDel', { handle: 'pci/0000:08:00.0', region: 'r', snapshotId: 1 })).toBeTruthy();
    expect(() => validateDevlinkRequest('regionDel', { handle: 'pci/0000:08:00.0', region: 'r' })).toThrow(
      expect.objectContaining({ errno: Errno.EINVAL }),
    );
    expect(() => validateDevlinkRequest('healthSet', { handle: 'pci', reporter: 'x' })).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    expect(() => validateDevlinkRequest('paramSet', { handle: 'a/b', name: 'n', cmode: 'runtime', value: 1, extra: 1 })).toThrow();
  });

  it('dispatches to the API and returns JSON-able replies or error bodies', async () => {
    expect(await dispatchDevlinkRequest(api, 'listDevices', {})).toEqual({ ok: true, reply: [{ handle: 'pci/0000:08:00.0' }] });
    expect(await dispatchDevlinkRequest(api, 'paramSet', { handle: 'pci/0000:08:00.0', name: 'region_snapshot_enable', cmode: 'runtime', value: false }))
      .toEqual({ ok: true, reply: null });
    expect(await dispatchDevlinkRequest(api, 'regionShow', { handle: 'pci/0000:08:00.0', region: 'nope' })).toEqual({ ok: false, error: { errno: Errno.EINVAL } });
    expect(await dispatchDevlinkRequest(api, 'healthShow', { handle: 'pci/0000:09:00.0' })).toEqual({ ok: false, error: { errno: Errno.ENODEV } });
    expect(await dispatchDevlinkRequest(api, 'frob', {})).toMatchObject({ ok: false, error: { errno: Errno.EOPNOTSUPP } });
  });
});
