import type { AssetView, RuleAction, RuleMatch } from '@signoff/contracts';
import type { Store } from '../store/db.ts';
import { ruleRows } from './repository.ts';

/** Assets of each sensitivity level, so a fresh install has something to request. */
export const demoAssets: readonly AssetView[] = [
  {
    id: 'sales.orders',
    name: 'Sales orders',
    type: 'table',
    sensitivity: 'L1',
    project: 'sales',
    environment: 'prod',
  },
  {
    id: 'sales.customers',
    name: 'Customer accounts',
    type: 'table',
    sensitivity: 'L2',
    project: 'sales',
    environment: 'prod',
  },
  {
    id: 'finance.ledger',
    name: 'General ledger',
    type: 'table',
    sensitivity: 'L3',
    project: 'finance',
    environment: 'prod',
  },
  {
    id: 'hr.salaries.amount',
    name: 'Salary amount',
    type: 'column',
    sensitivity: 'L4',
    project: 'hr',
    environment: 'prod',
  },
  {
    id: 'payments.api',
    name: 'Payments API',
    type: 'api',
    sensitivity: 'L3',
    project: 'payments',
    environment: 'prod',
  },
];

export const AUTO_APPROVE_TEMPLATE_ID = 'builtin-auto-approve';
export const DEFAULT_TEMPLATE_ID = 'default-system';

const seededTemplates = [
  {
    // Product.md: a built-in "approve automatically" template exists and cannot be edited.
    id: AUTO_APPROVE_TEMPLATE_ID,
    name: 'Approve automatically',
    system_ref: 'builtin',
    nodes: [],
    built_in: 1,
  },
  {
    id: DEFAULT_TEMPLATE_ID,
    name: 'Data owner approval',
    system_ref: 'default',
    nodes: [{ mode: 'OR', approverIds: ['aaron'] }],
    built_in: 0,
  },
];

const seededRules: Array<{ name: string; match: RuleMatch; action: RuleAction }> = [
  { name: 'Public data', match: { levels: ['L1'] }, action: { kind: 'auto_approve' } },
];
const seededDefault: RuleAction = { kind: 'template', templateId: DEFAULT_TEMPLATE_ID };

/**
 * Seeds the catalog, templates and rules of a fresh install: L1 assets approve automatically,
 * everything else goes to the data owner through "the default system". Runs only into empty
 * tables, so an admin's edits are never overwritten on restart.
 */
export async function seedCatalog(store: Store, now = Date.now()): Promise<void> {
  await store.write(async (tx) => {
    const hasAssets = await tx.selectFrom('assets').select('id').limit(1).executeTakeFirst();
    if (!hasAssets) {
      await tx
        .insertInto('assets')
        .values(demoAssets.map((asset) => ({ ...asset, created_at: now, updated_at: now })))
        .execute();
    }

    const hasTemplates = await tx.selectFrom('templates').select('id').limit(1).executeTakeFirst();
    if (!hasTemplates) {
      await tx
        .insertInto('templates')
        .values(
          seededTemplates.map((t) => ({
            ...t,
            template_code: '',
            process_code: '',
            nodes: JSON.stringify(t.nodes),
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }

    const hasRules = await tx.selectFrom('rules').select('id').limit(1).executeTakeFirst();
    if (!hasRules) {
      const rows = ruleRows(seededRules, seededDefault);
      await tx.insertInto('rules').values(rows).execute();
    }
  });
}
