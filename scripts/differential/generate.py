#!/usr/bin/python3
"""Reference generator for tooling/differential (issue 14).

Run by hand with Debian's interpreter when references are regenerated:

    /usr/bin/python3 scripts/differential/generate.py              # every package
    /usr/bin/python3 scripts/differential/generate.py flows vae    # some

Writes tooling/differential/references/<package>.json. Values come from torch.distributions / torch (float64),
scipy.stats / scipy.special / scipy.linalg and mpmath; gradients from torch autograd in float64. Every input is
rounded to float32 first (np.float32(x).item()) and stored, so both sides see the same numbers. For each value
element the file stores cond = sum_i |df/dx_i * x_i|, and for each gradient element the same with second
derivatives: the first-order effect of rounding the inputs to float32.

The shared machinery (make_case, write, the seeded RNG) is in common.py; each package's cases are in
<package>.py, whose gen() writes that package's file with its own seed, so one file regenerates on its own.
"""
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# one unit per references/<unit>.json and test/<unit>.test.ts (divergences has two: its closed forms and its
# sample-based estimators)
PACKAGES = ['gumbel', 'reparam', 'divergences', 'divergences_estimators', 'divergences_metrics', 'flows', 'diffusion', 'diffusion_samplers', 'vae', 'adversarial']

if __name__ == '__main__':
    which = sys.argv[1:] or PACKAGES
    unknown = [p for p in which if p not in PACKAGES]
    if unknown:
        sys.exit('generate.py: unknown package(s) %s; expected some of %s' % (', '.join(unknown), ', '.join(PACKAGES)))
    for package in which:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), package + '.py')
        if not os.path.exists(path):
            print('%s: no generator yet (%s)' % (package, os.path.relpath(path)))
            continue
        importlib.import_module(package).gen()
