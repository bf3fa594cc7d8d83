// A tiny raster canvas over pngjs: rectangles, lines, dots, bitmap text. Enough for honest plots.
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { glyph } from './font.js';

export type RGB = [number, number, number];

export class Figure {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number, background: RGB = [255, 255, 255]) {
    this.png = new PNG({ width, height });
    this.rect(0, 0, width, height, background);
  }

  /** Blends a color into one pixel (alpha in [0, 1]). */
  pixel(x: number, y: number, [r, g, b]: RGB, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const d = this.png.data;
    d[i] = d[i]! * (1 - alpha) + r * alpha;
    d[i + 1] = d[i + 1]! * (1 - alpha) + g * alpha;
    d[i + 2] = d[i + 2]! * (1 - alpha) + b * alpha;
    d[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, color: RGB, alpha = 1): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.pixel(i, j, color, alpha);
  }

  line(x0: number, y0: number, x1: number, y1: number, color: RGB, alpha = 1): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let s = 0; s <= n; s++) this.pixel(x0 + ((x1 - x0) * s) / n, y0 + ((y1 - y0) * s) / n, color, alpha);
  }

  dot(x: number, y: number, color: RGB, alpha = 0.5, radius = 1): void {
    for (let j = -radius; j <= radius; j++) for (let i = -radius; i <= radius; i++) if (i * i + j * j <= radius * radius + 0.5) this.pixel(x + i, y + j, color, alpha);
  }

  text(x: number, y: number, s: string, color: RGB = [30, 30, 30], scale = 1): void {
    let cx = x;
    for (const ch of s) {
      const g = glyph(ch);
      g.forEach((row, j) => row.forEach((on, i) => on && this.rect(cx + i * scale, y + j * scale, scale, scale, color)));
      cx += 6 * scale;
    }
  }

  save(path: string): void {
    writeFileSync(path, PNG.sync.write(this.png));
  }
}

/** A perceptual-ish sequential colormap (white → blue → dark), t in [0, 1]. */
export function colormap(t: number): RGB {
  const stops: RGB[] = [[255, 255, 255], [198, 219, 239], [107, 174, 214], [33, 113, 181], [8, 48, 107]];
  const u = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(u), stops.length - 2);
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}
