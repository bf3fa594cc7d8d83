import type * as tf from '@tensorflow/tfjs-core';

/**
 * An in-memory tf.io destination for save/load tests: `save()` keeps the artifacts, `load()` returns them, and
 * `artifacts` shows what was saved.
 */
export function memoryHandler(): tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } {
  const h: tf.io.IOHandler & { artifacts?: tf.io.ModelArtifacts } = {
    save: async (artifacts) => {
      h.artifacts = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
    load: async () => {
      if (h.artifacts === undefined) throw new Error('memoryHandler: nothing was saved');
      return h.artifacts;
    },
  };
  return h;
}
