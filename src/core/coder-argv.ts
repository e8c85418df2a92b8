/** The talk-back placeholders of a run's argv: the coder's own MCP endpoint, its prompt and its limits. */
import type { Coder } from './coder.js';
import type { ManagerDeps } from './manager-deps.js';
import type { ArgvVars } from './ports.js';
import { roleCoderPrompt } from './roles.js';

/** The MCP server name agents know the coder endpoint by (tools: mcp__aicoder__aicoder_ask_user, …). */
export const CODER_MCP_NAME = 'aicoder';

export function coderArgvVars(
  deps: Pick<ManagerDeps, 'coderEndpoint' | 'coderPrompt'>,
  coder: Pick<Coder, 'id' | 'limits' | 'role'>,
): Partial<ArgvVars> {
  const vars: Partial<ArgvVars> = {
    max_turns: coder.limits.max_turns,
    budget_usd: coder.limits.budget_usd,
  };
  if (deps.coderEndpoint) {
    const ep = deps.coderEndpoint;
    const url = ep.url(coder.id);
    vars.coder_mcp_url = url;
    vars.coder_mcp_endpoint = ep.endpoint?.(coder.id) ?? url;
    if (ep.endpoint && ep.mcpConfigFile) {
      // The token goes in a header inside a 0600 file: argv (visible in `ps`) holds only its path.
      const config = JSON.stringify({
        mcpServers: {
          [CODER_MCP_NAME]: {
            type: 'http',
            url: ep.endpoint(coder.id),
            headers: { Authorization: `Bearer ${ep.token(coder.id)}` },
            // `claude -p` does not wait for servers still connecting (docs/mcp.md): on a busy machine
            // the agent would start without aicoder_ask_user. Other CLIs ignore the key.
            alwaysLoad: true,
          },
        },
      });
      vars.coder_mcp_config = ep.mcpConfigFile(coder.id, config);
    } else {
      vars.coder_mcp_config = JSON.stringify({
        mcpServers: { [CODER_MCP_NAME]: { type: 'http', url, alwaysLoad: true } },
      });
    }
    // Only the endpoint tools the coder's role may call are named (core/roles.ts).
    const prompt = deps.coderPrompt ? roleCoderPrompt(deps.coderPrompt, coder.role ?? null) : null;
    if (prompt) vars.coder_prompt = prompt.replaceAll('{coder_id}', coder.id);
  }
  return vars;
}
