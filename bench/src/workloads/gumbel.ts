// @genmod/gumbel's real workload, matching the peer's `gumbel_softmax_fwd_bwd_{soft,hard}`:
// logits [1024, 512], y = gumbelSoftmax(logits, τ = 1), loss = Σ y ⊙ W (W fixed), gradient wrt the logits.
import * as tf from '@tensorflow/tfjs';
import { gumbelSoftmax } from '@genmod/gumbel';
import type { Workload } from '../workload.js';

function gumbelSoftmaxFwdBwd(hard: boolean): Workload {
  return {
    name: `gumbel_softmax_fwd_bwd_${hard ? 'hard' : 'soft'}`,
    description: `gumbelSoftmax(${hard ? 'hard' : 'soft'}) [1024, 512] forward + backward, loss Σ y·W`,
    setup() {
      const logits = tf.tidy(() => tf.variable(tf.randomNormal([1024, 512], 0, 1, 'float32', 1)));
      const w = tf.randomNormal([1024, 512], 0, 1, 'float32', 2);
      const f = (l: tf.Tensor) => tf.sum(tf.mul(gumbelSoftmax(l, { temperature: 1, hard, seed: undefined }), w)) as tf.Scalar;
      const valueAndGrad = tf.valueAndGrad(f);
      return {
        step() {
          // fresh noise every step, as the peer's F.gumbel_softmax draws it
          const { value, grad } = valueAndGrad(logits);
          const loss = value.dataSync()[0]!; // sync backends have computed the gradient by now
          tf.dispose([value, grad]);
          return loss;
        },
        dispose() {
          tf.dispose([logits, w]);
        },
      };
    },
  };
}

export const gumbelWorkloads: Workload[] = [gumbelSoftmaxFwdBwd(false), gumbelSoftmaxFwdBwd(true)];
