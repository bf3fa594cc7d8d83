import { defineConfig } from 'tsup';
import { genmodTsup } from '../../tooling/tsup.preset';

export default defineConfig(genmodTsup);
