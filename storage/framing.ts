import { crc32 } from 'node:zlib';

/**
 * Length- and checksum-framed records, the unit of every append-only file (write-ahead
 * log, delete records). A frame is `u32 length | u32 crc32(payload) | payload`. A torn or
 * corrupt frame ends the readable prefix: everything before it is trusted, nothing after.
 */
const HEADER = 8;

export function frame(payload: Uint8Array): Buffer {
  return Buffer.concat([frameHeader([payload]), payload]);
}

/** The header of a frame whose payload is `chunks` written one after the other. */
export function frameHeader(chunks: Uint8Array[]): Buffer {
  let length = 0;
  let crc = 0;
  for (const c of chunks) {
    length += c.length;
    crc = crc32(c, crc);
  }
  const out = Buffer.allocUnsafe(HEADER);
  out.writeUInt32LE(length, 0);
  out.writeUInt32LE(crc, 4);
  return out;
}

export interface FrameScan {
  payloads: Buffer[];
  /** Bytes of intact frames from the start; a shorter file length means a torn tail. */
  validLength: number;
}

export function readFrames(buf: Buffer): FrameScan {
  const payloads: Buffer[] = [];
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32LE(pos);
    const crc = buf.readUInt32LE(pos + 4);
    if (pos + HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if (crc32(payload) !== crc) break;
    payloads.push(payload);
    pos += HEADER + len;
  }
  return { payloads, validLength: pos };
}
