import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [9, 256_000],
    [10, 300_000],
    [50, 300_000],
  ])('waits after failed attempt %i for %i ms', (attempts, expected) => {
    expect(backoffMs(attempts)).toBe(expected);
  });

  it('never waits less than the first delay', () => {
    expect(backoffMs(0)).toBe(1_000);
  });
});
