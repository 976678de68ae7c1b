/**
 * Seeded, stratified train/val/test assignment by ratio. Each class is shuffled on its own and
 * cut by the ratios with largest-remainder rounding, so every split's count of every class is
 * within one item of ratio × class size, and the same seed always gives the same assignment.
 */
import { deriveSeed, seededRandom, shuffleInPlace } from '../util/random';
import { SPLITS, type SplitName } from './dataset';

export type SplitRatios = Partial<Record<SplitName, number>>;

export const DEFAULT_RATIOS: Record<SplitName, number> = { train: 0.7, val: 0.15, test: 0.15 };

/** Checks ratios (non-negative, summing to 1 within 1e-6) and fills missing splits with 0. */
export function normalizeRatios(ratios: SplitRatios = DEFAULT_RATIOS): Record<SplitName, number> {
  const unknown = Object.keys(ratios).filter(k => !(SPLITS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new Error(`split: unknown split '${unknown[0]}' (use ${SPLITS.join(', ')})`);
  }
  const out = {} as Record<SplitName, number>;
  for (const s of SPLITS) {
    const r = ratios[s] ?? 0;
    if (!Number.isFinite(r) || r < 0) {
      throw new Error(`split: ratio of ${s} must be a number ≥ 0, got ${r}`);
    }
    out[s] = r;
  }
  const sum = SPLITS.reduce((n, s) => n + out[s], 0);
  if (Math.abs(sum - 1) > 1e-6) {
    throw new Error(
      `split: ratios must sum to 1, got ${SPLITS.map(s => `${s} ${out[s]}`).join(' + ')} = ${sum}`
    );
  }
  return out;
}

/** How many of n items go to each split (largest remainder; ties go to the earlier split). */
export function apportion(n: number, ratios: Record<SplitName, number>): Record<SplitName, number> {
  const exact = SPLITS.map(s => n * ratios[s]);
  const counts = exact.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = SPLITS.map((_, k) => k).sort(
    (a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b
  );
  for (const k of order) {
    if (left === 0) break;
    if (ratios[SPLITS[k]] > 0) {
      counts[k]++;
      left--;
    }
  }
  return Object.fromEntries(SPLITS.map((s, k) => [s, counts[k]])) as Record<SplitName, number>;
}

/**
 * Assigns items (given by class label) to splits. Returns each split's item indices in
 * ascending order (so a split reads its files in directory order).
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  numClasses: number,
  ratios: SplitRatios | undefined,
  seed: number
): Record<SplitName, Int32Array> {
  const r = normalizeRatios(ratios);
  const parts: Record<SplitName, number[]> = { train: [], val: [], test: [] };
  for (let cls = 0; cls < numClasses; cls++) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) members.push(i);
    // One generator per class: adding files of one class leaves the others' assignment alone.
    shuffleInPlace(members, seededRandom(deriveSeed(seed, `split:${cls}`)));
    const counts = apportion(members.length, r);
    let at = 0;
    for (const s of SPLITS) {
      parts[s].push(...members.slice(at, at + counts[s]));
      at += counts[s];
    }
  }
  return Object.fromEntries(SPLITS.map(s => [s, Int32Array.from(parts[s]).sort()])) as Record<
    SplitName,
    Int32Array
  >;
}
