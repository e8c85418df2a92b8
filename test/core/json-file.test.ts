/**
 * The JSON files a person writes (config.json, .aicoder.json) read with one wording for their faults
 * (src/core/json-file.ts): a missing file is no fault, an unreadable one or text that is not JSON is
 * invalid_input naming the file, through both readers and both of their callers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile, readJsonFileSync } from '../../src/core/json-file.js';
import { readConfigFile } from '../../src/daemon/config-file.js';
import { loadSettings } from '../../src/workspace/settings.js';
import { cleanupTemp, tempDir } from '../helpers/env.js';

afterAll(cleanupTemp);

describe('JSON files a person writes', () => {
  it('reads JSON, a missing file as undefined, and names the file in every fault', async () => {
    const dir = tempDir('aicoder-json-');
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    const folder = join(dir, 'folder.json');
    writeFileSync(good, '{"a": [1]}');
    writeFileSync(bad, '{"a": ');
    mkdirSync(folder);
    for (const read of [readJsonFileSync, readJsonFile]) {
      expect(await read(good)).toEqual({ a: [1] });
      expect(await read(join(dir, 'none.json'))).toBeUndefined();
      await expect(Promise.resolve().then(() => read(bad))).rejects.toMatchObject({
        code: 'invalid_input',
        field: bad,
        message: expect.stringMatching(new RegExp(`^${bad}: not valid JSON \\(`)),
      });
      await expect(Promise.resolve().then(() => read(folder))).rejects.toMatchObject({
        code: 'invalid_input',
        field: folder,
        message: expect.stringMatching(new RegExp(`^${folder}: cannot be read \\(`)),
      });
    }
  });

  it('config.json and .aicoder.json report a file that is not JSON the same way', async () => {
    const home = tempDir('aicoder-json-home-');
    writeFileSync(join(home, 'config.json'), '{,}');
    expect(() => readConfigFile(home)).toThrow(`${join(home, 'config.json')}: not valid JSON (`);
    const repo = tempDir('aicoder-json-repo-');
    writeFileSync(join(repo, '.aicoder.json'), '{,}');
    await expect(loadSettings(repo, undefined)).rejects.toThrow(
      `${join(repo, '.aicoder.json')}: not valid JSON (`,
    );
    expect(readConfigFile(tempDir('aicoder-json-empty-'))).toMatchObject({ json: null });
    expect(await loadSettings(tempDir('aicoder-json-none-'), { check_timeout_s: 9 })).toMatchObject({
      check_timeout_s: 9,
    });
  });
});
