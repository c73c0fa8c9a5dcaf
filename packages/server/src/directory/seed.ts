import type { Role } from '@signoff/contracts';
import type { Db } from '../store/db.ts';

interface SeedUser {
  id: string;
  name: string;
  roles: Role[];
  groups: string[];
}

/** Demo users, one per role, offered by the development sign-in. */
export const demoUsers: readonly SeedUser[] = [
  { id: 'alice', name: 'Alice Chen', roles: ['super_admin'], groups: ['platform'] },
  { id: 'sam', name: 'Sam Okafor', roles: ['system_admin'], groups: ['platform'] },
  { id: 'sara', name: 'Sara Lindqvist', roles: ['security_admin'], groups: ['security'] },
  { id: 'rita', name: 'Rita Alvarez', roles: ['requester'], groups: ['analytics'] },
  { id: 'aaron', name: 'Aaron Patel', roles: ['approver'], groups: ['data-owners'] },
];

/** Inserts the demo users that are missing; existing rows are left as they are. */
export async function seedDemoUsers(db: Db, now = Date.now()): Promise<void> {
  for (const user of demoUsers) {
    await db
      .insertInto('users')
      .values({
        id: user.id,
        name: user.name,
        roles: JSON.stringify([...user.roles].sort()),
        groups: JSON.stringify(user.groups),
        source_user_id: `src-${user.id}`,
        dingtalk_user_id: `dt-${user.id}`,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}
