// Draws the app icons (PNG) for the web app manifest: a white pulse line on blue. Run once when the
// design changes; the PNGs are committed. No image tool needed: pixels are drawn here and zlib-encoded.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
// the pulse line in a 512-unit square, as in icon.svg
const line = [[64, 280], [176, 280], [216, 160], [280, 368], [328, 232], [360, 280], [448, 280]];
const distanceToSegment = (px, py, [ax, ay], [bx, by]) => {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
};
function icon(size, { inset = 0, rounded = true } = {}) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size * 512, v = (y + 0.5) / size * 512;
      const cx = Math.max(96 - u, 0, u - 416), cy = Math.max(96 - v, 0, v - 416);
      const inside = !rounded || Math.hypot(cx, cy) <= 96;
      const lu = (u - 256) / (1 - inset) + 256, lv = (v - 256) / (1 - inset) + 256;
      let d = Infinity;
      for (let i = 1; i < line.length; i++) d = Math.min(d, distanceToSegment(lu, lv, line[i - 1], line[i]));
      const white = d <= 18;
      const [r, g, b] = white ? [255, 255, 255] : [29, 78, 216];
      row.set([r, g, b, inside ? 255 : 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
const dir = new URL('../public/icons/', import.meta.url);
writeFileSync(new URL('icon-192.png', dir), icon(192));
writeFileSync(new URL('icon-512.png', dir), icon(512));
writeFileSync(new URL('icon-maskable-512.png', dir), icon(512, { inset: 0.2, rounded: false }));
