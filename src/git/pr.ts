/**
 * `aicoder pr`: push a coder's branch and open a pull request with the GitHub CLI (gh), when it is
 * installed and authenticated; otherwise a clear not_supported error saying what to do instead.
 */
import { execa } from 'execa';
import { AicoderError } from '../core/errors.js';
import { gitEnv } from './exec.js';

export interface PrSpec {
  repo: string;
  branch: string;
  base: string;
  title: string;
  body: string;
  remote: string;
  draft: boolean;
  ghBinary?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface PrResult {
  url: string;
  pushed: string;
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

export async function openPullRequest(spec: PrSpec): Promise<PrResult> {
  const gh = spec.ghBinary ?? 'gh';
  const env = { ...(spec.env ?? process.env) };
  const manual = `push it yourself with: git push -u ${spec.remote} ${spec.branch}`;
  const version = await execa(gh, ['--version'], { reject: false, env, stdin: 'ignore' });
  if (version.exitCode === undefined || version.exitCode !== 0) {
    throw new AicoderError(
      'not_supported',
      `the GitHub CLI 'gh' is not installed (or not on PATH), so no PR was opened; install it from https://cli.github.com, or ${manual}`,
      { field: 'gh' },
    );
  }
  const auth = await execa(gh, ['auth', 'status'], { reject: false, env, stdin: 'ignore' });
  if (auth.exitCode !== 0) {
    throw new AicoderError(
      'not_supported',
      `gh is not authenticated (${firstLine(String(auth.stderr)) || 'gh auth status failed'}); run \`gh auth login\`, or ${manual}`,
      { field: 'gh' },
    );
  }
  const push = await execa(
    'git',
    ['push', '-u', spec.remote, `refs/heads/${spec.branch}:refs/heads/${spec.branch}`],
    {
      cwd: spec.repo,
      env: gitEnv(),
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    },
  );
  if (push.exitCode !== 0) {
    throw new AicoderError(
      'conflict',
      `git push to ${spec.remote} failed: ${firstLine(String(push.stderr))}`,
    );
  }
  const args = [
    'pr',
    'create',
    '--head',
    spec.branch,
    '--base',
    spec.base,
    '--title',
    spec.title,
    '--body',
    spec.body,
  ];
  if (spec.draft) args.push('--draft');
  const pr = await execa(gh, args, { cwd: spec.repo, reject: false, env, stdin: 'ignore' });
  if (pr.exitCode !== 0) {
    throw new AicoderError('conflict', `gh pr create failed: ${firstLine(String(pr.stderr))}`);
  }
  return { url: firstLine(String(pr.stdout)), pushed: `${spec.remote}/${spec.branch}` };
}
