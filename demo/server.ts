// Serves the built demo portal and tells it where Signoff and the simulator are. A host portal
// would have its own server; this one only exists to run the demo.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.DEMO_PORT ?? '5173' },
    host: { type: 'string', default: process.env.DEMO_HOST ?? '127.0.0.1' },
    'api-base': {
      type: 'string',
      default: process.env.SIGNOFF_API_BASE ?? 'http://127.0.0.1:8787',
    },
    simulator: { type: 'string', default: process.env.SIMULATOR_URL ?? 'http://127.0.0.1:8788' },
  },
});

const root = fileURLToPath(new URL('./dist', import.meta.url));
if (!existsSync(`${root}/index.html`)) {
  console.error('The demo is not built: run `npm run build:demo` first.');
  process.exit(1);
}

const app = new Hono()
  .get('/demo-config.json', (c) =>
    c.json({ apiBase: values['api-base'], simulatorUrl: values.simulator }),
  )
  .use('/*', serveStatic({ root }));

serve({ fetch: app.fetch, port: Number(values.port), hostname: values.host }, (info) => {
  console.log(`Demo portal listening on http://${values.host}:${info.port}`);
});
