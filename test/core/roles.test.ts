/** Roles and cross-review in the Manager (real git, SQLite, processes; bash providers). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AicoderError } from '../../src/core/errors.js';
import { builtinRolesDir, loadRoleCatalog } from '../../src/core/roles-catalog.js';
import { readVerdict } from '../../src/core/review.js';
import { builtinProvidersDir } from '../../src/providers/index.js';
import { roleCoderPrompt } from '../../src/core/roles.js';
import { coderPromptPath } from '../../src/daemon/prompts.js';
import { cleanupTemp, git, makeRepo, tempDir, waitFor } from '../helpers/env.js';
import { startTestManager, type TestManager } from '../helpers/manager.js';

let tm: TestManager | undefined;
// A manager a test starts is closed when the test finishes (test/helpers/manager.ts).
afterAll(cleanupTemp);

/**
 * A provider that takes a role: it writes what it was given (system prompt, tool list) into
 * given.txt, and `answer` into answer.txt unless its tools are limited.
 */
function roleTaker(name: string, answer: string): Record<string, unknown> {
  return {
    name,
    description: 'takes roles',
    // An element whose placeholder has no value is dropped: each value comes as its own key=value.
    command: [
      'bash',
      '-c',
      'printf "%s\\n" "$@" > given.txt; grep -q "^tools=" given.txt || printf "%s\\n" "$0" > answer.txt; echo done',
      answer,
      'prompt={system_prompt}',
      'tools={role_tools}',
      'task={task}',
    ],
    env: {},
    parser: 'text',
    read_only: { tools: 'Read,Grep' },
  };
}

/** A reviewer: prints its reasons, then a VERDICT line naming the first member of its task. */
const REVIEWER = {
  name: 'judge',
  description: 'reviews',
  command: [
    'bash',
    '-c',
    'printf "%s" "$1" > task.txt; printf "%s" "$2" > given.txt; id=$(grep -o "Member [0-9a-f]*" task.txt | head -1 | cut -d" " -f2); echo "the first one passes its checks"; echo "VERDICT: $id"',
    '_',
    '{task}',
    '{system_prompt}',
  ],
  env: {},
  parser: 'text',
  read_only: { tools: 'Read' },
};

/** No way to take a system prompt (like Gemini CLI). */
const PLAIN = {
  name: 'plain',
  description: 'no roles',
  command: ['true', '{task}'],
  env: {},
  parser: 'text',
};

async function errorOf(p: Promise<unknown>): Promise<AicoderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AicoderError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('roles', () => {
  it('ships six roles; a user file of the same name wins; a bad file is reported, not loaded', () => {
    const userDir = tempDir('aicoder-roles-');
    writeFileSync(
      join(userDir, 'reviewer.json'),
      JSON.stringify({ name: 'reviewer', system_prompt: 'Be brief.', tools: 'read_only', report: [] }),
    );
    writeFileSync(join(userDir, 'bad.json'), JSON.stringify({ name: 'bad', tool: 'all' }));
    const cat = loadRoleCatalog({ builtinDir: builtinRolesDir(), userDir });
    expect(cat.list().map((r) => r.name)).toEqual([
      'architect',
      'developer',
      'documentation',
      'reviewer',
      'security',
      'tester',
    ]);
    expect(cat.get('reviewer')).toMatchObject({ system_prompt: 'Be brief.', report: [] });
    expect(cat.get('architect')).toMatchObject({ tools: 'read_only' });
    expect(cat.get('developer')).toMatchObject({
      tools: 'all',
      report: ['progress', 'ask_user', 'heartbeat'],
    });
    expect(cat.errors()).toEqual([
      { source: join(userDir, 'bad.json'), message: expect.stringMatching(/unknown key "tool"/) },
    ]);
  });

  it('gives the provider the role prompt and, read only, its tool list; records the role', async () => {
    tm = await startTestManager({ providers: [roleTaker('taker', '42')] });
    const repo = makeRepo();
    const dev = await tm.manager.create({ task: 'write it', repo, provider: 'taker', role: 'developer' });
    const rev = await tm.manager.create({ task: 'review it', repo, provider: 'taker', role: 'reviewer' });
    for (const id of [dev.id, rev.id]) {
      await waitFor(() => tm!.manager.get(id).state === 'completed', { what: `${id} completed` });
    }
    expect(tm.manager.get(rev.id).role).toMatchObject({ name: 'reviewer', tools: 'read_only' });
    const devGiven = readFileSync(join(dev.workspace, 'given.txt'), 'utf8');
    expect(devGiven).toMatch(/^prompt=You are the developer/);
    expect(devGiven).not.toMatch(/^tools=/m);
    expect(readFileSync(join(dev.workspace, 'answer.txt'), 'utf8')).toBe('42\n');
    const revGiven = readFileSync(join(rev.workspace, 'given.txt'), 'utf8');
    expect(revGiven).toMatch(/^prompt=You are a code reviewer/);
    expect(revGiven).toMatch(/^tools=Read,Grep$/m);
    expect(existsSync(join(rev.workspace, 'answer.txt'))).toBe(false);
  });

  it('refuses an unknown role and a provider that cannot take it, before making anything', async () => {
    tm = await startTestManager({ providers: [PLAIN, roleTaker('taker', '1')] });
    const repo = makeRepo();
    const branches = git(repo, 'branch', '--list');
    const unknown = await errorOf(tm.manager.create({ task: 't', repo, provider: 'taker', role: 'nope' }));
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.field).toBe('role');
    expect(unknown.message).toMatch(/role must name a role: architect, developer, .*\(got "nope"\)/);
    const plain = await errorOf(tm.manager.create({ task: 't', repo, provider: 'plain', role: 'reviewer' }));
    expect(plain.code).toBe('not_supported');
    expect(plain.message).toMatch(/provider 'plain' cannot take role 'reviewer'/);
    const inGroup = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        role: 'tester',
        agents: [{ provider: 'taker' }, { provider: 'plain' }],
      }),
    );
    expect(inGroup.code).toBe('not_supported');
    expect(inGroup.field).toBe('agents[1].provider');
    const review = await errorOf(
      tm.manager.createGroup({ task: 't', repo, review_by: 'plain', agents: [{ provider: 'taker' }] }),
    );
    expect(review.field).toBe('review_by');
    expect(git(repo, 'branch', '--list')).toBe(branches);
    expect(tm.manager.list({}).coders).toEqual([]);
  });

  it("refuses a read-only role kept by the provider's own sandbox under sandbox bwrap, on every path", async () => {
    // The shipped Codex definition: read_only swaps --sandbox=workspace-write, as sandbox_args do.
    const codex = JSON.parse(readFileSync(join(builtinProvidersDir(), 'codex.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    tm = await startTestManager({ providers: [codex, roleTaker('taker', '1')] });
    const repo = makeRepo();
    const branches = git(repo, 'branch', '--list');
    const single = await errorOf(
      tm.manager.create({ task: 't', repo, provider: 'codex', role: 'reviewer', sandbox: 'bwrap' }),
    );
    expect(single.code).toBe('not_supported');
    expect(single.field).toBe('sandbox');
    expect(single.message).toBe(
      `provider 'codex' cannot take read-only role 'reviewer' under sandbox "bwrap": it keeps to reading ` +
        `with its own sandbox (--sandbox=read-only), which cannot run inside ours; use sandbox "none" for ` +
        `it, or a provider that limits its own tools (docs/roles.md)`,
    );
    // A member's role, named by its index; the other members' providers are not the question.
    const member = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        sandbox: 'bwrap',
        agents: [
          { provider: 'taker', role: 'reviewer' },
          { provider: 'codex', role: 'reviewer' },
        ],
      }),
    );
    expect([member.code, member.field]).toEqual(['not_supported', 'sandbox']);
    expect(member.message).toMatch(/^agents\[1\]: provider 'codex' cannot take read-only role 'reviewer'/);
    // The repo's .aicoder.json asks for bwrap: a create that names no sandbox is refused too, and so
    // is a Codex cross-review.
    const own = makeRepo({ 'README.md': '# r\n', '.aicoder.json': JSON.stringify({ sandbox: 'bwrap' }) });
    const ownBranches = git(own, 'branch', '--list');
    const fromRepo = await errorOf(
      tm.manager.create({ task: 't', repo: own, provider: 'codex', role: 'architect' }),
    );
    expect([fromRepo.code, fromRepo.field]).toEqual(['not_supported', 'sandbox']);
    const review = await errorOf(
      tm.manager.createGroup({ task: 't', repo: own, review_by: 'codex', agents: [{ provider: 'taker' }] }),
    );
    expect([review.code, review.field]).toEqual(['not_supported', 'review_by']);
    // The cross-review runs in the members' sandbox: the create's bwrap counts too.
    const asked = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        sandbox: 'bwrap',
        review_by: 'codex',
        agents: [{ provider: 'taker' }],
      }),
    );
    expect([asked.code, asked.field]).toEqual(['not_supported', 'review_by']);
    expect(review.message).toMatch(
      /provider 'codex' cannot take read-only role 'reviewer' under sandbox "bwrap"/,
    );
    expect(git(repo, 'branch', '--list')).toBe(branches);
    expect(git(own, 'branch', '--list')).toBe(ownBranches);
    expect(tm.manager.list({}).coders).toEqual([]);
    expect(tm.manager.listGroups()).toEqual([]);
    // Without our sandbox, Codex's own read-only sandbox carries the role.
    const ok = await tm.manager.create({
      task: 't',
      repo,
      provider: 'codex',
      role: 'reviewer',
      autostart: false,
    });
    expect(ok.role?.tools).toBe('read_only');
    expect(ok.sandbox.mode).toBe('none');
  });

  it("gives each agent entry its own role; the others take the create's role", async () => {
    tm = await startTestManager({ providers: [roleTaker('taker', '42'), PLAIN] });
    const repo = makeRepo();
    const g = await tm.manager.createGroup({
      task: 'write it',
      repo,
      role: 'developer',
      agents: [{ provider: 'taker', count: 2, role: 'reviewer' }, { provider: 'taker' }],
    });
    expect(g.agents).toEqual([{ provider: 'taker', count: 2, role: 'reviewer' }, { provider: 'taker' }]);
    for (const m of g.members) {
      await waitFor(() => tm!.manager.get(m.id).state === 'completed', { what: `${m.id} completed` });
    }
    const roles = g.members.map((m) => tm!.manager.get(m.id).role?.name);
    expect(roles).toEqual(['reviewer', 'reviewer', 'developer']);
    const given = g.members.map((m) => readFileSync(join(m.workspace, 'given.txt'), 'utf8'));
    expect(given[0]).toMatch(/^prompt=You are a code reviewer/);
    expect(given[1]).toMatch(/^tools=Read,Grep$/m);
    expect(given[2]).toMatch(/^prompt=You are the developer/);
    expect(given[2]).not.toMatch(/^tools=/m);
    expect(existsSync(join(g.members[0]!.workspace, 'answer.txt'))).toBe(false);
    expect(readFileSync(join(g.members[2]!.workspace, 'answer.txt'), 'utf8')).toBe('42\n');
    expect(tm.manager.getGroup(g.id).agents[0]).toMatchObject({ role: 'reviewer' });

    // An entry's role is checked like the create's, before anything is made; the field names it.
    const branches = git(repo, 'branch', '--list');
    const unknown = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        agents: [{ provider: 'taker' }, { provider: 'taker', role: 'nope' }],
      }),
    );
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.field).toBe('agents[1].role');
    expect(unknown.message).toMatch(/agents\[1\]\.role must name a role: architect, .*\(got "nope"\)/);
    const cannot = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        agents: [
          { provider: 'taker', count: 2 },
          { provider: 'plain', role: 'reviewer' },
        ],
      }),
    );
    expect(cannot.code).toBe('not_supported');
    expect(cannot.field).toBe('agents[2].provider');
    const badType = await errorOf(
      tm.manager.createGroup({
        task: 't',
        repo,
        agents: [{ provider: 'taker', role: 7 as unknown as string }],
      }),
    );
    expect(badType.field).toBe('agents[0].role');
    expect(git(repo, 'branch', '--list')).toBe(branches);
    expect(tm.manager.listGroups().length).toBe(1);
  });

  it('names in the coder prompt only the endpoint tools the role may call', () => {
    const template = readFileSync(coderPromptPath(), 'utf8');
    const role = (report: ('progress' | 'ask_user' | 'heartbeat')[]) => ({
      name: 'r',
      system_prompt: '',
      tools: 'all' as const,
      report,
    });
    expect(roleCoderPrompt(template, null)).toBe(template);
    expect(roleCoderPrompt(template, role(['progress', 'ask_user', 'heartbeat']))).toBe(template);
    const reviewer = roleCoderPrompt(template, role(['progress', 'heartbeat']))!;
    expect(reviewer).toContain('- aicoder_report_progress');
    expect(reviewer).toContain('- aicoder_heartbeat');
    expect(reviewer).not.toContain('aicoder_ask_user');
    expect(reviewer).toContain('{coder_id}');
    expect(roleCoderPrompt(template, role([]))).toBeNull();
  });

  it("keeps a role's endpoint to what it may report", async () => {
    tm = await startTestManager({ providers: [roleTaker('taker', '1')] });
    mkdirSync(join(tm.home, 'roles'), { recursive: true });
    writeFileSync(
      join(tm.home, 'roles', 'quiet.json'),
      JSON.stringify({ name: 'quiet', report: ['progress'] }),
    );
    const c = await tm.manager.create({
      task: 't',
      repo: makeRepo(),
      provider: 'taker',
      role: 'quiet',
      autostart: false,
    });
    expect(tm.manager.coderSide.reportProgress(c.id, 'reading').progress?.message).toBe('reading');
    expect(() => tm!.manager.coderSide.heartbeat(c.id)).toThrow(
      /role 'quiet', which may not use heartbeat \(it may: progress\)/,
    );
    expect(() => tm!.manager.coderSide.askUser(c.id, 'ok?')).toThrow(/may not use ask_user/);
  });
});

describe('cross-review', () => {
  it('reads the VERDICT line and the member it names', () => {
    const ids = ['0123abcd', 'fedc9876'];
    expect(readVerdict('Reasons first.\nVERDICT: fedc9876 — smaller', ids)).toMatchObject({
      choice: 'fedc9876',
      verdict: 'fedc9876 — smaller',
    });
    expect(readVerdict('**VERDICT:** none\nboth fail', ids)).toMatchObject({ choice: null, verdict: 'none' });
    expect(readVerdict(null, ids)).toEqual({ choice: null, verdict: null, reasons: null });
  });

  it('starts a reviewer-role coder when the members end; its verdict goes on the group', async () => {
    tm = await startTestManager({
      config: { max_concurrent: 1 },
      providers: [roleTaker('good', '42'), roleTaker('bad', '41'), REVIEWER],
    });
    const repo = makeRepo();
    writeFileSync(
      join(repo, '.aicoder.json'),
      JSON.stringify({ check: [['bash', '-c', 'test "$(cat answer.txt)" = 42']] }),
    );
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'checks');
    const g = await tm.manager.createGroup({
      task: 'answer',
      repo,
      review_by: 'judge',
      agents: [{ provider: 'good' }, { provider: 'bad' }],
    });
    expect(g.review).toMatchObject({ provider: 'judge', state: 'waiting', coder_id: null });
    const done = await waitFor(
      () => {
        const r = tm!.manager.getGroup(g.id).review;
        return r?.state === 'done' || r?.state === 'failed' ? r : null;
      },
      { what: 'the review', timeoutMs: 40_000 },
    );
    expect(done.state).toBe('done');
    expect(done.choice).toBe(g.members[0]!.id);
    expect(done.verdict).toBe(g.members[0]!.id);
    const reviewer = tm.manager.get(done.coder_id!);
    expect(reviewer.group_id).toBeNull();
    expect(reviewer.role?.name).toBe('reviewer');
    expect(reviewer.checks).toBeNull(); // read only: nothing to check
    const task = readFileSync(join(reviewer.workspace, 'task.txt'), 'utf8');
    expect(task).toContain(`## Member ${g.members[1]!.id} (bad, completed)`);
    expect(task).toMatch(/Checks: failed/);
    expect(task).toContain('+41\n');
    expect(readFileSync(join(reviewer.workspace, 'given.txt'), 'utf8')).toMatch(/^You are a code reviewer/);
    // The group is unchanged: two members, the reviewer is none of them.
    expect(tm.manager.getGroup(g.id).members.map((m) => m.id)).toEqual(g.members.map((m) => m.id));
  });
});
