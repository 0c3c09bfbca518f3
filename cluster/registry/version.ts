import { createRequire } from 'node:module';

/** The version processes register: the package's, so operators see what each node runs. */
export const MISHARDS_VERSION: string = createRequire(import.meta.url)('../../package.json').version;
