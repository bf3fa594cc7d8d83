/**
 * The README's screenshot: the page on WebGPU in headless Chromium (SwiftShader), with the demos running for a
 * while (the flow trains, the KL fits converge), a full diffusion run, and the golden table filled in.
 * Writes examples/browser/screenshot.png (the page down to the first rows of the golden table).
 * Usage: npm run screenshot -- [--seconds=400] [--query=?backend=webgl]
 */
import { join } from 'node:path';
import { buildPage, exampleDir, launch, openPage, serve } from '../test/harness.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const seconds = Number(arg('seconds', '400'));
const query = arg('query', '');

await buildPage();
const server = await serve();
const browser = await launch();
try {
  const { page } = await openPage(browser.context, server.url, query);
  const backend = await page.evaluate(() => window.genmod.backend!);
  console.log(`backend: ${backend.active} ${backend.details.join('; ')}`);
  const t0 = Date.now();
  // the flow and the KL fits start on load; let them run (the fits converge in about 80 steps)
  while (Date.now() - t0 < seconds * 1000) {
    await page.waitForTimeout(10_000);
    const steps = await page.evaluate(() => ({ flow: window.genmod.flow!.steps, modes: window.genmod.modes!.steps }));
    console.log(`${Math.round((Date.now() - t0) / 1000)} s: flow step ${steps.flow}, KL fits step ${steps.modes}`);
    if (steps.modes >= 120 && steps.flow >= 100) break;
  }
  await page.evaluate(() => window.genmod.flow!.stop());
  await page.evaluate(() => window.genmod.modes!.stop());
  await page.evaluate(async () => {
    window.genmod.gumbel!.setTemperature(0.3);
    await window.genmod.gumbel!.idle();
  });
  await page.evaluate(() => window.genmod.diffusion!.start());
  const report = await page.evaluate(() => window.genmod.runGolden());
  console.log(`golden: ${report.passed} of ${report.total} pass on ${report.backend}`);
  const path = join(exampleDir, 'screenshot.png');
  const height = await page.evaluate(() => document.querySelector('#golden table')!.getBoundingClientRect().top + window.scrollY + 260);
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width: 1240, height: Math.round(height) } });
  console.log(`screenshot: ${path}`);
} finally {
  await browser.close();
  await server.close();
}
