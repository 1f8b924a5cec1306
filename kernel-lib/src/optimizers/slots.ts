/**
 * Per-variable optimizer state ("slots": Adam's m and v, a momentum buffer), keyed by the variable's name rather
 * than by its position in the gradient list, so a step that lists the variables in another order, or only some of
 * them, still finds each variable's own state. Saved by `getWeights` as `{ name: "<variable>/<slot>", tensor }`
 * after tfjs's iteration counter, the layout tfjs's own optimizers use, so `model.save({ includeOptimizer })` and
 * `setWeights` work.
 *
 * State restored by `load` may belong to variables with other names (a model rebuilt or loaded in the same process
 * gets uniquified names, "dense/kernel_1"). At the first step after a load, if none of the stepped names has state,
 * the loaded entries are matched to the gradient list by position (tfjs's own optimizers match only by position),
 * after checking that the counts and shapes agree.
 */
import * as tf from "@tensorflow/tfjs";
import { invalidArgument } from "../errors";

/** tfjs's `{ name, tensor }` pair. */
export type NamedTensor = { name: string; tensor: tf.Tensor };

export class SlotStore {
  private readonly slots = new Map<string, Map<string, tf.Variable>>();
  /** Set by `load`: the loaded variable names in order, until the first step binds them. */
  private loadedOrder: string[] | null = null;

  constructor(readonly slotNames: readonly string[]) {}

  /** The state `slot` of `variable`, created as zeros of its shape on first use (not trainable). */
  get(variable: tf.Variable, slot: string): tf.Variable {
    let perVariable = this.slots.get(variable.name);
    if (perVariable === undefined) {
      perVariable = new Map();
      this.slots.set(variable.name, perVariable);
    }
    let state = perVariable.get(slot);
    if (state === undefined) {
      state = tf.tidy(() => tf.zerosLike(variable).variable(false));
      perVariable.set(slot, state);
    }
    return state;
  }

  /**
   * Called at the start of a step with the stepped variables: after a `load` whose names match none of them,
   * re-keys the loaded state by position (same count and shapes required).
   */
  bind(fn: string, variables: tf.Variable[]): void {
    const loaded = this.loadedOrder;
    this.loadedOrder = null;
    if (loaded === null || loaded.length === 0 || variables.some((v) => this.slots.has(v.name))) return;
    if (loaded.length !== variables.length) {
      invalidArgument(
        fn,
        "variableGradients",
        `${variables.length} variables`,
        `the ${loaded.length} variables whose state setWeights loaded (same names, or same order)`,
      );
    }
    const rebound = loaded.map((oldName, i) => {
      const perVariable = this.slots.get(oldName)!;
      const variable = variables[i]!;
      for (const state of perVariable.values()) {
        if (!tf.util.arraysEqual(state.shape, variable.shape)) {
          invalidArgument(
            fn,
            `variableGradients[${i}]`,
            `${variable.name} of shape [${variable.shape}]`,
            `shape [${state.shape}] of the loaded state of ${oldName}`,
          );
        }
      }
      return [variable.name, perVariable] as const;
    });
    this.slots.clear();
    for (const [name, perVariable] of rebound) this.slots.set(name, perVariable);
  }

  /** Every slot as `{ name: "<variable>/<slot>", tensor }`, variable by variable in first-use order. */
  namedTensors(): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (const [variableName, perVariable] of this.slots) {
      for (const slot of this.slotNames) {
        const state = perVariable.get(slot);
        if (state !== undefined) out.push({ name: `${variableName}/${slot}`, tensor: state });
      }
    }
    return out;
  }

  /** Replaces all state with copies of `weights` (names "<variable>/<slot>"); the caller keeps ownership of `weights`. */
  load(fn: string, weights: NamedTensor[]): void {
    const parsed = weights.map(({ name, tensor }, i) => {
      const cut = name.lastIndexOf("/");
      const slot = cut < 0 ? "" : name.slice(cut + 1);
      if (!this.slotNames.includes(slot) || !(tensor instanceof tf.Tensor)) {
        invalidArgument(fn, `weightValues[${i + 1}].name`, name, `"<variable name>/<slot>" with slot one of ${this.slotNames.join(", ")}`);
      }
      return { variableName: name.slice(0, cut), slot, tensor };
    });
    this.dispose();
    for (const { variableName, slot, tensor } of parsed) {
      let perVariable = this.slots.get(variableName);
      if (perVariable === undefined) {
        perVariable = new Map();
        this.slots.set(variableName, perVariable);
      }
      perVariable.set(
        slot,
        tf.tidy(() => tf.clone(tensor).variable(false)),
      );
    }
    this.loadedOrder = [...this.slots.keys()];
  }

  dispose(): void {
    for (const perVariable of this.slots.values()) tf.dispose([...perVariable.values()]);
    this.slots.clear();
    this.loadedOrder = null;
  }
}

/** The variable a gradient belongs to (tfjs keeps every variable in its engine by name). */
export function registeredVariable(fn: string, name: string): tf.Variable {
  const variable = tf.engine().registeredVariables[name];
  if (variable === undefined) invalidArgument(fn, "variableGradients", name, "gradients keyed by the names of live tf.Variables");
  return variable;
}

/** The gradient list as `[name, gradient]` pairs (entries without a gradient are skipped, as tfjs does). */
export function gradientEntries(variableGradients: tf.NamedTensorMap | NamedTensor[]): [string, tf.Tensor][] {
  const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
    ? variableGradients.map((g) => [g.name, g.tensor])
    : Object.entries(variableGradients);
  return entries.filter((e): e is [string, tf.Tensor] => e[1] != null);
}

/**
 * Base of kernel-lib's optimizers that keep per-variable state in a `SlotStore`: it disposes the state and saves /
 * restores it after tfjs's iteration counter (`getWeights` / `setWeights`). `label` names the optimizer in errors.
 */
export abstract class SlotOptimizer extends tf.Optimizer {
  /** A real prototype check (tfjs's `Optimizer[Symbol.hasInstance]` accepts any optimizer for any subclass). */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return Function.prototype[Symbol.hasInstance].call(this, instance);
  }

  protected abstract readonly state: SlotStore;
  protected abstract readonly label: string;

  /** Disposes the per-variable state. */
  override dispose(): void {
    this.state.dispose();
  }

  /** `[{ name: "iter" }, { name: "<variable>/<slot>" }, ...]`, tfjs's layout. */
  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.state.namedTensors()];
  }

  /** Restores the step count and the state from `getWeights`' layout (copies; the caller keeps `weightValues`). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const fn = `${this.label}.setWeights`;
    if (!Array.isArray(weightValues) || weightValues.length === 0) invalidArgument(fn, "weightValues", weightValues, "the list getWeights() returns");
    const rest = await this.extractIterations(weightValues);
    this.state.load(fn, rest);
  }
}
