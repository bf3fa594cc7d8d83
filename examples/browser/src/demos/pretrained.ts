/**
 * A flow trained in Node, sampled here: the page loads the spline flow that examples/flows-2d trained on two moons
 * and saved with `saveState` (public/models/two-moons-spline: model.json + weights.bin, tfjs's own layout),
 * rebuilds it from the architecture in its metadata, `loadState`s it, and draws its log-density and samples.
 * **Resample** draws a new seed; **Save/restore round trip** runs ./persist-model.ts through IndexedDB.
 */
import * as tf from '@tensorflow/tfjs';
import { dots, heatmap, label, context, view } from '../draw.js';
import { PRETRAINED_URL, loadPretrained, roundTrip, type Pretrained, type RoundTripReport } from './persist-model.js';

const EXTENT = 3;
const GRID = 48;
const SAMPLES = 500;

export interface PretrainedDemo {
  /** resolves when the model is loaded and drawn (rejects if it cannot be loaded) */
  loaded: Promise<void>;
  /** resolves when nothing of this demo runs on the device */
  idle(): Promise<void>;
  /** the loaded model's log-density at `points` ([x, y] pairs) */
  logProb(points: number[][]): Promise<number[]>;
  /** what flows-2d stored with the weights (architecture, density, steps, held-out NLL, backend) */
  metadata(): Record<string, unknown> | undefined;
  /** draws new samples (seeded) */
  resample(seed: number): Promise<void>;
  /** the IndexedDB round trip of ./persist-model.ts, shown on the page */
  roundTrip(url?: string): Promise<RoundTripReport>;
}

export function pretrainedDemo(root: HTMLElement): PretrainedDemo {
  const canvas = root.querySelector<HTMLCanvasElement>('#pretrained-canvas')!;
  const status = root.querySelector<HTMLElement>('#pretrained-status')!;
  const resampleButton = root.querySelector<HTMLButtonElement>('#pretrained-resample')!;
  const roundTripButton = root.querySelector<HTMLButtonElement>('#pretrained-roundtrip')!;
  const roundTripStatus = root.querySelector<HTMLElement>('#pretrained-roundtrip-status')!;
  const v = view(canvas, EXTENT);
  let model: Pretrained | undefined;
  let seed = 1;
  let work: Promise<unknown> = Promise.resolve();
  const queue = <T>(f: () => Promise<T>): Promise<T> => {
    const p = work.then(f);
    work = p.catch(() => undefined);
    return p;
  };

  async function draw(): Promise<void> {
    const flow = model!.flow;
    const grid = tf.tidy(() => {
      const c = Array.from({ length: GRID }, (_, i) => -EXTENT + ((i + 0.5) * 2 * EXTENT) / GRID);
      return tf.tensor2d(c.flatMap((yy) => c.map((xx) => [xx, -yy]))); // top row first
    });
    const lpT = tf.tidy(() => flow.logProb(grid));
    const sT = tf.tidy(() => flow.sample([SAMPLES], { seed }));
    const [lp, s] = await Promise.all([lpT.data(), sT.data()]);
    tf.dispose([grid, lpT, sT]);
    const ctx = context(canvas);
    heatmap(ctx, lp, GRID, 8);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < s.length / 2; i++) {
      xs.push(v.x(s[2 * i]!));
      ys.push(v.y(s[2 * i + 1]!));
    }
    dots(ctx, xs, ys, 'rgba(230, 60, 40, 0.85)', 1.5);
    label(ctx, `${SAMPLES} samples, seed ${seed}`, 8, 16, '#fff');
  }

  const loaded = queue(async () => {
    status.textContent = `loading ${PRETRAINED_URL}…`;
    model = await loadPretrained(PRETRAINED_URL);
    const m = model.metadata;
    const a = model.architecture;
    status.textContent = `loaded: ${a.layers} ${a.kind} couplings (${a.bins} bins, hidden ${a.hidden.join('×')}), ${(model.bytes / 1024).toFixed(1)} KiB of weights; trained in Node for ${String(m.steps)} Adam steps on ${String(m.backend)}, held-out NLL ${Number(m.heldOutNll).toFixed(3)} nats`;
    await draw();
  });
  loaded.catch((e: Error) => (status.textContent = `could not load ${PRETRAINED_URL}: ${e.message}`));

  const demo: PretrainedDemo = {
    loaded,
    idle: async () => {
      await work;
    },
    logProb: async (points) => {
      await loaded;
      return queue(async () => {
        const t = tf.tidy(() => model!.flow.logProb(tf.tensor2d(points, [points.length, 2])));
        const out = Array.from(await t.data());
        t.dispose();
        return out;
      });
    },
    metadata: () => model?.metadata,
    resample: (s) => queue(async () => {
      await loaded;
      seed = s;
      await draw();
    }),
    roundTrip: (url = 'indexeddb://genmod-flow-round-trip') => queue(async () => {
      roundTripButton.disabled = true;
      roundTripStatus.textContent = 'training 5 steps, saving to IndexedDB, loading into a fresh flow…';
      try {
        const r = await roundTrip(url);
        const same = r.logProbIdentical && r.sampleIdentical && r.runningStatsIdentical && r.actNormInitialized === 1 &&
          r.resumedLosses.every((l, i) => Object.is(l, r.continuedLosses[i]));
        roundTripStatus.textContent = `${r.names.length} tensors (${(r.weightBytes / 1024).toFixed(1)} KiB with Adam's moments) through ${url}: ` +
          `${same ? 'logProb, samples, BatchNorm statistics and the next losses bit for bit the same' : 'DIFFERENT'}; ` +
          `${r.refusals.filter((f) => f.message !== '' && f.unchanged).length} of ${r.refusals.length} mismatched architectures refused`;
        roundTripStatus.className = `status ${same ? 'pass' : 'fail'}`;
        return r;
      } finally {
        roundTripButton.disabled = false;
      }
    }),
  };
  resampleButton.addEventListener('click', () => void demo.resample(seed + 1));
  roundTripButton.addEventListener('click', () => void demo.roundTrip());
  return demo;
}
