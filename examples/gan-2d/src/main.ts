/**
 * GANs on the ring of 8 Gaussians: trains a non-saturating GAN and a WGAN-GP (leakyRelu critic, gradient
 * penalty) with @genmod/adversarial's `trainAdversarial`, measures mode coverage (modes covered, fraction of
 * high-quality samples within 3σ of a mode) at checkpoints, and writes
 *   out/gan-2d.png      samples over training, one row per model, with the modes' 3σ discs
 *   out/summary.json    the configuration and every checkpoint's metrics
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback, --steps=N, --checkpoints=K)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, type RGB } from '@genmod-examples/plot';
import { enableHigherOrderGradients } from '@genmod/adversarial';
import { ringOfGaussians } from '@genmod/adversarial/testing';
import { CONFIG, runGan, type Checkpoint, type GanKind } from './train.js';

// The WGAN-GP critic uses leakyRelu, and its gradient penalty differentiates a gradient: tfjs 4.22 needs
// correct second-order gradients registered once, at start-up, by the app.
enableHigherOrderGradients();

const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const STEPS = flag('steps', CONFIG.steps);
const CHECKPOINTS = flag('checkpoints', 6);
const EXTENT = 3; // the plotted square [−E, E]²
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'out');

async function main() {
  const backend = await chooseBackendFromArgs();
  mkdirSync(out, { recursive: true });
  const marks = Array.from({ length: CHECKPOINTS }, (_, i) => Math.round((i * STEPS) / (CHECKPOINTS - 1)));
  const kinds: GanKind[] = ['non-saturating', 'wgan-gp'];
  const results: Record<string, Checkpoint[]> = {};
  const seconds: Record<string, number> = {};
  for (const kind of kinds) {
    console.log(`\n${kind}: ${STEPS} generator steps, ${CONFIG.criticSteps} discriminator steps each${kind === 'wgan-gp' ? `, gradient penalty λ = ${CONFIG.lambda}` : ''}`);
    const r = await runGan({
      kind,
      steps: STEPS,
      checkpoints: marks,
      onCheckpoint: (c) =>
        console.log(
          `  step ${String(c.step).padStart(5)}  ${c.seconds.toFixed(1).padStart(6)} s  modes ${c.coverage.modesCovered}/8  high quality ${(100 * c.coverage.highQualityFraction).toFixed(1).padStart(5)} %  mode KL ${c.coverage.modeKl.toFixed(3)}  per mode [${c.coverage.perMode.join(', ')}]`,
        ),
    });
    results[kind] = r.checkpoints;
    seconds[kind] = r.seconds;
  }

  // ---------------------------------------------------------------- figure
  const ring = ringOfGaussians({ std: CONFIG.std });
  const panel = 200;
  const left = 110;
  const top = 66;
  const fig = new Figure(left + marks.length * panel + 10, top + kinds.length * (panel + 24) + 10);
  fig.text(10, 10, 'GANS ON THE RING OF 8 GAUSSIANS: SAMPLES OVER TRAINING (RED), MODES WITH 3 SIGMA DISCS (BLUE)', [20, 20, 20], 2);
  fig.text(10, 36, `${STEPS} GENERATOR STEPS x ${CONFIG.criticSteps} DISCRIMINATOR STEPS, BATCH ${CONFIG.batch}, MLPS 2-${CONFIG.width}-${CONFIG.width}, SIGMA ${CONFIG.std}, BACKEND ${tf.getBackend()}`);
  fig.text(10, 46, `N/8 = MODES COVERED, HQ = SAMPLES WITHIN 3 SIGMA OF A MODE, KL = KL(HQ SAMPLES OVER MODES || UNIFORM); ${CONFIG.evalSamples} SAMPLES PER PANEL`);
  const toPx = (x0: number, y0: number, p: number[]) => [x0 + ((p[0]! + EXTENT) / (2 * EXTENT)) * panel, y0 + ((EXTENT - p[1]!) / (2 * EXTENT)) * panel] as const;
  for (const [row, kind] of kinds.entries()) {
    const y0 = top + row * (panel + 24);
    fig.text(10, y0 + panel / 2 - 10, kind === 'wgan-gp' ? 'WGAN-GP' : 'NON-', [20, 20, 20], 2);
    if (kind !== 'wgan-gp') fig.text(10, y0 + panel / 2 + 8, 'SATURATING', [20, 20, 20], 1);
    for (const [col, c] of results[kind]!.entries()) {
      const x0 = left + col * panel;
      fig.rect(x0 + 2, y0 + 12, panel - 4, panel - 4, [250, 250, 250]);
      // 3σ discs around the modes
      const r = (3 * ring.std * panel) / (2 * EXTENT);
      for (const m of ring.centers) {
        const [cx, cy] = toPx(x0, y0 + 12, m);
        for (let a = 0; a < 64; a++) fig.dot(cx + r * Math.cos((a * Math.PI) / 32), cy + r * Math.sin((a * Math.PI) / 32), [33, 113, 181], 0.8, 0);
      }
      for (const p of c.samples.slice(0, 1500)) {
        if (!(Math.abs(p[0]!) < EXTENT && Math.abs(p[1]!) < EXTENT)) continue; // inside the panel only
        const [px, py] = toPx(x0, y0 + 12, p);
        fig.dot(px, py, [200, 30, 30] as RGB, 0.35);
      }
      fig.text(x0 + 6, y0, `STEP ${c.step}: ${c.coverage.modesCovered}/8, HQ ${(100 * c.coverage.highQualityFraction).toFixed(0)}%, KL ${c.coverage.modeKl.toFixed(2)}`);
    }
  }
  const png = join(out, 'gan-2d.png');
  fig.save(png);

  const summary = {
    backend: backend.active,
    config: { ...CONFIG, steps: STEPS },
    metric: 'modeCoverage: high quality = within 3σ of the nearest mode (VEEGAN); a mode is covered with ≥ ⌈0.2·N/8⌉ high-quality samples (PacGAN)',
    models: Object.fromEntries(
      kinds.map((k) => [
        k,
        {
          seconds: seconds[k],
          checkpoints: results[k]!.map((c) => ({
            step: c.step,
            seconds: c.seconds,
            modesCovered: c.coverage.modesCovered,
            highQualityFraction: c.coverage.highQualityFraction,
            perMode: c.coverage.perMode,
            modeKl: c.coverage.modeKl,
            discriminatorLoss: c.discriminatorLoss,
            generatorLoss: c.generatorLoss,
          })),
        },
      ]),
    ),
  };
  writeFileSync(join(out, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(`\nwrote ${png} and ${join(out, 'summary.json')}`);
  for (const k of kinds) {
    const last = results[k]!.at(-1)!;
    console.log(`${k.padEnd(15)} final: ${last.coverage.modesCovered}/8 modes, ${(100 * last.coverage.highQualityFraction).toFixed(1)} % high quality, mode KL ${last.coverage.modeKl.toFixed(3)} (${seconds[k]!.toFixed(0)} s)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
