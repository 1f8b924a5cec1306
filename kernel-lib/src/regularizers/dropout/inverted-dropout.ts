/**
 * Inverted dropout as a layer (lecture 002 "Inverted Dropout"; lecture 003's `U1 = (np.random.rand(*H1.shape) < p) / p`;
 * the convention of PyTorch's nn.Dropout and tfjs's Dropout): in training each unit is kept with probability keepProb
 * and the kept ones are scaled up by 1/keepProb,
 *
 *     ỹ = r ∘ y / keepProb,  r ~ Bernoulli(keepProb),  so E[ỹ] = y,
 *
 * and at inference the layer is the identity ("no scaling is applied"). Unlike `tf.layers.dropout({ rate, seed })`,
 * which repeats one mask at every step when seeded, the mask is fresh at every call and the sequence repeats for the
 * same seed (noise-stream.ts). Serializable as "KernelLib>InvertedDropout".
 */
import { type DropoutConvention } from "./dropout-ops";
import { DropoutFamilyLayer, type DropoutLayerArgs, registerOnce } from "./dropout-layer";

let unnamedLayers = 0;

/** Inverted dropout: r ∘ y / keepProb in training (a fresh seeded mask per call), identity at inference. */
export class InvertedDropout extends DropoutFamilyLayer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>InvertedDropout";
  readonly convention: DropoutConvention = "inverted";

  constructor(args: DropoutLayerArgs) {
    super(args, "InvertedDropout", "inverted_dropout", () => ++unnamedLayers);
  }
}

/** `new InvertedDropout(args)`, in the style of `tf.layers.*` factories. */
export function invertedDropoutLayer(args: DropoutLayerArgs): InvertedDropout {
  return new InvertedDropout(args);
}

/** Registers `InvertedDropout` under "KernelLib>InvertedDropout" unless a class already holds that name. Runs on load. */
export function registerInvertedDropout(): boolean {
  return registerOnce(InvertedDropout);
}

registerInvertedDropout();
