// Structured logs (pino, JSON lines on stdout). ZK_LOG_LEVEL sets the level.
import pino from 'pino';
import { logLevel } from '../config/env';

export const log = pino({
  name: 'zonekeeper-worker',
  level: logLevel(),
  base: undefined,
});

export type Logger = typeof log;
