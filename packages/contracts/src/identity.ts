import { z } from 'zod';

/** Roles a user can hold; a token's `roles` claim carries these names. */
export const roles = [
  'super_admin',
  'system_admin',
  'security_admin',
  'requester',
  'approver',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Only these roles may change approval settings (product.md). */
export const SETTINGS_EDITOR_ROLES: readonly Role[] = ['super_admin', 'system_admin'];

/** Roles that may read approval settings and maintain the catalog, rules and templates. */
export const ADMIN_ROLES: readonly Role[] = ['super_admin', 'system_admin', 'security_admin'];

export interface UserView {
  id: string;
  name: string;
  roles: Role[];
  groups: string[];
}

export const devSignInInputSchema = z.object({ userId: z.string().min(1).max(128) });
export type DevSignInInput = z.infer<typeof devSignInInputSchema>;

export interface DevSignInResult {
  token: string;
  user: UserView;
}
