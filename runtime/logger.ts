import pino, { type Logger } from 'pino';

/** Logs go to stderr as JSON: stdout carries only the `ready` line that scripts wait for. */
export function createLogger(role: string, level: string): Logger {
  return pino({ name: `mishards-${role}`, level }, pino.destination({ fd: 2, sync: false }));
}
