'use client';
import { useActionState, useState } from 'react';
import { createTsigKeyAction } from '@/lib/settings/actions';
import { TSIG_ALGORITHMS, type CreateTsigKeyState } from '@/lib/settings/schema';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage, OneTimeValue } from './form-message';

/** Adds a TSIG key; the secret (generated or pasted) is shown once, with a BIND key clause. */
export function TsigKeyForm() {
  const [state, formAction, pending] = useActionState(createTsigKeyAction, {} as CreateTsigKeyState);
  const errors = state.fieldErrors ?? {};
  const [source, setSource] = useState(state.values?.source || 'generate');
  const invalid = (f: keyof typeof errors) => Boolean(errors[f]?.length);
  return (
    <div className="space-y-4">
      <FormMessage state={state} />
      {state.created && (
        <div className="space-y-2" data-testid="tsig-created">
          <OneTimeValue label={`Secret of ${state.created.name} (${state.created.algorithm})`} value={state.created.secret} testId="tsig-secret" />
          <OneTimeValue label="For BIND (named.conf)" value={state.created.bindClause} testId="tsig-bind-clause" />
        </div>
      )}
      <form action={formAction} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="tsig-name" className={labelClass}>
              Key name
            </label>
            <input
              id="tsig-name"
              name="name"
              type="text"
              autoCapitalize="none"
              spellCheck={false}
              placeholder="transfer-key"
              defaultValue={state.ok ? '' : (state.values?.name ?? '')}
              aria-invalid={invalid('name') || undefined}
              aria-describedby={describedBy('tsig-name-hint', 'tsig-name-error', errors.name)}
              className={`mt-1 font-mono ${inputClass(invalid('name'))}`}
            />
            <p id="tsig-name-hint" className={hintClass}>
              A domain-style name; both sides must use the same one.
            </p>
            <FieldErrors id="tsig-name-error" errors={errors.name} />
          </div>
          <div>
            <label htmlFor="tsig-algorithm" className={labelClass}>
              Algorithm
            </label>
            <select
              id="tsig-algorithm"
              name="algorithm"
              defaultValue={state.values?.algorithm || 'hmac-sha256'}
              aria-invalid={invalid('algorithm') || undefined}
              aria-describedby={describedBy(null, 'tsig-algorithm-error', errors.algorithm)}
              className={`mt-1 ${inputClass(invalid('algorithm'))}`}
            >
              {TSIG_ALGORITHMS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
            <FieldErrors id="tsig-algorithm-error" errors={errors.algorithm} />
          </div>
        </div>
        <fieldset>
          <legend className={labelClass}>Secret</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm">
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name="source" value="generate" checked={source === 'generate'} onChange={() => setSource('generate')} />
              Generate one
            </label>
            <label className="inline-flex items-center gap-1.5">
              <input type="radio" name="source" value="paste" checked={source === 'paste'} onChange={() => setSource('paste')} />
              Paste an existing one
            </label>
          </div>
          {source === 'paste' && (
            <div className="mt-2">
              <label htmlFor="tsig-secret" className={labelClass}>
                Secret (base64)
              </label>
              <input
                id="tsig-secret"
                name="secret"
                type="password"
                autoComplete="off"
                spellCheck={false}
                aria-invalid={invalid('secret') || undefined}
                aria-describedby={describedBy('tsig-secret-hint', 'tsig-secret-error', errors.secret)}
                className={`mt-1 font-mono ${inputClass(invalid('secret'))}`}
              />
              <p id="tsig-secret-hint" className={hintClass}>
                As in a BIND key file or dig -y; at least 16 bytes.
              </p>
              <FieldErrors id="tsig-secret-error" errors={errors.secret} />
            </div>
          )}
        </fieldset>
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Creating…' : 'Create key'}
        </button>
      </form>
    </div>
  );
}
