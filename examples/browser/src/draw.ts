/** Small canvas helpers: a perceptual colormap, point clouds, bars, lines, and a pixel hash for the tests. */

export type RGB = [number, number, number];

// viridis at 9 stops (matplotlib), interpolated linearly
const VIRIDIS: RGB[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/** viridis(v) for v in [0, 1] (clamped). */
export function viridis(v: number): RGB {
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

export const rgb = (c: RGB, alpha = 1) => `rgba(${c[0] | 0}, ${c[1] | 0}, ${c[2] | 0}, ${alpha})`;

export function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error(`canvas #${canvas.id}: no 2d context`);
  return ctx;
}

/** A square view of [−extent, extent]² onto the canvas, y up. */
export function view(canvas: HTMLCanvasElement, extent: number) {
  const w = canvas.width;
  const h = canvas.height;
  const s = Math.min(w, h) / (2 * extent);
  return {
    x: (v: number) => w / 2 + v * s,
    y: (v: number) => h / 2 - v * s,
    extent,
  };
}

/** Paints a grid×grid heatmap of `values` (row-major, top row first) over the whole canvas, shading the top `range` units. */
export function heatmap(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, grid: number, range: number): void {
  const { width, height } = ctx.canvas;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) hi = Math.max(hi, values[i]!);
  const image = ctx.createImageData(width, height);
  for (let py = 0; py < height; py++) {
    const gy = Math.min(grid - 1, Math.floor((py / height) * grid));
    for (let px = 0; px < width; px++) {
      const gx = Math.min(grid - 1, Math.floor((px / width) * grid));
      const v = values[gy * grid + gx]!;
      const c = viridis((v - (hi - range)) / range);
      const o = 4 * (py * width + px);
      image.data[o] = c[0];
      image.data[o + 1] = c[1];
      image.data[o + 2] = c[2];
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** Dots at canvas coordinates. */
export function dots(ctx: CanvasRenderingContext2D, xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, radius = 1.5): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = 0; i < xs.length; i++) {
    ctx.moveTo(xs[i]! + radius, ys[i]!);
    ctx.arc(xs[i]!, ys[i]!, radius, 0, 2 * Math.PI);
  }
  ctx.fill();
}

export function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color = '#222', align: CanvasTextAlign = 'left'): void {
  ctx.fillStyle = color;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = align;
  ctx.fillText(text, x, y);
}

/** FNV-1a over the canvas pixels: the tests compare figures before and after an interaction. */
export function canvasHash(canvas: HTMLCanvasElement): string {
  const data = context(canvas).getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
