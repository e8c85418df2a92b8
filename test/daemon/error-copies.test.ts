/**
 * The daemon's start path is a bundle (scripts/bundle-daemon.mjs) with its own copy of core/errors.ts
 * and daemon/http-util.ts, and the modules it loads later throw their dist copy's errors: the error
 * classes answer `instanceof` for either copy's instances (a second copy here: the same file with a
 * query string). The real daemon's side of it: test/daemon/server.test.ts (413, 400 with a field).
 */
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/core/errors.js';
import * as httpUtil from '../../src/daemon/http-util.js';

/** A second instance of a module (vitest keys modules by their id, query string included). */
const copyOf = (specifier: string): Promise<unknown> => import(`${specifier}?copy`);
const otherErrors = (await copyOf('../../src/core/errors.js')) as typeof errors;
const otherHttpUtil = (await copyOf('../../src/daemon/http-util.js')) as typeof httpUtil;

describe('error classes across copies of their module', () => {
  it('are two copies', () => {
    expect(otherErrors.AicoderError).not.toBe(errors.AicoderError);
    expect(otherHttpUtil.HttpError).not.toBe(httpUtil.HttpError);
  });

  it('AicoderError: instanceof, isAicoderError and the error body hold both ways', () => {
    const mine = new errors.AicoderError('not_found', 'no coder abc', { field: 'coder_id' });
    const theirs = new otherErrors.AicoderError('not_found', 'no coder abc', { field: 'coder_id' });
    expect(theirs instanceof errors.AicoderError).toBe(true);
    expect(mine instanceof otherErrors.AicoderError).toBe(true);
    expect(errors.isAicoderError(theirs)).toBe(true);
    expect(errors.toErrorBody(theirs)).toEqual(otherErrors.toErrorBody(mine));
    expect(errors.toErrorBody(theirs).code).toBe('not_found');
  });

  it('AicoderError: other values are not instances; subclasses keep the ordinary check', () => {
    for (const v of [new Error('x'), { code: 'not_found', message: 'x' }, null, 'x', 1]) {
      expect(v instanceof errors.AicoderError).toBe(false);
    }
    class Sub extends errors.AicoderError {}
    expect(new Sub('not_found', 'x') instanceof errors.AicoderError).toBe(true);
    expect(new Sub('not_found', 'x') instanceof otherErrors.AicoderError).toBe(true);
    expect(new errors.AicoderError('not_found', 'x') instanceof Sub).toBe(false);
    expect(new Sub('not_found', 'x') instanceof Sub).toBe(true);
  });

  it('HttpError: instanceof holds both ways, and not for other errors', () => {
    const theirs = new otherHttpUtil.HttpError(413, 'request body too large');
    expect(theirs instanceof httpUtil.HttpError).toBe(true);
    expect(new httpUtil.HttpError(400, 'x') instanceof otherHttpUtil.HttpError).toBe(true);
    expect(new Error('x') instanceof httpUtil.HttpError).toBe(false);
    expect(new errors.AicoderError('not_found', 'x') instanceof httpUtil.HttpError).toBe(false);
    expect(theirs.status).toBe(413);
  });
});
