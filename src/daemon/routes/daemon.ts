/** Handlers of the daemon's own routes: health, providers, roles, stats, the event stream, shutdown. */
import { fleetStats } from '../../core/stats.js';
import { parseCursor } from '../validate.js';
import { STREAMED, type RouteHandlers } from './types.js';

export const daemonHandlers: RouteHandlers<
  'health' | 'providerReport' | 'roles' | 'stats' | 'events' | 'shutdown'
> = {
  health: ({ ctx }) => ctx.health(),
  providerReport: ({ ctx }) => ctx.manager.providerReport(),
  roles: ({ ctx }) => ctx.manager.roles(),
  stats: ({ ctx }) => fleetStats(ctx.manager, Date.now() - process.uptime() * 1000),
  events: ({ ctx, req, res, query }) => {
    const header = req.headers['last-event-id'];
    const last = (typeof header === 'string' && header !== '' ? header : undefined) ?? query.last_event_id;
    if (last !== undefined) parseCursor(last, 'last_event_id');
    ctx.sse.open(req, res, last);
    return STREAMED;
  },
  shutdown: ({ ctx, after }) => {
    after(() => ctx.requestShutdown());
    return { ok: true };
  },
};
