#!/usr/bin/env node
// The mishards executable: the TypeScript sources run through tsx's loader hooks (engine
// worker threads load them with `--import tsx` themselves).
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
