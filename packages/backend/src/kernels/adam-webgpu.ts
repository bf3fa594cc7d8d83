/**
 * The fused Adam update on the webgpu backend: one WGSL compute shader that reads p, m, v, g and writes p′, m′,
 * v′ — one dispatch per variable. tfjs's own program builder binds a single writable output, so the pipeline is
 * built here and recorded into the backend's command encoder the way tfjs records its programs (same batching,
 * same deferred submit). See adam-common.ts for the equations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamInputs, type AdamAttrs, type AdamKernelArgs, type TensorInfoLike } from './adam-common.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- WebGPU's types are not part of this package's lib */
type GPUAny = any;

interface WebGPUBackendLike {
  device: GPUAny;
  queue: GPUAny;
  tensorMap: { get(dataId: object): { resource?: GPUAny } };
  bufferManager: { acquireBuffer(size: number, usage: number): GPUAny };
  uniformPendingDisposal: GPUAny[];
  commandQueueOwnedIds: WeakSet<object>;
  commandEncoder: GPUAny;
  computePassEncoder: GPUAny;
  dispatchCountInPass: number;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfoLike;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

/** True when `backend` looks like tfjs-backend-webgpu's WebGPUBackend. */
export function isWebGPUBackend(backend: unknown): boolean {
  const b = backend as Partial<WebGPUBackendLike> | null;
  return b != null && b.device != null && typeof b.uploadToGPU === 'function' && typeof b.ensureCommandEncoderReady === 'function' && typeof b.submitQueue === 'function';
}

const WORKGROUP = 64;

const SHADER = `
struct Params {
  size : u32, rowStride : u32, beta1 : f32, beta2 : f32,
  oneMinusBeta1 : f32, oneMinusBeta2 : f32, c1 : f32, c2 : f32,
  epsilon : f32, negLr : f32, decay : f32, pad : f32,
};
@group(0) @binding(0) var<storage, read_write> outP : array<f32>;
@group(0) @binding(1) var<storage, read_write> outM : array<f32>;
@group(0) @binding(2) var<storage, read_write> outV : array<f32>;
@group(0) @binding(3) var<storage, read> p : array<f32>;
@group(0) @binding(4) var<storage, read> m : array<f32>;
@group(0) @binding(5) var<storage, read> v : array<f32>;
@group(0) @binding(6) var<storage, read> g : array<f32>;
@group(0) @binding(7) var<uniform> u : Params;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>) {
  let i = id.y * u.rowStride + id.x;
  if (i >= u.size) { return; }
  let gi = g[i];
  let m1 = m[i] * u.beta1 + gi * u.oneMinusBeta1;
  let v1 = v[i] * u.beta2 + (gi * gi) * u.oneMinusBeta2;
  outM[i] = m1;
  outV[i] = v1;
  outP[i] = ((m1 / u.c1) / (sqrt(v1 / u.c2) + u.epsilon)) * u.negLr + p[i] * u.decay;
}`;

const pipelines = new WeakMap<object, GPUAny>();

function pipelineFor(device: GPUAny): GPUAny {
  let pipeline = pipelines.get(device);
  if (pipeline === undefined) {
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: SHADER }), entryPoint: 'main' } });
    pipelines.set(device, pipeline);
  }
  return pipeline;
}

/** Kernel function of GenmodAdamUpdate for the webgpu backend: returns [p′, m′, v′] (one dispatch). */
export function adamUpdateWebGPU(args: AdamKernelArgs): TensorInfoLike[] {
  const backend = args.backend as WebGPUBackendLike;
  const a = args.attrs as AdamAttrs;
  const inputs = adamInputs(args);
  const shape = inputs[0].shape;
  const size = tf.util.sizeFromShape(shape);
  const outs = [0, 1, 2].map(() => backend.makeTensorInfo(shape, 'float32'));
  if (size === 0) return outs;
  for (const t of [...outs, ...inputs]) backend.uploadToGPU(t.dataId);

  const groups = Math.ceil(size / WORKGROUP);
  const x = Math.min(groups, 65535);
  const y = Math.ceil(groups / x);
  const params = new ArrayBuffer(48);
  new Uint32Array(params, 0, 2).set([size, x * WORKGROUP]);
  new Float32Array(params, 8, 9).set([a.beta1, a.beta2, a.oneMinusBeta1, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.negLr, a.decay]);
  const G = (globalThis as GPUAny).GPUBufferUsage;
  const uniform = backend.bufferManager.acquireBuffer(48, G.COPY_DST | G.UNIFORM);
  backend.queue.writeBuffer(uniform, 0, params, 0, 48);
  backend.uniformPendingDisposal.push(uniform);

  const pipeline = pipelineFor(backend.device);
  const buffers = [...outs, ...inputs].map((t) => ({ buffer: backend.tensorMap.get(t.dataId).resource }));
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers, { buffer: uniform, offset: 0, size: 48 }].map((resource, binding) => ({ binding, resource })),
  });
  for (const t of [...outs, ...inputs]) backend.commandQueueOwnedIds.add(t.dataId);
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(x, y, 1);
  backend.dispatchCountInPass++;
  if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= backend.dispatchCountInPass) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
  return outs;
}
