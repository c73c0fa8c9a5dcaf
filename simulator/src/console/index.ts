import { Hono } from 'hono';
import type { SimulatorEnv } from '../log.ts';
import { maskConnection } from '../third-party/connection.ts';
import type { ThirdPartyState } from '../third-party/state.ts';
import { consoleScripts } from './scripts.ts';
import { renderThirdPartyPage } from './third-party-page.ts';

/**
 * The pages a person uses, and their scripts. For now the simulator has one approver, so its
 * console is the home page; `/third-party/console` leads there too, leaving room for a console
 * per stand-in.
 */
export function consoleRoutes(thirdParty: ThirdPartyState) {
  return new Hono<SimulatorEnv>()
    .get('/', (c) => {
      const connection = thirdParty.connection && maskConnection(thirdParty.connection);
      c.header('Cache-Control', 'no-store');
      return c.html(
        renderThirdPartyPage({
          origin: new URL(c.req.url).origin,
          connection,
          policy: thirdParty.policy,
          faults: thirdParty.faults.armed(),
        }),
      );
    })
    .get('/third-party/console', (c) => c.redirect('/', 302))
    .get('/console/:file{[a-z-]+\\.js}', (c) => {
      const script = consoleScripts.get(c.req.param('file'));
      if (script === undefined) return c.notFound();
      return c.body(script, 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    });
}
