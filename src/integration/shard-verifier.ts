/**
 * Verifies the search shards the search job builds (scripts/search-index.mjs), each as soon as
 * Pagefind has written it, so the final pass (scripts/verify.mjs) finds their files already proven
 * clean and only hashes them.
 *
 * Why: after a cold build of 20,000 sessions the final pass took 17.3 s, nearly all of it on
 * `pagefind/` (~550 MB once decompressed), after the search index, while the two Pagefind services
 * leave part of a core idle as they index. The scanning runs on a worker thread at a low priority
 * (PageVerifier), reading each shard's files in turn; what it has not reached when the last shard
 * is written is left to the final pass, which scans whatever it has no verdict for.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PageVerifier, verdictFile, type PageVerifierStats } from './page-verifier.ts';

/** What the search job is told by scripts/build.mjs: the final pass's cache folder and options. */
export interface ShardVerifySettings {
  /** Astro's cache folder (the verdict file is under it: `verdictFile`). */
  cacheDir: string;
  /** The e-mail allowlist the final pass gets (`--allow-email`). */
  emailAllowlist: string[];
}

/** Niceness of the verifier's thread: the Pagefind services come first. */
const NICE = 15;

export class ShardVerifier {
  private readonly verifier: PageVerifier;
  private readonly root: string;
  /** The shards handed over, verified one after another. */
  private chain: Promise<void> = Promise.resolve();
  private open = true;

  /** `root`: the site folder; file names are relative to it, as the final pass names them. */
  constructor(root: string, settings: ShardVerifySettings) {
    this.root = root;
    this.verifier = new PageVerifier({ cacheFile: verdictFile(settings.cacheDir), scanOptions: { emailAllowlist: settings.emailAllowlist }, nice: NICE });
  }

  /** A shard's folder is final (nothing writes into it again): verify its files after those before. */
  written(folder: string): void {
    // A file that cannot be read is left to the final pass, which reports it.
    this.chain = this.chain.then(() => this.verifyFolder(folder)).catch(() => {});
  }

  private async verifyFolder(folder: string): Promise<void> {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (!this.open) return;
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        await this.verifyFolder(file);
        continue;
      }
      await this.verifier.room();
      if (!this.open) return;
      const bytes = await readFile(file);
      this.verifier.offerBytes(path.relative(this.root, file).split(path.sep).join('/'), bytes);
    }
  }

  /**
   * Stops where it is (what is left is the final pass's; `drain`: verifies every file handed over
   * first, for tests), and merges the clean verdicts into the verdict file. Call before the final
   * pass starts.
   */
  async finish({ drain = false } = {}): Promise<PageVerifierStats> {
    if (drain) await this.chain;
    this.open = false;
    return this.verifier.finish({ drain });
  }
}
