/**
 * mstresourcedump 4.33 over fwctl: RESOURCE_DUMP (register 0xc000) in inline mode, continued by
 * sequence number until more_dump is clear. The menu it parses for `query`, a segment with
 * content, and the ERROR segment a device answers for an object that does not exist.
 */
import * as fs from 'fs';
import * as path from 'path';
import { golden, realToolsForFile } from './harness';

const tools = realToolsForFile();

it('query: the 45 segment types of the menu, with their index names', async () => {
  const from = tools().broker.logs().length;
  const r = await tools().run('mstresourcedump', ['query', '-d', 'fwctl0']);
  expect(r).toEqual({ code: 0, stdout: golden('resourcedump_query.txt'), stderr: '' });
  expect(r.stdout.match(/Segment Type - /g)).toHaveLength(45);
  const dumps = tools().registerRpcs(from).filter((l) => l.register === 'RESOURCE_DUMP');
  expect(dumps.length).toBeGreaterThan(1); // the menu does not fit one inline reply
  expect(dumps.every((l) => l.status === 'OK' && l.op_mod === 1)).toBe(true);
});

it('dump -s 0x2001 (RX_SLICE_ALL): info, command, the slices, terminate; the info segment names device 0x218 and firmware 28.39.1002', async () => {
  const r = await tools().run('mstresourcedump', ['dump', '-d', 'fwctl0', '-s', '0x2001']);
  expect(r).toEqual({ code: 0, stdout: golden('resourcedump_rx_slice_all.txt'), stderr: '' });
  expect(r.stdout).toContain('0x0004FFFE 0x00000001 0x00000218 0x1C2703EA \n');
});

it('dump -s PD_CTX -i1 0: a PD the tools context does not own, so the ERROR segment "Invalid index1 0x0"', async () => {
  const r = await tools().run('mstresourcedump', ['dump', '-d', 'fwctl0', '-s', 'PD_CTX', '-i1', '0']);
  expect(r).toEqual({ code: 0, stdout: golden('resourcedump_pd_ctx_error.txt'), stderr: '' });
  // The error text, as big-endian ASCII dwords: "Invalid index1 0x0".
  expect(r.stdout).toContain('0x496E7661 0x6C696420 0x696E6465 0x78312030 \n0x78300000 ');
});

it('dump -b FILE, then mstresourceparse -p raw offline: the same eleven segments the dump printed, byte for byte', async () => {
  const dir = fs.mkdtempSync('/tmp/mlx5ctl-resourceparse-');
  try {
    const bin = path.join(dir, 'rx_slice_all.bin');
    const dump = await tools().run('mstresourcedump', ['dump', '-d', 'fwctl0', '-s', '0x2001', '-b', bin]);
    expect(dump).toMatchObject({ code: 0, stderr: '' });
    expect(dump.stdout).toContain(`write to file:  ${bin}\n`);
    const parse = await tools().run('mstresourceparse', ['-d', bin, '-p', 'raw']);
    expect(parse.stderr).toBe('');
    expect(parse.code).toBe(0);
    // The dump's own print, from its segment list to the parse banner, is what parsing the file gives.
    const printed = golden('resourcedump_rx_slice_all.txt');
    const segments = printed.slice(printed.indexOf('Found 11 segments:\n'), printed.lastIndexOf('\n#') + 1);
    expect(parse.stdout).toBe(segments);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
