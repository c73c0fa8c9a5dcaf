import { z } from 'zod';

/** Rules that reject a submit as soon as it arrives; an empty list or pattern is no rule. */
export interface RejectRules {
  /** Levels such as `L4`, compared with the `sensitivity` field of the submit's content. */
  sensitivityLevels: string[];
  /** Compared with the content's `project`. */
  projects: string[];
  /** Compared with the content's `permission`, such as `read`. */
  permissions: string[];
  /** A JavaScript regular expression, tested case-insensitively against the title. */
  titlePattern: string;
}

/**
 * What the simulator does with a new instance, on its own. A submit that matches a reject rule is
 * rejected at once; otherwise, when `approveAfterSeconds` is set, it is approved that many seconds
 * later; otherwise it waits for a person. Both unset is the manual policy, the default.
 */
export interface Policy {
  approveAfterSeconds: number | null;
  rejectWhen: RejectRules;
}

/** Every request waits for a person. */
export const MANUAL_POLICY: Policy = {
  approveAfterSeconds: null,
  rejectWhen: { sensitivityLevels: [], projects: [], permissions: [], titlePattern: '' },
};

/** Longest wait before an automatic approval: one day. */
export const MAX_APPROVE_AFTER_SECONDS = 24 * 60 * 60;

const names = (label: string) =>
  z
    .array(z.string().trim().min(1, `${label}: an entry is empty.`).max(64), {
      error: `${label} must be a list of names.`,
    })
    .max(50, `${label}: at most 50 entries.`)
    .default([]);

/** Validates a policy as the console or a script sends it; a missing field takes its default. */
export const policySchema = z.object({
  approveAfterSeconds: z
    .number({ error: 'Seconds must be a whole number, or null to wait for a person.' })
    .int('Seconds must be a whole number, or null to wait for a person.')
    .min(0, 'Seconds must not be negative.')
    .max(MAX_APPROVE_AFTER_SECONDS, `Seconds must be at most ${MAX_APPROVE_AFTER_SECONDS}.`)
    .nullable()
    .default(null),
  rejectWhen: z
    .object({
      sensitivityLevels: names('Sensitivity levels'),
      projects: names('Projects'),
      permissions: names('Permissions'),
      titlePattern: z
        .string()
        .max(200, 'Title pattern must be at most 200 characters.')
        .refine(isValidPattern, 'Title pattern is not a valid regular expression.')
        .default(''),
    })
    .prefault({}),
});

/** A policy as given: any field may be left out and takes its default. */
export type PolicyInput = z.input<typeof policySchema>;

/** The fields a policy form has, each with the first problem found in it. */
export type PolicyFieldErrors = Partial<
  Record<'approveAfterSeconds' | keyof RejectRules | 'policy', string>
>;

/** Checks a policy; each problem is keyed by the field it belongs to. */
export function checkPolicy(
  input: unknown,
): { ok: true; policy: Policy } | { ok: false; fieldErrors: PolicyFieldErrors } {
  const parsed = policySchema.safeParse(input);
  if (parsed.success) return { ok: true, policy: parsed.data };

  const fieldErrors: PolicyFieldErrors = {};
  for (const issue of parsed.error.issues) {
    // rejectWhen's fields are keyed by their own name: they are separate fields on the form.
    const [first, second] = issue.path;
    const field = (first === 'rejectWhen' && second !== undefined ? second : first) ?? 'policy';
    const key = String(field) as keyof PolicyFieldErrors;
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

/** What the policy makes of one new instance. */
export type PolicyVerdict =
  | { action: 'reject'; reason: string }
  | { action: 'approve'; afterMs: number }
  | { action: 'wait' };

/** Applies a policy to a submit's title and `content` string (read leniently: it is foreign). */
export function judgeSubmit(
  policy: Policy,
  submit: { title: string; content: string },
): PolicyVerdict {
  const reason = matchRejectRule(policy.rejectWhen, submit);
  if (reason) return { action: 'reject', reason };
  if (policy.approveAfterSeconds !== null) {
    return { action: 'approve', afterMs: policy.approveAfterSeconds * 1000 };
  }
  return { action: 'wait' };
}

/** The policy in one sentence, for the console and the logs. */
export function describePolicy(policy: Policy): string {
  const { rejectWhen } = policy;
  const rules = [
    listRule('sensitivity level', rejectWhen.sensitivityLevels),
    listRule('project', rejectWhen.projects),
    listRule('permission', rejectWhen.permissions),
    rejectWhen.titlePattern && `the title matches /${rejectWhen.titlePattern}/i`,
  ].filter(Boolean);

  const rejects = rules.length > 0 ? `Rejects a request when ${rules.join(', or ')}` : '';
  const rest = rules.length > 0 ? 'the rest' : 'every request';
  const approves =
    policy.approveAfterSeconds === null
      ? `${rest} waits for a person`
      : `approves ${rest} after ${policy.approveAfterSeconds} s`;
  if (!rejects) return `${capitalise(approves)}.`;
  return `${rejects}; ${approves}.`;
}

function matchRejectRule(rules: RejectRules, submit: { title: string; content: string }) {
  const content = readContent(submit.content);
  const lists: [string, string[], unknown][] = [
    ['sensitivity level', rules.sensitivityLevels, content.sensitivity],
    ['project', rules.projects, content.project],
    ['permission', rules.permissions, content.permission],
  ];
  for (const [label, listed, value] of lists) {
    if (typeof value !== 'string') continue;
    if (listed.some((name) => name.toLowerCase() === value.toLowerCase())) {
      return `${label} is ${value}`;
    }
  }
  if (rules.titlePattern && new RegExp(rules.titlePattern, 'i').test(submit.title)) {
    return `the title matches /${rules.titlePattern}/i`;
  }
  return undefined;
}

/** The submit's `content` as an object, or an empty one when it is not JSON of an object. */
function readContent(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function listRule(label: string, listed: string[]): string {
  if (listed.length === 0) return '';
  return `the ${label} is ${listed.join(' or ')}`;
}

function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
