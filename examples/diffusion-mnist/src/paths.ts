import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run train` saves the models and `npm run quality` reads them: out/models/{denoiser,velocity,classifier}. */
export const MODEL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'models');
