import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

// Two entries: the package, and the `@genmod/adversarial/testing` subpath (gradcheck, gradgradcheck, mode
// coverage and its mixtures of Gaussians) for tests of GANs and of second-order gradients.
export default defineConfig({ ...genmodTsup, entry: ['src/index.ts', 'src/testing.ts'] });
