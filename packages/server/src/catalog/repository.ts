import {
  type ApprovalNode,
  type AssetView,
  type assetInputSchema,
  BUILTIN_SYSTEM_ID,
  DEFAULT_SYSTEM_REF,
  type RuleAction,
  type RuleMatch,
  type RulesView,
  type TemplateView,
} from '@signoff/contracts';
import type { z } from 'zod';
import { approverEntryErrors } from '../engine/approvers.ts';
import { ApiError, conflict, notFound } from '../http/errors.ts';
import { validationFailed } from '../http/validate.ts';
import type { Db, Store } from '../store/db.ts';
import type { AssetRow, RuleRow, TemplateRow } from '../store/schema.ts';

type AssetValues = z.output<typeof assetInputSchema>;

/**
 * The asset catalog, approval templates and rules: the minimal tables that let routing work from
 * the first day. Admins (and later the host's backend) maintain them; requesters only read
 * assets, and never set a level.
 */
export class Catalog {
  constructor(private readonly store: Store) {}

  private get db(): Db {
    return this.store.db;
  }

  async listAssets(): Promise<AssetView[]> {
    const rows = await this.db.selectFrom('assets').selectAll().orderBy('id').execute();
    return rows.map(assetView);
  }

  async createAsset(input: AssetValues, now = Date.now()): Promise<AssetView> {
    const inserted = await this.db
      .insertInto('assets')
      .values({ ...input, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw conflict(`An asset with id ${JSON.stringify(input.id)} already exists.`);
    return assetView(inserted);
  }

  async replaceAsset(id: string, input: AssetValues, now = Date.now()): Promise<AssetView> {
    if (input.id !== id) {
      throw new ApiError(400, 'validation_failed', 'The asset id in the body must match the path.');
    }
    const { id: _id, ...fields } = input;
    const updated = await this.db
      .updateTable('assets')
      .set({ ...fields, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw notFound('asset', id);
    return assetView(updated);
  }

  async listTemplates(): Promise<TemplateView[]> {
    const rows = await this.db.selectFrom('templates').selectAll().orderBy('name').execute();
    return rows.map(templateView);
  }

  async createTemplate(input: TemplateInputValues, now = Date.now()): Promise<TemplateView> {
    await this.checkSystemRef(input.systemRef);
    await this.checkNodes(input);
    const id = crypto.randomUUID();
    const row = await this.db
      .insertInto('templates')
      .values({ id, ...templateColumns(input), built_in: 0, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return templateView(row);
  }

  async replaceTemplate(
    id: string,
    input: TemplateInputValues,
    now = Date.now(),
  ): Promise<TemplateView> {
    const existing = await this.db
      .selectFrom('templates')
      .select('built_in')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!existing) throw notFound('template', id);
    if (existing.built_in) throw conflict('Built-in templates cannot be edited.');
    await this.checkSystemRef(input.systemRef);
    await this.checkNodes(input);
    const row = await this.db
      .updateTable('templates')
      .set({ ...templateColumns(input), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return templateView(row);
  }

  async getRules(): Promise<RulesView> {
    const rows = await this.db.selectFrom('rules').selectAll().orderBy('position').execute();
    const defaultRow = rows.find((row) => row.is_default);
    return {
      rules: rows.filter((row) => !row.is_default).map(ruleView),
      defaultAction: defaultRow
        ? (JSON.parse(defaultRow.action) as RuleAction)
        : { kind: 'not_requestable' },
    };
  }

  /** Replaces the whole ordered rule list at once, so no reader sees half of an edit. */
  async replaceRules(rules: RuleInputValues[], defaultAction: RuleAction): Promise<RulesView> {
    const templateIds = new Set(
      (await this.db.selectFrom('templates').select('id').execute()).map((row) => row.id),
    );
    const fields: Record<string, { key: 'unknownSystem' | 'invalid'; message: string }> = {};
    const checkAction = (action: RuleAction, path: string) => {
      if (action.kind === 'template' && !templateIds.has(action.templateId)) {
        fields[path] = { key: 'invalid', message: 'No template with this id exists.' };
      }
    };
    rules.forEach((rule, index) => {
      checkAction(rule.action, `rules.${index}.action.templateId`);
    });
    checkAction(defaultAction, 'defaultAction.templateId');
    if (Object.keys(fields).length > 0) throw validationFailed(fields);

    await this.store.write(async (tx) => {
      await tx.deleteFrom('rules').execute();
      const rows = ruleRows(rules, defaultAction);
      await tx.insertInto('rules').values(rows).execute();
    });
    return this.getRules();
  }

  /**
   * Every approver entry must name somebody in the directory now: a user, or a group or role with
   * members, so that connectors and the built-in system have people to ask. A template that runs
   * on the built-in system needs at least one node, since nobody else would decide; only the
   * built-in "approve automatically" template (never saved through here) has none.
   */
  private async checkNodes(input: TemplateInputValues): Promise<void> {
    const fields = await approverEntryErrors(this.db, input.nodes);
    if (input.nodes.length === 0) {
      const reason = await this.nodesRequiredBecause(input.systemRef);
      if (reason) fields.nodes = { key: 'required', message: reason };
    }
    if (Object.keys(fields).length > 0) throw validationFailed(fields);
  }

  /** Why a template with `systemRef` runs on the built-in system, or null when it does not. */
  private async nodesRequiredBecause(systemRef: string): Promise<string | null> {
    if (systemRef === BUILTIN_SYSTEM_ID) {
      return 'A template on the built-in system needs at least one approval node.';
    }
    if (systemRef !== DEFAULT_SYSTEM_REF) return null;
    const settings = await this.db
      .selectFrom('settings')
      .select('default_system_id')
      .where('id', '=', 1)
      .executeTakeFirst();
    if ((settings?.default_system_id ?? BUILTIN_SYSTEM_ID) !== BUILTIN_SYSTEM_ID) return null;
    return 'The default approval system is the built-in one, which needs at least one approval node.';
  }

  private async checkSystemRef(systemRef: string): Promise<void> {
    if (systemRef === DEFAULT_SYSTEM_REF || systemRef === BUILTIN_SYSTEM_ID) return;
    const system = await this.db
      .selectFrom('systems')
      .select('status')
      .where('id', '=', systemRef)
      .executeTakeFirst();
    if (system?.status !== 'active') {
      throw validationFailed({
        systemRef: { key: 'unknownSystem', message: 'No active approval system with this id.' },
      });
    }
  }
}

export type TemplateInputValues = {
  name: string;
  systemRef: string;
  templateCode: string;
  processCode: string;
  nodes: ApprovalNode[];
};
export type RuleInputValues = { name: string; match: RuleMatch; action: RuleAction };

/** The stored form of an ordered rule list: one row per rule, then the default as the last row. */
export function ruleRows(rules: RuleInputValues[], defaultAction: RuleAction): RuleRow[] {
  const rows = rules.map((rule, position) => ({
    id: crypto.randomUUID(),
    position,
    name: rule.name,
    match: JSON.stringify(rule.match),
    action: JSON.stringify(rule.action),
    is_default: 0,
  }));
  rows.push({
    id: crypto.randomUUID(),
    position: rules.length,
    name: 'Default',
    match: '{}',
    action: JSON.stringify(defaultAction),
    is_default: 1,
  });
  return rows;
}

function templateColumns(input: TemplateInputValues) {
  return {
    name: input.name,
    system_ref: input.systemRef,
    template_code: input.templateCode,
    process_code: input.processCode,
    nodes: JSON.stringify(input.nodes),
  };
}

export function assetView(row: AssetRow): AssetView {
  return {
    id: row.id,
    name: row.name,
    type: row.type as AssetView['type'],
    sensitivity: row.sensitivity as AssetView['sensitivity'],
    project: row.project,
    environment: row.environment,
  };
}

function templateView(row: TemplateRow): TemplateView {
  return {
    id: row.id,
    name: row.name,
    systemRef: row.system_ref,
    templateCode: row.template_code,
    processCode: row.process_code,
    nodes: JSON.parse(row.nodes) as ApprovalNode[],
    builtIn: row.built_in === 1,
  };
}

function ruleView(row: RuleRow) {
  return {
    id: row.id,
    name: row.name,
    match: JSON.parse(row.match) as RuleMatch,
    action: JSON.parse(row.action) as RuleAction,
  };
}
