/**
 * Gaussian ("analog") dropout as a layer (Srivastava et al. 2014 §10, "Multiplicative Gaussian noise"; lecture 000,
 * "the mask can be analog; it need not be binary"): in training each unit is multiplied by a Gaussian factor with the
 * mean and variance of inverted dropout's mask r/keepProb,
 *
 *     ỹ = m ∘ y,  m ~ N(1, σ²),  σ² = (1 − keepProb)/keepProb  (= dropRate/(1 − dropRate)),
 *
 * so E[ỹ] = y and at inference the layer is the identity. Srivastava et al. report it works as well as, or better
 * than, Bernoulli dropout. tfjs has `tf.layers.gaussianDropout({ rate })` with the same σ², but it takes no seed (not
 * reproducible); this one draws a fresh seeded mask per call (noise-stream.ts). Serializable as
 * "KernelLib>GaussianDropout".
 */
import { type DropoutConvention } from "./dropout-ops";
import { DropoutFamilyLayer, type DropoutLayerArgs, registerOnce } from "./dropout-layer";

let unnamedLayers = 0;

/** Gaussian dropout: m ∘ y with m ~ N(1, (1 − keepProb)/keepProb) in training (fresh seeded per call), identity at inference. */
export class GaussianDropout extends DropoutFamilyLayer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>GaussianDropout";
  readonly convention: DropoutConvention = "gaussian";

  constructor(args: DropoutLayerArgs) {
    super(args, "GaussianDropout", "gaussian_dropout", () => ++unnamedLayers);
  }
}

/** `new GaussianDropout(args)`, in the style of `tf.layers.*` factories. */
export function gaussianDropoutLayer(args: DropoutLayerArgs): GaussianDropout {
  return new GaussianDropout(args);
}

/** Registers `GaussianDropout` under "KernelLib>GaussianDropout" unless a class already holds that name. Runs on load. */
export function registerGaussianDropout(): boolean {
  return registerOnce(GaussianDropout);
}

registerGaussianDropout();
