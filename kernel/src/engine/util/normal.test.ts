import { fillNormals } from './normal';
import { seededRandom } from './random';

/** Upper tail probability of N(0, 1) (Abramowitz & Stegun 7.1.26 through erfc, |error| < 1.5e-7). */
function upperTail(x: number): number {
  const z = x / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-z * z);
}

test('ziggurat draws have the moments and tails of a standard normal', () => {
  const n = 2_000_000;
  const v = fillNormals(seededRandom(11), n, 1, new Float64Array(n));
  let m1 = 0;
  let m2 = 0;
  let m4 = 0;
  for (const x of v) {
    m1 += x;
    m2 += x * x;
    m4 += x ** 4;
  }
  // Standard errors at n = 2·10^6: mean 0.0007, variance 0.001, fourth moment 0.007.
  expect(Math.abs(m1 / n)).toBeLessThan(0.004);
  expect(Math.abs(m2 / n - 1)).toBeLessThan(0.005);
  expect(Math.abs(m4 / n - 3)).toBeLessThan(0.04);
  // Tail fractions, including beyond the base layer's edge (3.44) where the tail method runs.
  for (const c of [0.5, 1, 2, 3, 3.5, 4]) {
    const p = upperTail(c);
    const observed = v.filter(x => x > c).length / n;
    const se = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(observed - p)).toBeLessThan(5 * se + 1e-6);
    const below = v.filter(x => x < -c).length / n;
    expect(Math.abs(below - p)).toBeLessThan(5 * se + 1e-6);
  }
});

test('the same seed gives the same draws, and sd scales them', () => {
  const a = fillNormals(seededRandom(3), 1000, 1, new Float64Array(1000));
  const b = fillNormals(seededRandom(3), 1000, 2.5, new Float64Array(1000));
  expect(Array.from(b)).toEqual(Array.from(a, x => 2.5 * x));
});
