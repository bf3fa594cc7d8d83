export { collectTensors, expectNoLeaks, expectNoLeaksAsync, expectThrowsClean } from './leaks.js';
export { expectClose, expectFinite, valuesOf, type Tolerance, type Numeric } from './close.js';
export { checkGradient, type GradCheckOptions } from './gradcheck.js';
export { goldenDir, goldenFiles, loadGolden, repoRoot, sharedGoldenDir } from './golden.js';
export { chiSquare, chiSquareCritical, countLabels, ksCritical, ksStatistic, zCritical } from './stats.js';
export { describeReadmeExamples, readmeExamples } from './readme.js';
export { memoryHandler } from './io.js';
export { runScriptInNode } from './node-script.js';
