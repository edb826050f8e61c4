// Debian's headless Chromium for the report's test: one run loads a page, writes a screenshot,
// dumps the DOM as it is after the scripts ran, and logs every console message to stderr; and a
// PNG decoder (IHDR + inflated IDAT, unfiltered) to look at the screenshot's pixels.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';

export interface PageRun {
  /** the document after its scripts ran (--dump-dom) */
  dom: string;
  /** console messages of the page: errors, warnings, logs, CSP refusals alike */
  console: string[];
  screenshot: Buffer;
}

/** Loads an HTML file in headless Chromium (a fresh profile, no network services). */
export function loadPage(file: string, width: number, height: number): PageRun {
  const profile = mkdtempSync(join(tmpdir(), 'vq-chromium-'));
  try {
    const shot = join(profile, 'shot.png');
    const r = spawnSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${profile}`,
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
      '--enable-logging=stderr', '--v=0', `--window-size=${width},${height}`, `--screenshot=${shot}`, '--dump-dom',
      pathToFileURL(file).href,
    ], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120_000 });
    if (r.error) throw new Error(`chromium: ${r.error.message} (Debian's chromium package: scripts/setup installs it)`);
    if (r.status !== 0) throw new Error(`chromium exited with ${r.status}: ${r.stderr}`);
    return {
      dom: r.stdout,
      console: r.stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l)),
      screenshot: readFileSync(shot),
    };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface Image {
  width: number;
  height: number;
  /** RGB(A) rows, `channels` bytes a pixel */
  channels: number;
  pixels: Uint8Array;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes). */
export function decodePng(png: Buffer): Image {
  if (png.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n') throw new Error('not a PNG');
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`PNG kind not handled: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[row + x - channels]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= channels && y > 0 ? out[row - stride + x - channels]! : 0;
      let v = src[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[row + x] = v & 0xff;
    }
  }
  return { width, height, channels, pixels: out };
}

/** Pixels per colour (#rrggbb) of an image. */
export function colourCounts(img: Image): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    const hex = `#${((img.pixels[i]! << 16) | (img.pixels[i + 1]! << 8) | img.pixels[i + 2]!).toString(16).padStart(6, '0')}`;
    counts.set(hex, (counts.get(hex) ?? 0) + 1);
  }
  return counts;
}
