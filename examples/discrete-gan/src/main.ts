/**
 * A GAN over discrete sequences: an autoregressive GRU generator learns balanced bracket words padded to
 * length 12 ("(()())......"), against an MLP discriminator, with three ways of getting the generator's
 * gradient through its sampled tokens:
 *   SOFT                   Gumbel-softmax relaxation, annealed temperature; D reads the soft vectors
 *   STRAIGHT-THROUGH       exact one-hot Gumbel-max tokens forward, the relaxation's gradient backward
 *   REINFORCE              hard tokens, reward log D(x), score-function estimate with a leave-one-out baseline
 * Reports, over training, the fraction of generated sequences that are valid, the total variation between
 * their word-length distribution and the data's, and the number of distinct valid words; writes
 * out/discrete-gan.png (curves), out/discrete-gan-lengths.png (final length histograms and samples) and
 * out/summary.json.
 * Run: npx tsx src/main.ts  (flags: --backend=wasm|cpu|cuda, --fallback, --steps=N, --seed=N, --methods=a,b, --out=DIR)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { chooseBackendFromArgs } from '@genmod/backend/node';
import { Figure, type RGB } from '@genmod-examples/plot';
import { bracketData, sampleStats } from './brackets.js';
import { barChart, legend, lineChart } from './plots.js';
import { METHODS, defaultTemperature, run, type Method, type RunResult } from './train.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const STEPS = Number(flag('steps') ?? 400);
const SEED = Number(flag('seed') ?? 1);
const METHOD_LIST = (flag('methods')?.split(',') ?? [...METHODS]) as Method[];
const EVAL_SAMPLES = 512;
const EVAL_EVERY = Math.max(1, Math.round(STEPS / 20));

const label: Record<Method, string> = { soft: 'GUMBEL-SOFTMAX (SOFT)', 'straight-through': 'GUMBEL-SOFTMAX (STRAIGHT-THROUGH)', reinforce: 'REINFORCE (LOO BASELINE)' };
const color: Record<Method, RGB> = { soft: [230, 120, 20], 'straight-through': [33, 113, 181], reinforce: [200, 30, 60] };

async function main() {
  for (const m of METHOD_LIST) if (!METHODS.includes(m)) throw new Error(`--methods: each must be one of ${METHODS.join(', ')}, got "${m}"`);
  if (!(Number.isInteger(STEPS) && STEPS > 0)) throw new Error(`--steps must be a positive integer, got ${flag('steps')}`);
  const backend = await chooseBackendFromArgs();
  const data = bracketData();
  const dataStats = sampleStats(data.sample(EVAL_SAMPLES, 424_242), data);
  console.log(`data: balanced bracket words of length 2..12 padded to 12, ${data.support} distinct; ${EVAL_SAMPLES} data samples have length TV ${dataStats.lengthTV.toFixed(3)} (the sampling floor) and ${dataStats.distinctValid} distinct words`);
  console.log(`${STEPS} steps per method, batch 64, non-saturating GAN loss, Adam 2e-3; temperature max(0.3, exp(-step/500))`);

  const results: RunResult[] = [];
  for (const method of METHOD_LIST) {
    const r = run({
      method,
      seed: SEED,
      steps: STEPS,
      evalEvery: EVAL_EVERY,
      evalSamples: EVAL_SAMPLES,
      onEval: (p) => {
        if (p.step % (EVAL_EVERY * 5) === 0 || p.step === STEPS) {
          console.log(`  ${method.padEnd(16)} step ${String(p.step).padStart(4)}  valid ${p.valid.toFixed(3)}  length TV ${p.lengthTV.toFixed(3)}  distinct valid ${String(p.distinctValid).padStart(3)}`);
        }
      },
    });
    console.log(`  ${method}: ${r.seconds.toFixed(1)} s; samples: ${r.examples.slice(0, 8).join(' ')}`);
    results.push(r);
  }

  // ------------------------------------------------------------------ figures
  const outDir = flag('out') ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'out');
  mkdirSync(outDir, { recursive: true });
  const W = 360;
  const H = 220;
  const left = 56;
  const top = 84;
  const fig = new Figure(left + 3 * (W + 60), top + H + 60);
  fig.text(left - 40, 12, 'A GAN OVER BALANCED BRACKET SEQUENCES: VALIDITY, LENGTH LAW AND DIVERSITY OVER TRAINING', [20, 20, 20], 2);
  fig.text(left - 40, 34, `GRU GENERATOR VS MLP DISCRIMINATOR, ${STEPS} STEPS, BATCH 64, ${EVAL_SAMPLES} SAMPLES PER POINT, SEED ${SEED}, BACKEND ${tf.getBackend()}`);
  legend(fig, left - 40, 50, METHOD_LIST.map((m) => ({ label: label[m], color: color[m] })));
  const xTicks = [0, STEPS / 4, STEPS / 2, (3 * STEPS) / 4, STEPS].map(Math.round);
  const series = (f: (p: RunResult['history'][number]) => number) => results.map((r) => ({ label: label[r.method], color: color[r.method], points: r.history.map((p) => [p.step, f(p)] as [number, number]) }));
  lineChart(fig, { x: left, y: top, w: W, h: H }, { title: 'FRACTION OF VALID SEQUENCES', xMax: STEPS, yMax: 1, yTicks: [0, 0.25, 0.5, 0.75, 1], xTicks, xLabel: 'STEP', series: series((p) => p.valid), reference: { y: 1, label: 'DATA' } });
  lineChart(fig, { x: left + W + 60, y: top, w: W, h: H }, {
    title: 'LENGTH TV DISTANCE TO THE DATA',
    xMax: STEPS,
    yMax: 1,
    yTicks: [0, 0.25, 0.5, 0.75, 1],
    xTicks,
    xLabel: 'STEP',
    series: series((p) => p.lengthTV),
    reference: { y: dataStats.lengthTV, label: 'DATA SAMPLE' },
  });
  const dMax = Math.max(200, ...results.flatMap((r) => r.history.map((p) => p.distinctValid)));
  lineChart(fig, { x: left + 2 * (W + 60), y: top, w: W, h: H }, {
    title: `DISTINCT VALID WORDS (OF ${data.support})`,
    xMax: STEPS,
    yMax: dMax,
    yTicks: [0, 50, 100, 150, 200].filter((t) => t <= dMax),
    xTicks,
    xLabel: 'STEP',
    series: series((p) => p.distinctValid),
    reference: { y: dataStats.distinctValid, label: 'DATA SAMPLE' },
  });
  const curves = join(outDir, 'discrete-gan.png');
  fig.save(curves);

  const fig2 = new Figure(left + 2 * (W + 60) + 130, top + H + 60 + 14 * (results.length + 2));
  fig2.text(left - 40, 12, 'WORD LENGTHS AFTER TRAINING, AGAINST THE DATA', [20, 20, 20], 2);
  fig2.text(left - 40, 34, `WORD LENGTH = TOKENS BEFORE THE FIRST '.'; ${EVAL_SAMPLES} SAMPLES PER METHOD (ALL SAMPLES, VALID OR NOT)`);
  const lengthSeries = [{ label: 'DATA', color: [120, 120, 120] as RGB, values: data.lengthProbs }, ...results.map((r) => ({ label: label[r.method], color: color[r.method], values: r.final.lengths }))];
  legend(fig2, left - 40, 50, lengthSeries);
  barChart(fig2, { x: left, y: top, w: 2 * W + 60, h: H }, {
    title: 'P(WORD LENGTH)',
    categories: data.lengthProbs.map((_, i) => String(i)),
    yMax: Math.max(0.5, ...lengthSeries.flatMap((s) => s.values)),
    yTicks: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    xLabel: 'LENGTH',
    series: lengthSeries,
  });
  const sx = left + 2 * (W + 60) + 10;
  fig2.text(sx, top - 14, 'SAMPLES (FINAL)', [20, 20, 20]);
  let sy = top;
  for (const r of results) {
    fig2.text(sx, sy, r.method.toUpperCase(), color[r.method]);
    sy += 12;
    for (const e of r.examples.slice(0, 6)) {
      fig2.text(sx, sy, e, [30, 30, 30]);
      sy += 10;
    }
    sy += 8;
  }
  const summaryTop = top + H + 40;
  fig2.text(left - 40, summaryTop, 'METHOD                              VALID   LENGTH TV   DISTINCT VALID', [20, 20, 20]);
  results.forEach((r, i) =>
    fig2.text(left - 40, summaryTop + 14 * (i + 1), `${label[r.method].padEnd(36)}${r.final.valid.toFixed(3).padStart(5)}   ${r.final.lengthTV.toFixed(3).padStart(9)}   ${String(r.final.distinctValid).padStart(14)}`, color[r.method]),
  );
  fig2.text(left - 40, summaryTop + 14 * (results.length + 1), `${'DATA (512 SAMPLES)'.padEnd(36)}${dataStats.valid.toFixed(3).padStart(5)}   ${dataStats.lengthTV.toFixed(3).padStart(9)}   ${String(dataStats.distinctValid).padStart(14)}`, [90, 90, 90]);
  const lengths = join(outDir, 'discrete-gan-lengths.png');
  fig2.save(lengths);

  // ------------------------------------------------------------------ summary
  const summary = {
    backend: backend.active,
    seed: SEED,
    steps: STEPS,
    batch: 64,
    evalSamples: EVAL_SAMPLES,
    temperature: { initial: defaultTemperature(0), floor: 0.3, rate: 1 / 500, final: defaultTemperature(STEPS) },
    data: { support: data.support, lengthProbs: data.lengthProbs, sample: { valid: dataStats.valid, lengthTV: dataStats.lengthTV, distinctValid: dataStats.distinctValid } },
    methods: Object.fromEntries(
      results.map((r) => [
        r.method,
        {
          seconds: +r.seconds.toFixed(1),
          untrained: { valid: r.history[0]!.valid, lengthTV: +r.history[0]!.lengthTV.toFixed(4) },
          final: { valid: r.final.valid, lengthTV: +r.final.lengthTV.toFixed(4), distinctValid: r.final.distinctValid, lengths: r.final.lengths.map((v) => +v.toFixed(4)) },
          bestValid: Math.max(...r.history.map((p) => p.valid)),
          examples: r.examples,
          history: r.history.map((p) => ({ step: p.step, valid: p.valid, lengthTV: +p.lengthTV.toFixed(4), distinctValid: p.distinctValid, temperature: Number.isNaN(p.temperature) ? null : +p.temperature.toFixed(4), discriminatorLoss: Number.isNaN(p.discriminatorLoss) ? null : +p.discriminatorLoss.toFixed(4), generatorLoss: Number.isNaN(p.generatorLoss) ? null : +p.generatorLoss.toFixed(4) })),
        },
      ]),
    ),
  };
  const summaryPath = join(outDir, 'summary.json');
  writeFileSync(summaryPath, JSON.stringify(summary, null, 2));

  console.log(`\nAfter ${STEPS} steps (${EVAL_SAMPLES} samples each):`);
  console.log(`  ${'method'.padEnd(18)} ${'valid'.padStart(6)} ${'length TV'.padStart(10)} ${'distinct valid'.padStart(15)} ${'seconds'.padStart(8)}`);
  for (const r of results) console.log(`  ${r.method.padEnd(18)} ${r.final.valid.toFixed(3).padStart(6)} ${r.final.lengthTV.toFixed(3).padStart(10)} ${String(r.final.distinctValid).padStart(15)} ${r.seconds.toFixed(1).padStart(8)}`);
  console.log(`  ${'data (sample)'.padEnd(18)} ${dataStats.valid.toFixed(3).padStart(6)} ${dataStats.lengthTV.toFixed(3).padStart(10)} ${String(dataStats.distinctValid).padStart(15)}`);
  console.log(`tensors alive at exit: ${tf.memory().numTensors}`);
  console.log(`figures: ${curves}, ${lengths}\nsummary: ${summaryPath}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
