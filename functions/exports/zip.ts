/**
 * The package's zip, assembled from files already deflated as they were
 * written (build-dataset.ts's CSV writers compress in zlib's threads while the
 * rows are built), so packing a large export copies a few megabytes instead
 * of compressing tens of them after everything else. A plain zip: deflated
 * entries whose CRC-32 and sizes are in their local headers (no data
 * descriptors), UTF-8 names, one fixed time, mode 0600, no ZIP64 (an export
 * would need a 4 GB file for it, far beyond what a Lambda builds in 15 minutes).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/** zlib's default trade of size for time, as yazl used. */
export const ZIP_LEVEL = 6;

/** A file holding raw-deflated data, with what the zip must say about it. */
export type DeflatedFile = { file: string; crc32: number; size: number; compressedSize: number };

export type ZipEntry = { name: string; deflated: DeflatedFile } | { name: string; text: string };

const DEFLATE = 8;
const UTF8_NAMES = 1 << 11;
const VERSION_NEEDED = 20;
/** Unix, spec 2.0: the external attributes hold the Unix mode. */
const VERSION_MADE_BY = (3 << 8) | 20;
/** A regular file, readable and writable by its owner only. */
const EXTERNAL_ATTRIBUTES = (0o100600 << 16) >>> 0;
/** 2000-01-01 00:00 as MS-DOS writes dates and times: the archive's entries carry no clue to when the data was collected. */
const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const MAX_32 = 0xffffffff;

export async function writeZip(target: string, entries: readonly ZipEntry[]): Promise<void> {
  const out = await open(target, 'w', 0o600);
  try {
    const central: Buffer[] = [];
    let offset = 0;
    for (const entry of entries) {
      const name = Buffer.from(entry.name, 'utf8');
      let data: Buffer | undefined;
      let facts: Omit<DeflatedFile, 'file'>;
      if ('text' in entry) {
        const raw = Buffer.from(entry.text, 'utf8');
        data = deflateRawSync(raw, { level: ZIP_LEVEL });
        facts = { crc32: crc32(raw), size: raw.length, compressedSize: data.length };
      } else facts = entry.deflated;
      if (facts.size > MAX_32 || facts.compressedSize > MAX_32 || offset > MAX_32) throw new Error(`${entry.name} is too large for a zip without ZIP64`);
      const local = header(0x04034b50, name, facts);
      await out.write(local);
      if (data) await out.write(data);
      else {
        let copied = 0;
        for await (const chunk of createReadStream((entry as { deflated: DeflatedFile }).deflated.file)) {
          await out.write(chunk as Buffer);
          copied += (chunk as Buffer).length;
        }
        if (copied !== facts.compressedSize) throw new Error(`${entry.name}: ${copied} bytes deflated, ${facts.compressedSize} expected`);
      }
      central.push(header(0x02014b50, name, facts, offset));
      offset += local.length + facts.compressedSize;
    }
    const directory = Buffer.concat(central);
    if (offset > MAX_32 || entries.length > 0xffff) throw new Error('The package is too large for a zip without ZIP64');
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0, 4); // this disk
    end.writeUInt16LE(0, 6); // the disk the central directory starts on
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    end.writeUInt16LE(0, 20); // no comment
    await out.write(Buffer.concat([directory, end]));
  } finally {
    await out.close();
  }
}

/** A local file header (0x04034b50) or, given the local header's offset, a central directory one (0x02014b50). */
function header(signature: number, name: Buffer, facts: Omit<DeflatedFile, 'file'>, localOffset?: number): Buffer {
  const central = localOffset !== undefined;
  const fixed = Buffer.alloc(central ? 46 : 30);
  let at = fixed.writeUInt32LE(signature, 0);
  if (central) at = fixed.writeUInt16LE(VERSION_MADE_BY, at);
  at = fixed.writeUInt16LE(VERSION_NEEDED, at);
  at = fixed.writeUInt16LE(UTF8_NAMES, at);
  at = fixed.writeUInt16LE(DEFLATE, at);
  at = fixed.writeUInt16LE(DOS_TIME, at);
  at = fixed.writeUInt16LE(DOS_DATE, at);
  at = fixed.writeUInt32LE(facts.crc32 >>> 0, at);
  at = fixed.writeUInt32LE(facts.compressedSize, at);
  at = fixed.writeUInt32LE(facts.size, at);
  at = fixed.writeUInt16LE(name.length, at);
  at = fixed.writeUInt16LE(0, at); // no extra field
  if (central) {
    at = fixed.writeUInt16LE(0, at); // no comment
    at = fixed.writeUInt16LE(0, at); // disk number start
    at = fixed.writeUInt16LE(0, at); // internal attributes
    at = fixed.writeUInt32LE(EXTERNAL_ATTRIBUTES, at);
    fixed.writeUInt32LE(localOffset, at);
  }
  return Buffer.concat([fixed, name]);
}
