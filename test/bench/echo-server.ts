// The baseline: a bare Hono POST on @hono/node-server that echoes the body it receives, to set
// the callback endpoint's figure against what the framework alone costs on this machine.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().post('*', async (c) => c.json(await c.req.json()));

serve({ fetch: app.fetch, port: Number(process.argv[2] ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`echo listening on ${info.port}`);
});
