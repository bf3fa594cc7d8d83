/**
 * @genmod/adversarial/testing: checks for tests (no test framework needed: they throw Errors or return
 * reports): finite-difference gradient checks of first and second order, and the mode-coverage metric with
 * its mixtures of Gaussians.
 *
 * @module testing
 */
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckReport, type GradcheckInputReport } from './gradcheck.js';
export { modeCoverage, type ModeCoverage, type ModeCoverageOptions } from './mode-coverage.js';
export { ringOfGaussians, gridOfGaussians, type GaussianMixture, type RingOfGaussiansOptions, type GridOfGaussiansOptions } from './gaussian-mixtures.js';
export type { Distribution, SampleOptions, Seed } from '@genmod-internal/core';
