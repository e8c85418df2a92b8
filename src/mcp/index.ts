/** The MCP surface: the six ai_coder_* tools over Streamable HTTP (/mcp) and a stdio bridge. */
export {
  createMcpServer,
  TOOL_NAMES,
  SERVER_INSTRUCTIONS,
  type McpServerOptions,
  type AicoderMcpServer,
} from './server.js';
export { createMcpHttpHandler, type McpHttpHandler, type McpHttpOptions } from './http.js';
export { runStdioBridge, mcpUrl, type StdioBridgeOptions } from './stdio-bridge.js';
export { nextStep, ERROR_CODES } from './errors.js';
export { CODERS_URI, STATS_URI, coderUri } from './resources.js';
export { OUTPUT_SCHEMAS } from './output-schemas.js';
export { inputJsonSchema, resultJsonSchema } from './tool-registry.js';
export { compactCoder, compactListText } from './compact.js';
export { logsText } from './tools-workspace.js';
export { SERVER_CAPABILITIES, SERVER_NAME } from './identity.js';
export { TOOL_EXAMPLES, type ToolExample } from './examples.js';
export {
  createCoderMcpHandler,
  CODER_TOOL_NAMES,
  type CoderMcpHandler,
  type CoderMcpOptions,
} from './coder-endpoint.js';
