// The policy's rules in-process: what matches, what the verdicts are, and how a policy reads.

import { describe, expect, it } from 'vitest';
import { submitBody } from '../testing/fixtures.ts';
import { checkPolicy, describePolicy, judgeSubmit, MANUAL_POLICY, type Policy } from './policy.ts';

const withContent = (extra: Record<string, unknown>) => ({
  title: submitBody.title,
  content: JSON.stringify({ ...JSON.parse(submitBody.content), ...extra }),
});

function policy(
  overrides: Partial<Policy['rejectWhen']>,
  approveAfterSeconds: number | null = null,
) {
  return { approveAfterSeconds, rejectWhen: { ...MANUAL_POLICY.rejectWhen, ...overrides } };
}

describe('simulator policy', () => {
  it('waits for a person by default', () => {
    expect(judgeSubmit(MANUAL_POLICY, submitBody)).toEqual({ action: 'wait' });
    expect(describePolicy(MANUAL_POLICY)).toBe('Every request waits for a person.');
  });

  it('approves after the seconds set', () => {
    expect(judgeSubmit(policy({}, 5), submitBody)).toEqual({ action: 'approve', afterMs: 5000 });
    expect(describePolicy(policy({}, 5))).toBe('Approves every request after 5 s.');
  });

  it.each([
    [{ sensitivityLevels: ['l4'] }, withContent({ sensitivity: 'L4' }), 'sensitivity level is L4'],
    [{ projects: ['hr', 'sales'] }, withContent({}), 'project is sales'],
    [{ permissions: ['read'] }, withContent({}), 'permission is read'],
    [{ titlePattern: 'read access to' }, withContent({}), 'the title matches /read access to/i'],
  ])('rejects by rule %j', (rules, submit, reason) => {
    expect(judgeSubmit(policy(rules, 0), submit)).toEqual({ action: 'reject', reason });
  });

  it('leaves a submit that no rule matches to the rest of the policy', () => {
    const rules = { sensitivityLevels: ['L4'], projects: ['hr'], titlePattern: 'export access' };

    expect(judgeSubmit(policy(rules, 2), withContent({ sensitivity: 'L3' }))).toEqual({
      action: 'approve',
      afterMs: 2000,
    });
  });

  it('reads content that is not JSON as having no fields, and still tests the title', () => {
    const submit = { title: 'Export everything', content: 'not json' };

    expect(judgeSubmit(policy({ projects: ['sales'] }), submit)).toEqual({ action: 'wait' });
    expect(judgeSubmit(policy({ titlePattern: 'export' }), submit)).toMatchObject({
      action: 'reject',
    });
  });

  it('describes rules and an automatic approval in one sentence', () => {
    const combined = policy({ sensitivityLevels: ['L3', 'L4'], titlePattern: 'export' }, 10);

    expect(describePolicy(combined)).toBe(
      'Rejects a request when the sensitivity level is L3 or L4, or the title matches /export/i; approves the rest after 10 s.',
    );
  });

  it('fills missing fields with their defaults', () => {
    expect(checkPolicy({ approveAfterSeconds: 3 })).toEqual({
      ok: true,
      policy: policy({}, 3),
    });
  });

  it('names each faulty field', () => {
    const checked = checkPolicy({
      approveAfterSeconds: -1,
      rejectWhen: { titlePattern: '(', projects: 'sales' },
    });

    expect(checked).toEqual({
      ok: false,
      fieldErrors: {
        approveAfterSeconds: 'Seconds must not be negative.',
        titlePattern: 'Title pattern is not a valid regular expression.',
        projects: 'Projects must be a list of names.',
      },
    });
  });
});
