import { describe, expect, it } from 'vitest';
import { RetryBudget } from '../lib/client/retry-budget.ts';

function budgetAt(options: { ratio: number; minPerSecond: number; windowMs: number }) {
  let nowMs = 0;
  const budget = new RetryBudget(options, () => nowMs);
  return { budget, advance: (ms: number) => (nowMs += ms) };
}

const spend = (budget: RetryBudget) => {
  let retries = 0;
  while (budget.hasRoom() && retries < 1000) {
    budget.recordRetry();
    retries++;
  }
  return retries;
};

describe('the retry budget', () => {
  it('allows minPerSecond·window retries with no traffic at all', () => {
    const { budget } = budgetAt({ ratio: 0.5, minPerSecond: 2, windowMs: 1000 });
    expect(spend(budget)).toBe(2);
  });

  it('grows with the calls made in the window, by the ratio', () => {
    const { budget } = budgetAt({ ratio: 0.2, minPerSecond: 0, windowMs: 10_000 });
    for (let i = 0; i < 50; i++) budget.recordCall();
    expect(spend(budget)).toBe(10);
  });

  it('refills as old calls and retries slide out of the window', () => {
    const { budget, advance } = budgetAt({ ratio: 0, minPerSecond: 1, windowMs: 1000 });
    expect(spend(budget)).toBe(1);
    advance(500);
    expect(budget.hasRoom()).toBe(false);
    advance(600);
    expect(spend(budget)).toBe(1);
  });
});
