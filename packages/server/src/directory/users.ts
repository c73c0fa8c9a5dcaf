import type { Role, UserView } from '@signoff/contracts';
import type { DirectoryPerson } from '../connectors/types.ts';
import type { AuthUser } from '../http/env.ts';
import type { Db } from '../store/db.ts';
import type { UserRow } from '../store/schema.ts';

/** The claims of a verified token that the directory keeps. */
export interface IdentityClaims {
  sub: string;
  name: string;
  roles: Role[];
  groups: string[];
  source_user_id?: string | undefined;
}

/**
 * The directory of users. The host portal owns identity: the token's claims are the truth for
 * name, roles and groups, and the directory keeps a copy so that approvers and requesters can be
 * named in outbound calls. Ids in external systems (DingTalk) are kept when a token says nothing.
 */
export class Directory {
  constructor(private readonly db: Db) {}

  /** Records the user as the token describes them and returns them; writes only on a change. */
  async syncFromClaims(claims: IdentityClaims, now = Date.now()): Promise<AuthUser> {
    const user: AuthUser = {
      id: claims.sub,
      name: claims.name,
      roles: [...new Set(claims.roles)].sort(),
      groups: [...new Set(claims.groups)].sort(),
    };
    const roles = JSON.stringify(user.roles);
    const groups = JSON.stringify(user.groups);
    const existing = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirst();

    if (!existing) {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          name: user.name,
          roles,
          groups,
          source_user_id: claims.source_user_id ?? null,
          dingtalk_user_id: null,
          created_at: now,
          updated_at: now,
        })
        // Two first requests of a new user may race; the second simply finds the row.
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    } else if (
      existing.name !== user.name ||
      existing.roles !== roles ||
      existing.groups !== groups ||
      (claims.source_user_id !== undefined && existing.source_user_id !== claims.source_user_id)
    ) {
      await this.db
        .updateTable('users')
        .set({
          name: user.name,
          roles,
          groups,
          source_user_id: claims.source_user_id ?? existing.source_user_id,
          updated_at: now,
        })
        .where('id', '=', user.id)
        .execute();
    }
    return user;
  }

  async get(id: string): Promise<UserView | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toView(row) : null;
  }

  async list(): Promise<UserView[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('id').execute();
    return rows.map(toView);
  }
}

export function toView(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    groups: JSON.parse(row.groups) as string[],
  };
}

/** The person as connectors name them in outbound calls. */
export function toPerson(row: UserRow): DirectoryPerson {
  return {
    id: row.id,
    name: row.name,
    sourceUserId: row.source_user_id ?? row.id,
    dingtalkUserId: row.dingtalk_user_id,
  };
}
