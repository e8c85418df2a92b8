/** Handlers of the coder routes: create, list, get, control, attach, detach (protocol/routes.ts). */
import type { ManagerApi } from '../../core/api.js';
import { AicoderError } from '../../core/errors.js';
import { listInput } from '../validate.js';
import type { RouteHandlers } from './types.js';

type AttachApi = Required<Pick<ManagerApi, 'attach' | 'detach'>>;

function attachOf(manager: ManagerApi): AttachApi {
  if (!manager.attach || !manager.detach)
    throw new AicoderError('not_supported', 'this daemon cannot attach');
  return manager as AttachApi;
}

export const coderHandlers: RouteHandlers<'create' | 'list' | 'get' | 'control' | 'attach' | 'detach'> = {
  create: ({ ctx, body }) => ctx.manager.create(body),
  list: ({ ctx, query }) => ctx.manager.list(listInput(query)),
  get: ({ ctx, params }) => ctx.manager.get(params.id),
  control: ({ ctx, params, body }) => ctx.manager.control(params.id, body),
  attach: ({ ctx, params, body }) => attachOf(ctx.manager).attach(params.id, body),
  detach: ({ ctx, params, body }) => attachOf(ctx.manager).detach(params.id, body),
};
