/**
 * Seeding. One call, `seed(n)`, seeds an experiment: every random function in kernel-lib takes an
 * optional `seed`, and when it is left out draws one from the global stream that `seed(n)` restarts.
 * The same seed gives the same numbers on the same backend (backends may differ in the last bits of
 * floating-point results, not in the random draws, which are made here in JavaScript or by seeded tfjs ops).
 *
 * The generator is Alea (Johannes Baagøe), through the `seedrandom` package that tfjs itself uses for its
 * seeded ops: fast, 32-bit state, good statistical quality for simulation (not for cryptography).
 */
import seedrandom from "seedrandom";
import { checkInteger, checkNumber } from "./errors";

/** Largest seed handed to tfjs ops; tfjs turns the number into a string, so any integer works. */
const SEED_RANGE = 2 ** 31 - 1;

/** A seeded stream of random numbers. */
export class Rng {
  private readonly next: seedrandom.PRNG;
  private spareNormal: number | null = null;

  /** @param seed any integer; the same seed gives the same stream. */
  constructor(readonly seed: number) {
    checkInteger("Rng", "seed", seed);
    this.next = seedrandom.alea(String(seed));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform in [min, max). */
  uniformIn(min: number, max: number): number {
    checkNumber("Rng.uniformIn", "min", min);
    checkNumber("Rng.uniformIn", "max", max, min);
    return min + (max - min) * this.next();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    checkInteger("Rng.int", "n", n, 1);
    return Math.floor(this.next() * n);
  }

  /** Gaussian N(mean, std²) by the Box–Muller transform (two draws give two normals; the spare is kept). */
  normal(mean = 0, std = 1): number {
    checkNumber("Rng.normal", "std", std, 0);
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** A fresh integer seed for a tfjs op or a child stream, drawn from this stream. */
  nextSeed(): number {
    return Math.floor(this.next() * SEED_RANGE);
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    checkInteger("Rng.permutation", "n", n, 0);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    return order;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

let globalSeed: number = Math.floor(Math.random() * SEED_RANGE);
let globalStream = new Rng(globalSeed);

/**
 * Seeds the whole experiment: restarts the global stream from which every kernel-lib function that was
 * not given its own `seed` draws one. Call it once at the top of a notebook.
 */
export function seed(value: number): void {
  checkInteger("seed", "value", value);
  globalSeed = value;
  globalStream = new Rng(value);
}

/** The seed the global stream was last started from (a random one until `seed()` is called). */
export function currentSeed(): number {
  return globalSeed;
}

/** Draws an integer seed from the global stream: pass it to tfjs ops and initializers (`{ seed: nextSeed() }`). */
export function nextSeed(): number {
  return globalStream.nextSeed();
}

/** A stream for one random thing: from `seed` when given, else seeded from the global stream. */
export function rng(seedValue?: number): Rng {
  return new Rng(seedValue ?? globalStream.nextSeed());
}
