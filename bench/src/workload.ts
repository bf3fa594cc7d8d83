/** One timed workload: `setup` builds its state once; each `step` is one iteration (returns the loss). */
export interface Workload {
  /** the name the PyTorch peer prints for the same workload */
  name: string;
  /** what is timed, in a few words */
  description: string;
  setup(): { step(iteration: number): number; dispose(): void };
}
