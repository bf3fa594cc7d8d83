/**
 * The fused Adam update on the webgl backend. A tfjs GPGPU program renders one output texture, so the update is
 * three fragment programs over the same four inputs — one writes p′, one m′, one v′ — each recomputing the
 * moments (a few flops per element, no extra memory traffic beyond reading the inputs again): 3 dispatches per
 * variable against tfjs's ~14, plus one unpack for an input that arrives packed (tfjs packs matMul results).
 * See adam-common.ts for the equations.
 */
import { adamInputs, type AdamAttrs, type AdamKernelArgs, type TensorInfoLike } from './adam-common.js';

interface WebGLProgramLike {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  packedInputs: boolean;
  packedOutput: boolean;
  customUniforms: Array<{ name: string; type: 'float' }>;
}

interface WebGLBackendLike {
  texData: { get(dataId: object): { isPacked?: boolean } };
  unpackTensor(t: TensorInfoLike): TensorInfoLike;
  disposeIntermediateTensorInfo(t: TensorInfoLike): void;
  runWebGLProgram(program: WebGLProgramLike, inputs: TensorInfoLike[], dtype: 'float32', uniforms: number[][]): TensorInfoLike;
}

/** True when `backend` looks like tfjs-backend-webgl's MathBackendWebGL. */
export function isWebGLBackend(backend: unknown): boolean {
  const b = backend as Partial<WebGLBackendLike> | null;
  return b != null && typeof b.runWebGLProgram === 'function' && typeof b.unpackTensor === 'function' && typeof b.texData?.get === 'function';
}

const UNIFORMS = ['uBeta1', 'uBeta2', 'uOneMinusBeta1', 'uOneMinusBeta2', 'uC1', 'uC2', 'uEpsilon', 'uNegLr', 'uDecay'] as const;
const OUTPUT = { param: 'p1', m: 'm1', v: 'v1' } as const;

function program(which: keyof typeof OUTPUT, shape: number[]): WebGLProgramLike {
  return {
    variableNames: ['adamParam', 'adamM', 'adamV', 'adamG'],
    outputShape: shape,
    packedInputs: false,
    packedOutput: false,
    customUniforms: UNIFORMS.map((name) => ({ name, type: 'float' as const })),
    userCode: `
      void main() {
        float p = getAdamParamAtOutCoords();
        float m = getAdamMAtOutCoords();
        float v = getAdamVAtOutCoords();
        float g = getAdamGAtOutCoords();
        float m1 = m * uBeta1 + g * uOneMinusBeta1;
        float v1 = v * uBeta2 + (g * g) * uOneMinusBeta2;
        float p1 = ((m1 / uC1) / (sqrt(v1 / uC2) + uEpsilon)) * uNegLr + p * uDecay;
        setOutput(${OUTPUT[which]});
      }`,
  };
}

/** Kernel function of GenmodAdamUpdate for the webgl backend: returns [p′, m′, v′] (3 programs). */
export function adamUpdateWebGL(args: AdamKernelArgs): TensorInfoLike[] {
  const backend = args.backend as WebGLBackendLike;
  const a = args.attrs as AdamAttrs;
  const temps: TensorInfoLike[] = [];
  const inputs = adamInputs(args).map((t) => {
    if (backend.texData.get(t.dataId).isPacked !== true) return t;
    const unpacked = backend.unpackTensor(t);
    temps.push(unpacked);
    return unpacked;
  });
  const uniforms = [a.beta1, a.beta2, a.oneMinusBeta1, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.negLr, a.decay].map((x) => [x]);
  const shape = inputs[0]!.shape;
  const outs = (['param', 'm', 'v'] as const).map((which) => backend.runWebGLProgram(program(which, shape), inputs, 'float32', uniforms));
  for (const t of temps) backend.disposeIntermediateTensorInfo(t);
  return outs;
}
