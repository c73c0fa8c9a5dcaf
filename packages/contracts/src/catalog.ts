import { z } from 'zod';
import { characterCount, NAME_MAX_LENGTH } from './field-rules.ts';

/** Sensitivity levels, from L1 (public) to L4 (highly sensitive). */
export const sensitivityLevels = ['L1', 'L2', 'L3', 'L4'] as const;
export const sensitivitySchema = z.enum(sensitivityLevels);
export type Sensitivity = z.infer<typeof sensitivitySchema>;

export const assetTypes = ['table', 'column', 'api'] as const;
export const assetTypeSchema = z.enum(assetTypes);
export type AssetType = z.infer<typeof assetTypeSchema>;

export const permissions = ['read', 'write', 'export'] as const;
export const permissionSchema = z.enum(permissions);
export type Permission = z.infer<typeof permissionSchema>;

const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'invalid');
const label = z
  .string()
  .trim()
  .min(1, 'required')
  .refine((v) => characterCount(v) <= NAME_MAX_LENGTH, 'tooLong');

/** An asset in the catalog. Its sensitivity level is set here, never by a requester. */
export const assetInputSchema = z.object({
  id: slug,
  name: label,
  type: assetTypeSchema,
  sensitivity: sensitivitySchema,
  project: label,
  environment: label,
});
export type AssetInput = z.input<typeof assetInputSchema>;
export type AssetView = z.output<typeof assetInputSchema>;

/** An approver entry naming every member of a directory group: `group:data-owners`. */
export const APPROVER_GROUP_PREFIX = 'group:';
/** An approver entry naming every holder of a role: `role:approver`. */
export const APPROVER_ROLE_PREFIX = 'role:';

/** An approval node: approvers and whether any one (OR) or all (AND) must approve. */
export const approvalNodeSchema = z.object({
  mode: z.enum(['OR', 'AND']),
  /**
   * A node names at least one approver: a user id, `group:<name>` or `role:<name>`. Groups and
   * roles are resolved against the directory when a request is submitted. A template with no
   * nodes leaves the approvers to an external system.
   */
  approverIds: z.array(z.string().min(1).max(128)).min(1, 'required').max(50),
});
export type ApprovalNode = z.infer<typeof approvalNodeSchema>;

/** `default` follows the settings' default system; `builtin` or a system id names one. */
export const DEFAULT_SYSTEM_REF = 'default';

export const templateInputSchema = z.object({
  name: label,
  systemRef: z.string().min(1, 'required').max(64, 'invalid'),
  /** Sent as `templateCode` to a third-party system; may be empty. */
  templateCode: z.string().max(128, 'tooLong').default(''),
  /** DingTalk's process code, for templates that use a DingTalk system. */
  processCode: z.string().max(128, 'tooLong').default(''),
  nodes: z.array(approvalNodeSchema).max(20).default([]),
});
export type TemplateInput = z.input<typeof templateInputSchema>;
export interface TemplateView extends z.output<typeof templateInputSchema> {
  id: string;
  /** Built-in templates (approve automatically) cannot be edited. */
  builtIn: boolean;
}

/** What a rule matches on; an absent or empty list matches anything. */
export const ruleMatchSchema = z.object({
  levels: z.array(sensitivitySchema).optional(),
  assetTypes: z.array(assetTypeSchema).optional(),
  permissions: z.array(permissionSchema).optional(),
  projects: z.array(z.string().min(1).max(NAME_MAX_LENGTH)).optional(),
  environments: z.array(z.string().min(1).max(NAME_MAX_LENGTH)).optional(),
});
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

export const ruleActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('template'), templateId: z.string().min(1) }),
  z.object({ kind: z.literal('auto_approve') }),
  z.object({ kind: z.literal('not_requestable') }),
]);
export type RuleAction = z.infer<typeof ruleActionSchema>;

export const ruleInputSchema = z.object({
  name: label,
  match: ruleMatchSchema.default({}),
  action: ruleActionSchema,
});
export type RuleInput = z.input<typeof ruleInputSchema>;
export interface RuleView extends z.output<typeof ruleInputSchema> {
  id: string;
}

/** `PUT /api/rules`: the ordered rules (first match wins) and the default that catches the rest. */
export const rulesInputSchema = z.object({
  rules: z.array(ruleInputSchema).max(500),
  defaultAction: ruleActionSchema,
});
export type RulesInput = z.input<typeof rulesInputSchema>;
export interface RulesView {
  rules: RuleView[];
  defaultAction: RuleAction;
}
