/**
 * LeCun's tanh on tensors and as a layer: f(x) = 1.7159 tanh(2x/3) (lecture 004, "Choosing the right sigmoid";
 * LeCun, Bottou, Orr, Müller 1998, "Efficient BackProp", §4.4). The constants make f(±1) = ±1 and put the
 * maximum of the second derivative at |x| = 1, so standardized inputs land where the function is nearly
 * linear with gain ≈ 1 (f'(0) ≈ 1.1439, f'(±1) ≈ 0.76).
 *
 * Why a layer and not `activation: "lecunTanh"`: `tf.layers.dense({ activation })` is typed to take only tfjs's
 * built-in activation identifiers ("tanh", "relu", ...; the `ActivationIdentifier` type). (At run time tfjs looks
 * the name up in its serialization map, so a registered activation class would work behind a type cast, but that
 * rests on undocumented internals; this module does not do it.) So write a linear dense layer followed by this one:
 * ```ts
 * tf.layers.dense({ units: 64 }), // activation defaults to linear
 * lecunTanhLayer(),
 * ```
 * The layer is registered for serialization as "KernelLib>LecunTanh", so models that contain it save and load
 * (`model.save(...)`, `tf.loadLayersModel(...)`) with no `customObjects`.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";
import { LECUN_TANH_SCALE, LECUN_TANH_SLOPE } from "./functions";

/**
 * LeCun's tanh elementwise: 1.7159 · tanh(2x/3), in the dtype of `x` (float32). The gradient is tfjs's
 * automatic one, 1.7159 · (2/3) · (1 - tanh²(2x/3)). Intermediate tensors are freed; the caller owns the result.
 */
export function lecunTanh(x: tf.Tensor): tf.Tensor {
  if (!(x instanceof tf.Tensor)) invalidArgument("lecunTanh", "x", x, "a tf.Tensor");
  if (x.dtype !== "float32") invalidArgument("lecunTanh", "x.dtype", x.dtype, `"float32" (cast with x.toFloat())`);
  return tf.tidy(() => tf.mul(tf.tanh(tf.mul(x, LECUN_TANH_SLOPE)), LECUN_TANH_SCALE));
}

/** Arguments of the `LecunTanh` layer: the common layer arguments (`name`, `inputShape`, `dtype`, ...). */
export type LecunTanhLayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type LayerShape = Parameters<tf.layers.Layer["computeOutputShape"]>[0];
let unnamedLayers = 0;

/**
 * A layer that applies LeCun's tanh, 1.7159 · tanh(2x/3), elementwise. No weights; output shape = input shape.
 * Place it after a linear `tf.layers.dense` / `conv2d` (see the module comment for why).
 */
export class LecunTanh extends tf.layers.Layer {
  /** The name under which the layer is saved and registered with `tf.serialization.registerClass`. */
  static readonly className = "KernelLib>LecunTanh";

  constructor(args: LecunTanhLayerArgs = {}) {
    // tfjs would derive the default name from the class name, whose ">" is not valid in a tensor name.
    super({ ...args, name: args.name ?? `lecun_tanh_${++unnamedLayers}` });
    this.supportsMasking = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (Array.isArray(inputs) && inputs.length !== 1) invalidArgument("LecunTanh.call", "inputs", `${inputs.length} tensors`, "one tensor");
    return lecunTanh(x!);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    return inputShape;
  }
}

/** `new LecunTanh(args)`, in the style of `tf.layers.*` factories. */
export function lecunTanhLayer(args: LecunTanhLayerArgs = {}): LecunTanh {
  return new LecunTanh(args);
}

/**
 * Registers `LecunTanh` with tfjs's serialization map under "KernelLib>LecunTanh", unless a class is already
 * registered under that name (a second copy of kernel-lib loaded in the same process, e.g. the built package
 * and the sources): the first registration stays, so loading twice changes nothing. Runs when this module loads.
 * @returns whether this call registered the class.
 */
export function registerLecunTanh(): boolean {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap;
  if (Object.prototype.hasOwnProperty.call(registered, LecunTanh.className)) return false;
  tf.serialization.registerClass(LecunTanh);
  return true;
}

registerLecunTanh();
