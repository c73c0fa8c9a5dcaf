import { describe, expect, it } from 'vitest';
import {
  pickRule,
  RoutingError,
  type RoutingRule,
  type RoutingSubject,
  resolveSystemRef,
  type SystemSummary,
} from './routing.ts';

const subject: RoutingSubject = {
  sensitivity: 'L3',
  type: 'table',
  permission: 'export',
  project: 'finance',
  environment: 'prod',
};

const rule = (id: string, match: RoutingRule['match']): RoutingRule => ({
  id,
  name: id,
  match,
  action: { kind: 'template', templateId: `t-${id}` },
});
const fallback: RoutingRule = {
  id: 'default',
  name: 'Default',
  match: {},
  action: { kind: 'not_requestable' },
};

describe('pickRule', () => {
  it('takes the first rule that matches, in order', () => {
    const rules = [rule('l1', { levels: ['L1'] }), rule('l3', { levels: ['L3'] }), rule('any', {})];

    expect(pickRule(rules, fallback, subject).rule?.id).toBe('l3');
  });

  it('needs every listed field to match', () => {
    const rules = [
      rule('wrong-env', { levels: ['L3'], environments: ['dev'] }),
      rule('all', {
        levels: ['L2', 'L3'],
        assetTypes: ['table'],
        permissions: ['export'],
        projects: ['finance'],
        environments: ['prod'],
      }),
    ];

    expect(pickRule(rules, fallback, subject).rule?.id).toBe('all');
  });

  it('treats an empty list like an absent one: it matches anything', () => {
    const rules = [rule('empty', { levels: [], permissions: [], projects: [] })];

    expect(pickRule(rules, fallback, subject).rule?.id).toBe('empty');
  });

  it('falls back to the default rule and returns its action', () => {
    const decision = pickRule([rule('read', { permissions: ['read'] })], fallback, subject);

    expect(decision).toEqual({ rule: fallback, action: { kind: 'not_requestable' } });
  });

  it('makes nothing requestable without any rule', () => {
    expect(pickRule([], null, subject)).toEqual({
      rule: null,
      action: { kind: 'not_requestable' },
    });
  });
});

describe('resolveSystemRef', () => {
  const systems = new Map<string, SystemSummary>([
    ['oa-1', { id: 'oa-1', kind: 'other', name: 'Acme OA', status: 'active' }],
    ['dt-1', { id: 'dt-1', kind: 'dingtalk', name: 'Old DingTalk', status: 'retired' }],
  ]);

  it('follows the settings default for `default`', () => {
    expect(resolveSystemRef('default', 'oa-1', systems)).toEqual({
      id: 'oa-1',
      kind: 'other',
      name: 'Acme OA',
    });
    expect(resolveSystemRef('default', 'builtin', systems)).toMatchObject({ kind: 'builtin' });
  });

  it('names the built-in system and active configurations directly', () => {
    expect(resolveSystemRef('builtin', 'oa-1', systems)).toEqual({
      id: 'builtin',
      kind: 'builtin',
      name: 'Built-in',
    });
    expect(resolveSystemRef('oa-1', 'builtin', systems)).toMatchObject({ id: 'oa-1' });
  });

  it('refuses a retired configuration, saying so', () => {
    expect(() => resolveSystemRef('dt-1', 'builtin', systems)).toThrow(RoutingError);
    expect(() => resolveSystemRef('dt-1', 'builtin', systems)).toThrow(
      /"Old DingTalk", is retired/,
    );
  });

  it('refuses an unknown configuration, also when it is the default', () => {
    expect(() => resolveSystemRef('gone', 'builtin', systems)).toThrow(
      /\(gone\) is not configured/,
    );
    expect(() => resolveSystemRef('default', 'gone', systems)).toThrow(
      /default approval system \(gone\)/,
    );
  });
});
