/** The new-coder form: repo (default: the cwd's repo), provider (from the registry), model, task. */
import { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeySink } from '../key-router.js';
import type { AicoderClient } from '../../client/types.js';
import type { CreateCoderInput, ProviderReport } from '../../core/api.js';
import type { Coder } from '../../core/coder.js';
import { matchBinding } from '../bindings.js';
import { errorMessage } from '../errors.js';
import { editText, tailFit } from '../text-edit.js';
import { useTheme } from '../theme.js';
import { oneLine } from '../format.js';
import { fitByPriority, truncateEnd } from '../../term/width.js';
import { PaneTitle } from './pane-title.js';

export const FIELDS = ['repo', 'provider', 'model', 'task'] as const;
export type Field = (typeof FIELDS)[number];

export interface NewCoderFormProps {
  client: AicoderClient;
  cwdRepo: string | null;
  rows: number;
  width: number;
  onCreated: (coder: Coder) => void;
  onCancel: () => void;
  onError: (message: string) => void;
}

interface Values {
  repo: string;
  model: string;
  task: string;
}

interface FormState {
  values: Values;
  field: Field;
  provider: number;
  providerTouched: boolean;
  busy: boolean;
}

/** A provider as the form offers it. */
export interface ProviderChoice {
  name: string;
  description: string;
  /** false only when the daemon checked and did not find the program. */
  installed: boolean;
  isDefault: boolean;
}

/**
 * The form's provider choices from the daemon's report: installed providers first, those the daemon
 * did not find last (each group in the registry's order), and the index of the configured
 * `default_provider` (else of the first installed one) as the initial selection.
 */
export function providerChoices(report: ProviderReport): { choices: ProviderChoice[]; selected: number } {
  const all = report.providers.map((p) => ({
    name: p.name,
    description: p.description,
    installed: p.status?.installed !== false,
    isDefault: p.name === report.default_provider,
  }));
  const choices = [...all.filter((c) => c.installed), ...all.filter((c) => !c.installed)];
  const selected = Math.max(
    0,
    choices.findIndex((c) => c.isDefault),
  );
  return { choices, selected };
}

/** The provider row's text, most important first (the row is cut at its end). */
export function providerText(c: ProviderChoice): string {
  const marks = [c.isDefault ? 'default' : null, c.installed ? null : 'not installed'].filter(
    (m) => m !== null,
  );
  return `◀ ${c.name} ▶${marks.length > 0 ? ` (${marks.join(', ')})` : ''}  ${c.description}`;
}

const FORM_HINTS = [
  { text: 'Tab/↓ next field', rank: 2 },
  { text: '←/→ provider', rank: 3 },
  { text: 'Enter on task creates', rank: 0 },
  { text: 'Esc cancels', rank: 1 },
];

/** The form's key hints that fit in `width` cells (creating and cancelling kept longest). */
export function formHints(width: number): string {
  return fitByPriority(FORM_HINTS, width, ' · ')
    .map((h) => h.text)
    .join(' · ');
}

/** The create input from the form (empty optional fields are left out). */
export function formInput(v: Values, provider: string | undefined): CreateCoderInput {
  const input: CreateCoderInput = { task: v.task };
  if (v.repo.trim()) input.repo = v.repo.trim();
  if (provider) input.provider = provider;
  if (v.model.trim()) input.model = v.model.trim();
  return input;
}

export function NewCoderForm(p: NewCoderFormProps) {
  const theme = useTheme();
  // The ref is the source of truth (keys arriving before the next render act on the latest state);
  // `form` mirrors it for rendering.
  const ref = useRef<FormState>({
    values: { repo: p.cwdRepo ?? '', model: '', task: '' },
    field: 'task',
    provider: 0,
    providerTouched: false,
    busy: false,
  });
  const [form, setForm] = useState(ref.current);
  const set = (patch: Partial<FormState>): void => {
    ref.current = { ...ref.current, ...patch };
    setForm(ref.current);
  };
  const [providers, setProviders] = useState<ProviderChoice[] | null>(null);
  const providersRef = useRef<ProviderChoice[] | null>(null);
  const { client, onError } = p;

  useEffect(() => {
    let live = true;
    client.providerReport().then(
      (report) => {
        if (!live) return;
        const { choices, selected } = providerChoices(report);
        providersRef.current = choices;
        setProviders(choices);
        // Unless the user already picked one while the report was loading.
        if (!ref.current.providerTouched) set({ provider: selected });
      },
      (e: unknown) => {
        if (!live) return;
        providersRef.current = [];
        setProviders([]);
        onError(`providers: ${errorMessage(e)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [client, onError]);

  const submit = (): void => {
    const cur = ref.current;
    if (cur.busy) return;
    set({ busy: true });
    client.create(formInput(cur.values, providersRef.current?.[cur.provider]?.name)).then(
      (coder) => p.onCreated(coder),
      (e: unknown) => {
        set({ busy: false });
        p.onError(`create: ${errorMessage(e)}`);
      },
    );
  };

  const move = (d: number): void => {
    const i = FIELDS.indexOf(ref.current.field);
    set({ field: FIELDS[(i + d + FIELDS.length) % FIELDS.length]! });
  };

  useKeySink(({ input, key, paste }) => {
    const { field, values } = ref.current;
    const action = paste ? undefined : matchBinding('form', input, key)?.action;
    if (action === 'cancel') return p.onCancel();
    if (action === 'field-next') return move(1);
    if (action === 'field-prev') return move(-1);
    if (action === 'submit') return field === 'task' ? submit() : move(1);
    if (action === 'option-prev' || action === 'option-next') {
      const count = providersRef.current?.length ?? 0;
      const d = action === 'option-next' ? 1 : -1;
      if (field === 'provider' && count > 0) {
        set({ provider: (ref.current.provider + d + count) % count, providerTouched: true });
      }
      return;
    }
    if (field === 'provider') return;
    const next = editText(values[field], input, key);
    if (next !== null) set({ values: { ...values, [field]: next } });
  });

  const { values, field, provider, busy } = form;

  const labelWidth = 11;
  const room = Math.max(8, p.width - labelWidth - 1);
  const providerLine =
    providers === null
      ? 'loading…'
      : providers.length === 0
        ? '(daemon default)'
        : providerText(providers[provider]!);
  const row = (f: Field, text: string, placeholder: string) => {
    const active = f === field;
    return (
      <Text key={f} wrap="truncate-end">
        <Text
          {...(active ? theme.titleFocused : theme.label)}
        >{`${active ? '>' : ' '} ${f.padEnd(labelWidth - 2)}`}</Text>
        {text === '' && !active ? (
          <Text {...theme.dim}>{placeholder}</Text>
        ) : (
          // Typed fields keep their end in view (the cursor); the provider row keeps its start (the
          // name), cutting the description first.
          <Text>{f === 'provider' ? truncateEnd(oneLine(text, 500), room) : tailFit(text, room)}</Text>
        )}
        {active && f !== 'provider' ? <Text {...theme.selected}>{theme.color ? ' ' : '_'}</Text> : null}
      </Text>
    );
  };
  return (
    <Box flexDirection="column" width={p.width} height={p.rows} overflow="hidden">
      <PaneTitle text="New coder" width={p.width} focused />
      {row('repo', values.repo, '(the daemon default repo)')}
      {row('provider', providerLine, '')}
      {row('model', values.model, '(provider default)')}
      {row('task', values.task, 'what should the agent do?')}
      <Text> </Text>
      <Text wrap="truncate-end" {...theme.dim}>
        {busy ? 'creating…' : formHints(p.width)}
      </Text>
    </Box>
  );
}
