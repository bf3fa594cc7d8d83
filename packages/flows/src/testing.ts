/**
 * @genmod/flows/testing: checks for your own bijectors (no test framework needed: it throws Errors).
 *
 * @module testing
 */
export { checkBijector, logAbsDet, type CheckBijectorOptions, type CheckBijectorReport } from './check-bijector.js';
