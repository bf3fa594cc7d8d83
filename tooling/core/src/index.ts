export * from './validate.js';
export { nonDifferentiable } from './no-grad.js';
export { batchMatMul, cholesky, logAbsDetTriangular, matrixTranspose, triangularSolve, type TriangularSolveOptions } from './linalg.js';
export { mulberry32 } from './random.js';
