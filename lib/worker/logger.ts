// Structured logs (pino, JSON lines on stdout). ZK_LOG_LEVEL sets the level.
import pino from 'pino';

export const log = pino({
  name: 'zonekeeper-worker',
  level: process.env.ZK_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: undefined,
});

export type Logger = typeof log;
