// Which rule fires for a request, and which approval system a template sends it to. Pure: the
// caller loads rules, settings and systems, so that submit and the preview decide the same way.
import {
  BUILTIN_SYSTEM_ID,
  DEFAULT_SYSTEM_REF,
  type RuleAction,
  type RuleMatch,
  type SystemKind,
} from '@signoff/contracts';
import type { SystemRowStatus } from '../store/schema.ts';

export interface RoutingRule {
  id: string;
  name: string;
  match: RuleMatch;
  action: RuleAction;
}

/** What rules match on: the asset as the catalog describes it, and the permission asked for. */
export interface RoutingSubject {
  sensitivity: string;
  type: string;
  permission: string;
  project: string;
  environment: string;
}

export interface RuleDecision {
  /** The rule that fired; null when no rule matched and there is no default rule either. */
  rule: RoutingRule | null;
  action: RuleAction;
}

/** True when every field of `match` that lists values contains the subject's value. */
export function ruleMatches(match: RuleMatch, subject: RoutingSubject): boolean {
  return (
    listAllows(match.levels, subject.sensitivity) &&
    listAllows(match.assetTypes, subject.type) &&
    listAllows(match.permissions, subject.permission) &&
    listAllows(match.projects, subject.project) &&
    listAllows(match.environments, subject.environment)
  );
}

function listAllows(values: readonly string[] | undefined, value: string): boolean {
  return !values || values.length === 0 || values.includes(value);
}

/**
 * Picks the first rule, in order, that matches; otherwise the default rule. Without a default
 * rule nothing is requestable, which is also what the rules API reports in that case.
 */
export function pickRule(
  rules: readonly RoutingRule[],
  defaultRule: RoutingRule | null,
  subject: RoutingSubject,
): RuleDecision {
  const rule = rules.find((candidate) => ruleMatches(candidate.match, subject)) ?? defaultRule;
  return { rule, action: rule?.action ?? { kind: 'not_requestable' } };
}

/** A configured approval system, as routing needs to know it. */
export interface SystemSummary {
  id: string;
  kind: SystemKind;
  name: string;
  status: SystemRowStatus;
}

/** Where a request goes: the built-in inbox, or one external configuration. */
export type SystemTarget =
  | { id: typeof BUILTIN_SYSTEM_ID; kind: 'builtin'; name: string }
  | { id: string; kind: SystemKind; name: string };

export const BUILTIN_TARGET: SystemTarget = {
  id: BUILTIN_SYSTEM_ID,
  kind: 'builtin',
  name: 'Built-in',
};

/** The template names a system that cannot take new requests; an admin has to fix the setup. */
export class RoutingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

/**
 * Resolves a template's `systemRef`: `default` follows the settings' default system, `builtin` is
 * the inbox, anything else must be an active configuration. Retired ones finish the requests
 * they have but take no new ones.
 */
export function resolveSystemRef(
  ref: string,
  defaultSystemId: string,
  systems: ReadonlyMap<string, SystemSummary>,
): SystemTarget {
  const id = ref === DEFAULT_SYSTEM_REF ? defaultSystemId : ref;
  if (id === BUILTIN_SYSTEM_ID) return BUILTIN_TARGET;

  const system = systems.get(id);
  const via = ref === DEFAULT_SYSTEM_REF ? 'the default approval system' : 'its approval system';
  if (!system) {
    throw new RoutingError(`The template's ${via} (${id}) is not configured.`);
  }
  if (system.status !== 'active') {
    throw new RoutingError(
      `The template's ${via}, "${system.name}", is ${system.status} and takes no new requests.`,
    );
  }
  return { id: system.id, kind: system.kind, name: system.name };
}
