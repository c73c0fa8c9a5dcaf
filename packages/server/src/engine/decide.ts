// Loads what routing needs (rules, the template, settings, systems) and decides where a request
// goes. Submit uses it inside its write transaction; a preview can use it on its own.
import { BUILTIN_SYSTEM_ID, type RuleAction, type RuleMatch } from '@signoff/contracts';
import type { Db } from '../store/db.ts';
import type { RuleRow, SystemRowStatus, TemplateRow } from '../store/schema.ts';
import {
  pickRule,
  RoutingError,
  type RoutingRule,
  type RoutingSubject,
  resolveSystemRef,
  type SystemSummary,
  type SystemTarget,
} from './routing.ts';

export type RouteOutcome =
  | { kind: 'not_requestable' }
  /** `template` is set when the rule named the built-in "approve automatically" template. */
  | { kind: 'auto_approve'; template: TemplateRow | null }
  | { kind: 'template'; template: TemplateRow; target: SystemTarget };

export interface RouteDecision {
  rule: RoutingRule | null;
  outcome: RouteOutcome;
  /** The settings version the decision was made under; requests record it for the audit. */
  settingsVersion: number;
}

/**
 * Decides where a request for `subject` goes. Throws `RoutingError` when the rule points at a
 * template or system that cannot take it: that is a setup problem for an admin, not the
 * requester's mistake.
 */
export async function decideRoute(db: Db, subject: RoutingSubject): Promise<RouteDecision> {
  const ruleRows = await db.selectFrom('rules').selectAll().orderBy('position').execute();
  const settings = await db
    .selectFrom('settings')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirst();
  const rules = ruleRows.filter((row) => !row.is_default).map(routingRule);
  const defaultRow = ruleRows.find((row) => row.is_default);
  const { rule, action } = pickRule(rules, defaultRow ? routingRule(defaultRow) : null, subject);
  // Before the first save there is no settings row: the built-in system is the default.
  const settingsVersion = settings?.version ?? 0;

  const outcome = await outcomeOf(db, rule, action, settings?.default_system_id);
  return { rule, outcome, settingsVersion };
}

async function outcomeOf(
  db: Db,
  rule: RoutingRule | null,
  action: RuleAction,
  defaultSystemId = BUILTIN_SYSTEM_ID,
): Promise<RouteOutcome> {
  if (action.kind === 'not_requestable') return { kind: 'not_requestable' };
  if (action.kind === 'auto_approve') return { kind: 'auto_approve', template: null };

  const template = await db
    .selectFrom('templates')
    .selectAll()
    .where('id', '=', action.templateId)
    .executeTakeFirst();
  if (!template) {
    const name = rule ? `Rule "${rule.name}"` : 'The default rule';
    throw new RoutingError(`${name} names a template (${action.templateId}) that does not exist.`);
  }
  // The only built-in template is "approve automatically"; it has no approvers to send to.
  if (template.built_in) return { kind: 'auto_approve', template };

  const systems = await db
    .selectFrom('systems')
    .select(['id', 'kind', 'name', 'status'])
    .where('status', '!=', 'removed' satisfies SystemRowStatus)
    .execute();
  const byId = new Map<string, SystemSummary>(systems.map((system) => [system.id, system]));
  const target = resolveSystemRef(template.system_ref, defaultSystemId, byId);
  return { kind: 'template', template, target };
}

function routingRule(row: RuleRow): RoutingRule {
  return {
    id: row.id,
    name: row.name,
    match: JSON.parse(row.match) as RuleMatch,
    action: JSON.parse(row.action) as RuleAction,
  };
}
