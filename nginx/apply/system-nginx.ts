import { execFile } from 'node:child_process';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { testConfig } from './nginx-test.js';

export interface SystemNginxOptions {
  binary: string;
  /** The file the operator's `http` block includes; the agent owns it. */
  includeFile: string;
  /** The operator's main configuration (-c), when not Nginx's compiled-in default. */
  mainConfig: string | undefined;
}

/**
 * An Nginx the operator runs (a fleet member): the agent owns one file its `http` block
 * includes. The new content is swapped in by a rename, the whole configuration is tested
 * with `nginx -t`, and only then is Nginx told to reload; a refused file is swapped back at
 * once, before any reload could read it. Nginx confirms a reload only in its own error log,
 * which the agent does not read here: a reload that fails at run time (a port taken) keeps
 * the old configuration, as Nginx always does, and shows in that log.
 */
export class SystemNginx {
  private readonly args: string[];

  constructor(private readonly o: SystemNginxOptions) {
    this.args = o.mainConfig ? ['-c', o.mainConfig] : [];
  }

  async apply(http: string): Promise<void> {
    const previous = await readFile(this.o.includeFile, 'utf8').catch(() => undefined);
    await this.write(http);
    try {
      await testConfig(this.o.binary, this.args);
    } catch (e) {
      if (previous === undefined) await rm(this.o.includeFile, { force: true });
      else await this.write(previous);
      throw e;
    }
    await promisify(execFile)(this.o.binary, [...this.args, '-s', 'reload'], { timeout: 30_000 });
  }

  /** The operator's Nginx keeps running with the last configuration. */
  async stop(): Promise<void> {}

  private async write(text: string): Promise<void> {
    await writeFile(`${this.o.includeFile}.next`, text);
    await rename(`${this.o.includeFile}.next`, this.o.includeFile);
  }
}
