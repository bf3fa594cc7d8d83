export * from './validate.js';
export * from './checks.js';
export * from './seed.js';
export * from './options.js';
export * from './math.js';
export * from './distribution.js';
export { nonDifferentiable } from './no-grad.js';
export { batchMatMul, cholesky, logAbsDetTriangular, matrixTranspose, triangularSolve, type TriangularSolveOptions } from './linalg.js';
export { mulberry32 } from './random.js';
