#!/usr/bin/env node
// Writes page/examples.js from the READMEs (see script-examples.mjs); the test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pageExamples } from './script-examples.mjs';

const out = fileURLToPath(new URL('../page/examples.js', import.meta.url));
writeFileSync(out, pageExamples());
console.log(`wrote ${out}`);
