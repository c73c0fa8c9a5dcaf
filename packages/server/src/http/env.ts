import type { Role } from '@signoff/contracts';
import type { Logger } from 'pino';

/** The signed-in user, as the token and the directory describe them. */
export interface AuthUser {
  id: string;
  name: string;
  roles: Role[];
  groups: string[];
}

/** Typed context variables shared by every route. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    user: AuthUser;
  };
}
