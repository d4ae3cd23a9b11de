// Deterministic release archives (scripts/dist.mjs): the same files give the same bytes — fixed
// mtime, uid/gid 0, sorted entries, modes from the entry list, never from the build machine.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';

/** 2020-01-01T00:00:00Z, the mtime of every entry (scripts/build.mjs packs the .xpi with it). */
export const FIXED_TIME = new Date('2020-01-01T00:00:00Z');

/**
 * @typedef {{ name: string, data: Uint8Array, mode: number }} Entry
 * name: a path with '/' separators, relative to the archive's top folder.
 */

function octal(value, width) {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name, size, mode, type) {
  const block = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(base) > 100) throw new Error(`tar: name too long: ${name}`);
  }
  block.write(base, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(FIXED_TIME.getTime() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  block.write('root', 265, 'ascii');
  block.write('root', 297, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** The folders of the entries' paths, each once. */
function folders(entries, top) {
  const dirs = new Set([top]);
  for (const { name } of entries) {
    const parts = name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${top}/${parts.slice(0, i).join('/')}`);
  }
  return [...dirs];
}

/** A .tar.gz of the entries under `top/`, folders 0755. */
export function tarGz(entries, top) {
  const items = [
    ...folders(entries, top).map((dir) => ({ name: `${dir}/`, dir: true })),
    ...entries.map((e) => ({ ...e, name: `${top}/${e.name}` })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const blocks = [];
  for (const item of items) {
    if (item.dir) {
      blocks.push(header(item.name, 0, 0o755, '5'));
      continue;
    }
    blocks.push(header(item.name, item.data.length, item.mode, '0'));
    blocks.push(Buffer.from(item.data));
    const pad = (512 - (item.data.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad));
  }
  blocks.push(Buffer.alloc(1024));
  // Node's gzip header has no mtime and no file name: only the bytes decide the output.
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** A .zip of the entries under `top/`, with Unix modes in the external attributes. */
export function zip(entries, top) {
  const files = {};
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1)))
    files[`${top}/${e.name}`] = [
      e.data,
      { mtime: FIXED_TIME, os: 3, attrs: ((0o100000 | e.mode) << 16) >>> 0, level: 6 },
    ];
  return zipSync(files);
}
