export { createApp } from './app.ts';
export { loadConfig, type ServerConfig } from './config.ts';
export { issueToken, verifyToken } from './http/auth.ts';
export { createSignoff, type Signoff } from './server.ts';
