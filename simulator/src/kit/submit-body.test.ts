// The submits the kit and the simulator's tests send carry the values Signoff sends, so that a
// proxy which checks them against Signoff's vocabulary is tested as Signoff will call it.

import { describe, expect, it } from 'vitest';
import { submitBody } from '../testing/fixtures.ts';
import { kitSubmitBody } from './submit-body.ts';

describe.each([
  ['the kit', kitSubmitBody('kit-1', 'tenant-1')],
  ["the simulator's tests", submitBody],
])('the submit of %s', (_who, body) => {
  const content = JSON.parse(body.content);

  it('uses the content values Signoff sends', () => {
    expect(['read', 'write', 'export']).toContain(content.permission);
    expect(['table', 'column', 'api']).toContain(content.resourceType);
    expect(content.environment).toMatch(/^[a-z]+$/);
    expect(content.sensitivity).toMatch(/^L[1-4]$/);
  });

  it('titles the request as Signoff does', () => {
    expect(body.title).toBe(
      `${body.applyUserInfo.userName}: ${content.permission} access to ${content.resource.name}`,
    );
  });
});
