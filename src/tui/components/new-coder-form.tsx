/** The new-coder form: repo (default: the cwd's repo), provider (from the registry), model, task. */
import { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeySink } from '../key-router.js';
import type { AicoderClient } from '../../client/types.js';
import type { CreateCoderInput, ProviderInfo } from '../../core/api.js';
import type { Coder } from '../../core/coder.js';
import { matchBinding } from '../bindings.js';
import { errorMessage } from '../errors.js';
import { editText, tailFit } from '../text-edit.js';
import { useTheme } from '../theme.js';
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
  busy: boolean;
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
    busy: false,
  });
  const [form, setForm] = useState(ref.current);
  const set = (patch: Partial<FormState>): void => {
    ref.current = { ...ref.current, ...patch };
    setForm(ref.current);
  };
  const [providers, setProviders] = useState<ProviderInfo[] | null>(null);
  const providersRef = useRef<ProviderInfo[] | null>(null);
  const { client, onError } = p;

  useEffect(() => {
    let live = true;
    client.providers().then(
      (list) => {
        if (!live) return;
        providersRef.current = list;
        setProviders(list);
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
      if (field === 'provider' && count > 0) set({ provider: (ref.current.provider + d + count) % count });
      return;
    }
    if (field === 'provider') return;
    const next = editText(values[field], input, key);
    if (next !== null) set({ values: { ...values, [field]: next } });
  });

  const { values, field, provider, busy } = form;

  const labelWidth = 10;
  const room = Math.max(8, p.width - labelWidth - 2);
  const providerText =
    providers === null
      ? 'loading…'
      : providers.length === 0
        ? '(daemon default)'
        : `◀ ${providers[provider]?.name ?? ''} ▶  ${providers[provider]?.description ?? ''}`;
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
          <Text>{tailFit(text, room)}</Text>
        )}
        {active && f !== 'provider' ? <Text {...theme.selected}>{theme.color ? ' ' : '_'}</Text> : null}
      </Text>
    );
  };
  return (
    <Box flexDirection="column" width={p.width} height={p.rows} overflow="hidden">
      <PaneTitle text="New coder" width={p.width} focused />
      {row('repo', values.repo, '(the daemon default repo)')}
      {row('provider', providerText, '')}
      {row('model', values.model, '(provider default)')}
      {row('task', values.task, 'what should the agent do?')}
      <Text> </Text>
      <Text wrap="truncate-end" {...theme.dim}>
        {busy ? 'creating…' : 'Tab/↓ next field · ←/→ provider · Enter on task creates · Esc cancels'}
      </Text>
    </Box>
  );
}
