#!/usr/bin/env node
// The mishards executable: TypeScript sources run through tsx's loader, which worker
// threads inherit through execArgv.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('tsx/esm', pathToFileURL(import.meta.filename));
await import('../cli/main.ts');
