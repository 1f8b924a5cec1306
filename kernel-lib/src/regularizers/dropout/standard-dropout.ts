/**
 * Standard (original) dropout as a layer (Srivastava et al. 2014 §4, Fig. 2; lecture 000 "in prediction, multiply each
 * hidden unit by the parameter of its Bernoulli mask, p"; lecture 002 "the weights are scaled down by a factor of p";
 * lecture 003 "divide all weights by 2"): in training each unit is kept with probability keepProb, unscaled,
 *
 *     ỹ = r ∘ y,  r ~ Bernoulli(keepProb),  so E[ỹ] = keepProb · y,
 *
 * and at inference every unit is multiplied by keepProb, which matches that expectation. (Scaling the unit's output
 * by keepProb is the same as scaling the next layer's weights by keepProb, the lectures' wording.) Fresh seeded mask
 * per call (noise-stream.ts). Serializable as "KernelLib>StandardDropout".
 */
import { type DropoutConvention } from "./dropout-ops";
import { DropoutFamilyLayer, type DropoutLayerArgs, registerOnce } from "./dropout-layer";

let unnamedLayers = 0;

/** Standard dropout: r ∘ y in training (a fresh seeded mask per call), keepProb · y at inference. */
export class StandardDropout extends DropoutFamilyLayer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>StandardDropout";
  readonly convention: DropoutConvention = "standard";

  constructor(args: DropoutLayerArgs) {
    super(args, "StandardDropout", "standard_dropout", () => ++unnamedLayers);
  }
}

/** `new StandardDropout(args)`, in the style of `tf.layers.*` factories. */
export function standardDropoutLayer(args: DropoutLayerArgs): StandardDropout {
  return new StandardDropout(args);
}

/** Registers `StandardDropout` under "KernelLib>StandardDropout" unless a class already holds that name. Runs on load. */
export function registerStandardDropout(): boolean {
  return registerOnce(StandardDropout);
}

registerStandardDropout();
