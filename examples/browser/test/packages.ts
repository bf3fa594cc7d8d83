// Every landed @genmod package, by its short name: what the kernel census (test/census.ts) runs the examples of.
import * as gumbel from '@genmod/gumbel';
import * as reparam from '@genmod/reparam';
import * as divergences from '@genmod/divergences';
import * as flows from '@genmod/flows';
import * as diffusion from '@genmod/diffusion';
import * as vae from '@genmod/vae';
import * as adversarial from '@genmod/adversarial';

export const PACKAGES: Record<string, Record<string, unknown>> = { gumbel, reparam, divergences, flows, diffusion, vae, adversarial };
