/**
 * The contract of aicoder's edges: limits, field, input and record schemas, the error body, and the
 * one zod issue formatter. Imports nothing but zod; every other folder may import it.
 */
export * from './limits.js';
export * from './states.js';
export * from './rules.js';
export * from './issues.js';
export * from './fields.js';
export * from './inputs.js';
export * from './errors.js';
export * from './health.js';
export * from './records.js';
export * from './open.js';
export * from './responses.js';
export * from './routes.js';
