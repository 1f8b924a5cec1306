/** Seeded train/test splits. */
import { checkInteger, checkNumber } from "../errors";
import { rng } from "../random";

export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Shuffles 0..n-1 with `seed` and cuts off `round(testFraction * n)` indices for the test set.
 * With `stratify` (a label per item), each class is split in the same proportion, so both sets keep the
 * class balance. The same seed gives the same split.
 */
export function trainTestSplit(n: number, options: { testFraction?: number; seed?: number; stratify?: ArrayLike<number> } = {}): SplitIndices {
  checkInteger("trainTestSplit", "n", n, 2);
  const testFraction = checkNumber("trainTestSplit", "options.testFraction", options.testFraction ?? 0.2, 0, 1);
  if (options.stratify && options.stratify.length !== n) {
    throw new RangeError(`trainTestSplit: options.stratify.length = ${options.stratify.length}, expected n = ${n} (one label per item)`);
  }
  const stream = rng(options.seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = options.stratify ? options.stratify[i]! : 0;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(i);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const members = stream.shuffle(groups.get(key)!);
    const cut = Math.round(testFraction * members.length);
    test.push(...members.slice(0, cut));
    train.push(...members.slice(cut));
  }
  return { train: Int32Array.from(stream.shuffle(train)), test: Int32Array.from(stream.shuffle(test)) };
}
