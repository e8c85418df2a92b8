/**
 * Token counts as a model sees them: OpenAI's o200k_base encoding (GPT-4o and later) through
 * js-tiktoken, the same counter bench/mcp-tokens.mjs uses. Anthropic publishes no offline tokenizer;
 * o200k_base is the closest public one and counts JSON within a few percent of it.
 */
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';

let enc: Tiktoken | undefined;

export function countTokens(text: string): number {
  enc ??= new Tiktoken(o200k);
  return enc.encode(text).length;
}
