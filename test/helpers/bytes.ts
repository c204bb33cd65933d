/**
 * An independent byte builder for expected values: little-endian integers written byte by byte
 * with shifts, so tests never build their expectations with the encoder under test.
 */
export class Bytes {
  private readonly bytes: number[] = [];

  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }

  u16le(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }

  u32le(v: number): this {
    return this.u8(v).u8(v >>> 8).u8(v >>> 16).u8(v >>> 24);
  }

  i32le(v: number): this {
    return this.u32le(v >>> 0);
  }

  u64le(v: bigint): this {
    for (let i = 0n; i < 8n; i++) this.u8(Number((v >> (8n * i)) & 0xffn));
    return this;
  }

  raw(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.u8(data[i]);
    return this;
  }

  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.u8(0);
    return this;
  }

  get length(): number {
    return this.bytes.length;
  }

  build(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** A frame built by hand: header (length, cmd, seq, result) then body. */
export function handFrame(cmd: number, seq: number, result: number, body: ArrayLike<number>): Buffer {
  return new Bytes().u32le(16 + body.length).u32le(cmd).u32le(seq).i32le(result).raw(body).build();
}
