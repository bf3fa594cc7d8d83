export * from './validate.js';
export { nonDifferentiable } from './no-grad.js';
