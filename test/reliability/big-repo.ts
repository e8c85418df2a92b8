/**
 * Big repositories for the crash scenarios, made fast: one `git fast-import` stream instead of
 * writing and hashing N files through the working tree.
 */
import { execFileSync } from 'node:child_process';
import { git, tempDir } from '../helpers/env.js';

/** A fast-import commit of `n` files `d<k>/f<i>.txt` holding `<tag> <i>`, on `ref`. */
function commitStream(ref: string, n: number, tag: string, parent: string | null, mark: number): string {
  const parts: string[] = [
    `commit ${ref}\nmark :${mark}\ncommitter Test <test@example.invalid> 1700000000 +0000\ndata ${tag.length}\n${tag}\n`,
  ];
  if (parent !== null) parts.push(`from ${parent}\n`);
  for (let i = 0; i < n; i++) {
    const body = `${tag} ${i}\n`;
    parts.push(`M 100644 inline d${i % 200}/f${i}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`);
  }
  return parts.join('');
}

/** A repo whose main has `n` files (version v1) checked out, and a ref `refs/big/v2` changing every file. */
export function bigRepo(n: number): { repo: string; v2: string } {
  const repo = tempDir('aicoder-big-');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Test');
  git(repo, 'config', 'user.email', 'test@example.invalid');
  const stream =
    commitStream('refs/heads/main', n, 'v1', null, 1) + commitStream('refs/big/v2', n, 'v2', ':1', 2);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream, maxBuffer: 1 << 30 });
  git(repo, 'reset', '-q', '--hard', 'main');
  return { repo, v2: git(repo, 'rev-parse', 'refs/big/v2') };
}
