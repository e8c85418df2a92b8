/** Provider registry, argv templates and output parsers. */
export {
  builtinProvidersDir,
  displayPath,
  loadProviderCatalog,
  parseProviderDef,
  readProviderFile,
  toProviderInfo,
  PROVIDER_NAME_RE,
  type LoadedProviderCatalog,
  type LoadProviderCatalogOptions,
  type ProviderLoadError,
} from './registry.js';
export {
  buildArgv,
  placeholdersIn,
  COMMAND_PLACEHOLDERS,
  RESUME_PLACEHOLDERS,
  type ArgvVars,
  type PlaceholderName,
} from './argv.js';
export { PARSERS, type ParserFactory } from './parsers.js';
export { TextParser, createTextParser, clipMessage, LAST_MESSAGE_MAX } from './text-parser.js';
