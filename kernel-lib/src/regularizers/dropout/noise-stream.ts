/**
 * The seeded stream behind every stochastic layer of this module, and the switch that Monte Carlo dropout flips.
 *
 * Why a stream: tfjs's `tf.layers.dropout({ rate, seed })` hands the same seed to `tf.randomUniform` at every call, so
 * a seeded layer drops the SAME units at every training step (one fixed sub-network instead of a fresh one per step),
 * and without a seed it is not reproducible. Here a layer owns an `Rng` seeded once; call t uses the stream's t-th
 * draw as the seed of its tfjs op, so masks differ from call to call and the whole sequence repeats for the same seed.
 *
 * Monte Carlo mode: `mcDropoutPredict` must make the dropout layers stochastic while `model.predict` keeps every other
 * layer (batch norm above all) in inference mode. tfjs passes one `training` flag to all layers, so instead each
 * stochastic layer asks its stream: `monteCarlo` true means "behave as in training even though training is false".
 * In that mode the seeds come from a separate stream started from the seed `mcDropoutPredict` derived, so Monte Carlo
 * predictions are reproducible and do not advance (or depend on) the layer's training stream.
 */
import { checkInteger } from "../../errors";
import { Rng } from "../../random";

/** A layer's seeded stream of op seeds, with a Monte Carlo mode that `mcDropoutPredict` switches on and off. */
export class NoiseStream {
  private training: Rng;
  private monteCarloStream: Rng | null = null;

  /** @param seed the seed the training stream starts from (`reset()` restarts it). */
  constructor(readonly seed: number) {
    checkInteger("NoiseStream", "seed", seed);
    this.training = new Rng(seed);
  }

  /** Whether the layer should draw masks at inference (set by `mcDropoutPredict` for the duration of its passes). */
  get monteCarlo(): boolean {
    return this.monteCarloStream !== null;
  }

  /** The seed for the next random op: from the Monte Carlo stream in Monte Carlo mode, else from the training stream. */
  nextSeed(): number {
    return (this.monteCarloStream ?? this.training).nextSeed();
  }

  /** Restarts the training stream from `seed` (default: the one given at construction). */
  reset(seed: number = this.seed): void {
    this.training = new Rng(checkInteger("NoiseStream.reset", "seed", seed));
  }

  /** Enters Monte Carlo mode with a stream started from `seed`. Throws if already in it (nested Monte Carlo runs). */
  beginMonteCarlo(seed: number): void {
    checkInteger("NoiseStream.beginMonteCarlo", "seed", seed);
    if (this.monteCarloStream !== null) throw new Error("NoiseStream.beginMonteCarlo: the layer is already in Monte Carlo mode (nested mcDropoutPredict?)");
    this.monteCarloStream = new Rng(seed);
  }

  /** Leaves Monte Carlo mode (no-op when not in it). */
  endMonteCarlo(): void {
    this.monteCarloStream = null;
  }
}
