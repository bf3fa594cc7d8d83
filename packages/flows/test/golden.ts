// Typed views of tooling/testing/golden/flows.json (schema: tooling/testing/golden/README.md).
import { loadGolden } from '@genmod-internal/testing';

export interface CouplingWeights {
  mask: number[];
  W_s: number[][];
  b_s: number[];
  W_t: number[][];
  b_t: number[];
}

export interface SingleLayerCase extends CouplingWeights {
  dim: number;
  x: number[][];
  y: number[][];
  log_det_jacobian: number[];
  log_prob_x_std_normal_base: number[];
  inverse_input_y: number[][];
  inverse_output_x: number[][];
  inverse_log_det_jacobian: number[];
}

export interface StackCase {
  layers: CouplingWeights[];
  x: number[][];
  y: number[][];
  log_det_jacobian: number[];
  log_prob_x_std_normal_base: number[];
}

const flows = () => loadGolden<{ single_layer: SingleLayerCase[]; stack_2layer: StackCase }>('flows.json');
export const singleLayerCases = () => flows().single_layer;
export const stackCase = () => flows().stack_2layer;
